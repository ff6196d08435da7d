package dev.dora.streams;

import dev.dora.schema.Topic;
import dev.dora.schema.Topics;
import dev.dora.streams.topology.DoraTopology;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * How far a running pipeline has got, read from Kafka alone: the records of its input, repartition and loop topics
 * that its consumer group has not committed yet. Anyone with an admin client can read it knowing only the Kafka
 * Streams application id, so an importer on another machine can pace itself by it (see {@code dora import}).
 */
public final class PipelineProgress {

    private static final long TIMEOUT_SECONDS = 10;

    private PipelineProgress() {
    }

    /** The topics whose unread records are the pipeline's backlog: the event topics and its own internal ones. */
    public static List<String> topics(final String streamsApplicationId) {
        final List<String> topics = new ArrayList<>();
        Topics.EVENT_TOPICS.stream().map(Topic::name).forEach(topics::add);
        topics.add(repartitionTopic(streamsApplicationId));
        topics.addAll(DoraTopology.loopTopics(streamsApplicationId));
        return topics;
    }

    /** The topic between the resolvers and the ledger, whose existence marks a dora pipeline's application id. */
    public static String repartitionTopic(final String streamsApplicationId) {
        return streamsApplicationId + "-" + DoraTopology.LEDGER_REPARTITION + "-repartition";
    }

    /**
     * Reads the pipeline's progress. Committed offsets are read before end offsets so that work moving between
     * stages is never missed.
     *
     * @throws IllegalStateException when Kafka does not answer within ten seconds per request
     */
    public static MetricsPipeline.Progress read(final Admin admin, final String streamsApplicationId)
            throws InterruptedException {
        try {
            final Map<TopicPartition, OffsetAndMetadata> committed = admin
                    .listConsumerGroupOffsets(streamsApplicationId).partitionsToOffsetAndMetadata()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            final Set<TopicPartition> partitions = partitions(admin, topics(streamsApplicationId));
            final Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
                    offsets(admin, partitions, OffsetSpec.latest(), IsolationLevel.READ_UNCOMMITTED);
            final Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> starts =
                    offsets(admin, partitions, OffsetSpec.earliest(), IsolationLevel.READ_UNCOMMITTED);
            long pending = 0;
            long processed = 0;
            for (final var entry : ends.entrySet()) {
                final OffsetAndMetadata done = committed.get(entry.getKey());
                final long from = done != null ? done.offset() : starts.get(entry.getKey()).offset();
                pending += Math.max(0, entry.getValue().offset() - from);
                processed += done != null ? done.offset() : 0;
            }
            return new MetricsPipeline.Progress(pending, processed);
        } catch (final ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read the pipeline's progress from Kafka: " + e.getMessage(), e);
        }
    }

    /**
     * How far the state the queries read has been written, by every instance: the sum of the committed end offsets
     * (read committed, so a write counts once its transaction is readable) of the changelogs of those stores. It
     * moves with every committed change of that state, also those no input offset marks: deployments held by the
     * ledger and applied by its punctuation move no committed offset, on whichever instance holds their partition.
     *
     * @throws IllegalStateException when Kafka does not answer within ten seconds per request
     */
    public static long stateWritten(final Admin admin, final String streamsApplicationId)
            throws InterruptedException {
        try {
            final List<String> changelogs = StateVersions.Reads.ALL.stores().stream()
                    .map(store -> streamsApplicationId + "-" + store + "-changelog").toList();
            return offsets(admin, partitions(admin, changelogs), OffsetSpec.latest(), IsolationLevel.READ_COMMITTED)
                    .values().stream().mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
        } catch (final ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read the pipeline's changelogs' offsets from Kafka: "
                    + e.getMessage(), e);
        }
    }

    /** The partitions of those of {@code topics} that exist. */
    private static Set<TopicPartition> partitions(final Admin admin, final List<String> topics)
            throws InterruptedException, ExecutionException, TimeoutException {
        final Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        final Set<TopicPartition> partitions = new HashSet<>();
        for (final var description : admin.describeTopics(topics.stream().filter(existing::contains).toList())
                .allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).values()) {
            description.partitions().forEach(p -> partitions.add(new TopicPartition(description.name(),
                    p.partition())));
        }
        return partitions;
    }

    private static Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> offsets(final Admin admin,
            final Set<TopicPartition> partitions, final OffsetSpec spec, final IsolationLevel isolation)
            throws InterruptedException, ExecutionException, TimeoutException {
        final Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(partition -> request.put(partition, spec));
        return admin.listOffsets(request, new ListOffsetsOptions(isolation)).all()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }
}
