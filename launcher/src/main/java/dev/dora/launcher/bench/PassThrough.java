package dev.dora.launcher.bench;

import dev.dora.ingest.EventPublisher;
import dev.dora.schema.Topic;
import dev.dora.schema.TopicAdmin;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The plain Kafka reference: the history's records (the same topics' layout, keys and serialized values the
 * importer produces) produced to copies of the event topics with {@code acks=all} and idempotence, as
 * {@code EventPublisher} does, then consumed back in full, on the broker the pipeline runs on. Whatever dora does on
 * top of Kafka, it cannot be faster than this.
 */
final class PassThrough {

    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    /** @param records records produced and consumed; {@code bytes} their keys and values */
    record Result(long records, long bytes, double produceSeconds, double consumeSeconds) {
        double recordsPerSecond() {
            return records / (produceSeconds + consumeSeconds);
        }
    }

    private PassThrough() {
    }

    /**
     * @param attempt 1 for the first measurement; a later attempt uses topics of its own, so nothing of a failed
     *                one (its topics, its producer's state on the broker) is reused
     */
    static Result measure(final String bootstrapServers, final BenchHistory history, final int attempt)
            throws IOException, InterruptedException {
        final List<String> topics = new ArrayList<>();
        final List<TopicPartition> partitions = new ArrayList<>();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            final List<NewTopic> created = new ArrayList<>();
            for (final Topic<String, ?> topic : BenchHistory.KafkaRecords.TOPICS) {
                // the same partition count and settings as the event topic it stands for
                final int count = admin.describeTopics(List.of(topic.name())).allTopicNames().get(1, TimeUnit.MINUTES)
                        .get(topic.name()).partitions().size();
                final String name = DiskUsage.PASSTHROUGH_PREFIX + (attempt > 1 ? attempt + "." : "") + topic.name();
                topics.add(name);
                created.add(new NewTopic(name, count, (short) -1).configs(topic.configs()));
                for (int p = 0; p < count; p++) {
                    partitions.add(new TopicPartition(name, p));
                }
            }
            admin.createTopics(created).all().get(1, TimeUnit.MINUTES);
            try {
                // KAFKA-15591: a producer that starts before the leaders serve can fail its first records
                TopicAdmin.awaitLeading(admin, partitions);
                final double produce = produce(bootstrapServers, history, topics);
                final double consume = consume(bootstrapServers, partitions, history.events());
                return new Result(history.events(), history.recordBytes(), produce, consume);
            } finally {
                admin.deleteTopics(topics).all().get(1, TimeUnit.MINUTES);
            }
        } catch (final ExecutionException | TimeoutException e) {
            throw new IOException("pass-through on " + bootstrapServers + " failed: " + e.getMessage(), e);
        }
    }

    private static double produce(final String bootstrapServers, final BenchHistory history, final List<String> topics)
            throws IOException, InterruptedException {
        final Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-passthrough");
        // as EventPublisher: idempotent, acks=all, a 5 ms linger, lz4
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, EventPublisher.COMPRESSION);
        // a batch that a healthy single broker has not taken in 30 s will not be taken: fail fast and measure again
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        final AtomicReference<Exception> failure = new AtomicReference<>();
        final long started;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config);
             DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(history.records()),
                     1 << 16))) {
            for (final String topic : topics) {
                producer.partitionsFor(topic); // metadata first: not part of the measurement
            }
            started = System.nanoTime();
            while (true) {
                final int topic;
                try {
                    topic = in.readUnsignedByte();
                } catch (final EOFException end) {
                    break;
                }
                final byte[] key = in.readNBytes(in.readInt());
                final byte[] value = in.readNBytes(in.readInt());
                producer.send(new ProducerRecord<>(topics.get(topic), key, value), (metadata, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                });
            }
            producer.flush();
        }
        final double seconds = (System.nanoTime() - started) / 1e9;
        if (failure.get() != null) {
            throw new IOException("pass-through: Kafka refused a record: " + failure.get().getMessage(), failure.get());
        }
        return seconds;
    }

    private static double consume(final String bootstrapServers, final List<TopicPartition> partitions,
                                  final long expected) throws IOException {
        final Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "bench-passthrough");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final long started = System.nanoTime();
            final long deadline = started + TIMEOUT.toNanos();
            long consumed = 0;
            while (consumed < expected) {
                final ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
                consumed += records.count();
                if (System.nanoTime() > deadline) {
                    throw new IOException("pass-through: consumed " + consumed + " of " + expected + " records in "
                            + TIMEOUT.toMinutes() + " min");
                }
            }
            return (System.nanoTime() - started) / 1e9;
        }
    }
}
