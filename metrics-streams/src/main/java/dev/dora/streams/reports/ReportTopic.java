package dev.dora.streams.reports;

import dev.dora.reports.WeeklyReport;
import dev.dora.schema.AvroSerdes;
import dev.dora.schema.KafkaClientSettings;
import dev.dora.schema.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads {@code dora.reports.weekly} from its beginning to its end as it is now, committed records only. */
public final class ReportTopic {

    private static final Duration POLL = Duration.ofMillis(500);

    private ReportTopic() {
    }

    /** Every committed record in topic order: a key and its report, or null for a withdrawn one (a tombstone). */
    public static void read(final KafkaClientSettings kafka, final BiConsumer<String, WeeklyReport> each) {
        try (KafkaConsumer<String, WeeklyReport> consumer = new KafkaConsumer<>(kafka.configFor(
                "the weekly reports' reader", Map.of(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                List.of(new KafkaClientSettings.Required(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                        "an aborted report is no report"))),
                new StringDeserializer(), AvroSerdes.of(WeeklyReport.class).deserializer())) {
            final List<TopicPartition> partitions = consumer.partitionsFor(Topics.WEEKLY_REPORTS.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (final ConsumerRecord<String, WeeklyReport> record : consumer.poll(POLL)) {
                    each.accept(record.key(), record.value());
                }
            }
        }
    }

    /** The latest revision of every report that was not withdrawn, by topic key. */
    public static Map<String, WeeklyReport> latest(final KafkaClientSettings kafka) {
        final Map<String, WeeklyReport> latest = new TreeMap<>();
        read(kafka, (key, report) -> {
            if (report != null) {
                latest.put(key, report);
            } else {
                latest.remove(key);
            }
        });
        return latest;
    }
}
