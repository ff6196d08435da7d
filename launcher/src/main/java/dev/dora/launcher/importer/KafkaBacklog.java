package dev.dora.launcher.importer;

import dev.dora.schema.KafkaClientSettings;
import dev.dora.streams.PipelineProgress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.KafkaException;

/**
 * The backlog of every dora pipeline running on the cluster, read from Kafka alone: an importer producing straight
 * to Kafka does not know the pipelines' application ids (they depend on their definitions), so it finds them by
 * their repartition topic, keeps those whose consumer group has members (a pipeline of old definitions that no
 * longer runs must not hold the import back), and takes the largest backlog.
 */
final class KafkaBacklog implements PipelineBacklog {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** How long the list of running pipelines is trusted before it is looked up again. */
    private static final long REFRESH_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Admin admin;
    private List<String> running = List.of();
    private long lookedUp;

    KafkaBacklog(final KafkaClientSettings kafka) {
        this.admin = Admin.create(kafka.configFor("the importer's pacing", Map.of(
                AdminClientConfig.CLIENT_ID_CONFIG, "dora-import-pacing",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis())));
    }

    @Override
    public OptionalLong pending() throws InterruptedException {
        try {
            // none found is not kept: a pipeline that is still joining its group is found at the next batch
            if (running.isEmpty() || System.nanoTime() - lookedUp > REFRESH_NANOS) {
                running = runningPipelines();
                lookedUp = System.nanoTime();
            }
            long largest = -1;
            for (final String applicationId : running) {
                // processed, not committed: the pipeline commits history only once per commit interval
                largest = Math.max(largest, PipelineProgress.readProcessed(admin, applicationId).pending());
            }
            return largest < 0 ? OptionalLong.empty() : OptionalLong.of(largest);
        } catch (final ExecutionException | TimeoutException | KafkaException | IllegalStateException e) {
            return OptionalLong.empty();
        }
    }

    private List<String> runningPipelines() throws InterruptedException, ExecutionException, TimeoutException {
        final Set<String> topics = admin.listTopics().names().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        final List<String> candidates = new ArrayList<>();
        final String suffix = PipelineProgress.repartitionTopic("");
        for (final String topic : topics) {
            if (topic.endsWith(suffix) && topic.length() > suffix.length()) {
                candidates.add(topic.substring(0, topic.length() - suffix.length()));
            }
        }
        if (candidates.isEmpty()) {
            return List.of();
        }
        final List<String> running = new ArrayList<>();
        for (final Map.Entry<String, ConsumerGroupDescription> group : admin.describeConsumerGroups(candidates)
                .all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).entrySet()) {
            if (!group.getValue().members().isEmpty()) {
                running.add(group.getKey());
            }
        }
        return running;
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
