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
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsResult;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
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
    private static final String PROCESSED_SUFFIX = "-processed";
    /**
     * How recent a published processed offset must be to count: older ones are from an instance that stopped or a
     * pipeline since reset. The importer's and the pipeline's clocks are taken to agree within it.
     */
    static final long PROCESSED_FRESH_MS = 30_000;

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
     * The consumer group, without members, whose committed offsets are how far the pipeline's tasks have processed
     * their partitions, ahead of what they committed ({@code ProcessedOffsetsReport}).
     */
    public static String processedGroup(final String streamsApplicationId) {
        return streamsApplicationId + PROCESSED_SUFFIX;
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
            return pending(admin, streamsApplicationId, committed, IsolationLevel.READ_UNCOMMITTED);
        } catch (final ExecutionException | TimeoutException e) {
            throw progressUnread(e);
        }
    }

    /**
     * As {@link #read}, counting as done what the pipeline's tasks have processed but not committed yet, as their
     * instances published it in the last {@link #PROCESSED_FRESH_MS}, and as not yet given what a stage wrote for the
     * next one in a transaction still open (the end offsets are the last stable ones): what an import paces itself
     * by, since history is committed only once per commit interval, and the records an open transaction holds cannot
     * be processed before it commits whatever the import does. Not what a reader of the state waits for: processed is
     * not yet seen.
     *
     * @throws IllegalStateException when Kafka does not answer within ten seconds per request
     */
    public static MetricsPipeline.Progress readProcessed(final Admin admin, final String streamsApplicationId)
            throws InterruptedException {
        try {
            // what the next stage can read, not what an open transaction of the one before still holds
            return pending(admin, streamsApplicationId, furthest(admin, streamsApplicationId),
                    IsolationLevel.READ_COMMITTED);
        } catch (final ExecutionException | TimeoutException e) {
            throw progressUnread(e);
        }
    }

    /** The records between {@code done} and the end offsets read at {@code ends}, over the pipeline's topics. */
    private static MetricsPipeline.Progress pending(final Admin admin, final String streamsApplicationId,
            final Map<TopicPartition, OffsetAndMetadata> done, final IsolationLevel ends)
            throws InterruptedException, ExecutionException, TimeoutException {
        final Set<TopicPartition> partitions = partitions(admin, topics(streamsApplicationId));
        final Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> endOffsets =
                offsets(admin, partitions, OffsetSpec.latest(), ends);
        final Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> starts =
                offsets(admin, partitions, OffsetSpec.earliest(), IsolationLevel.READ_UNCOMMITTED);
        long pending = 0;
        long processed = 0;
        for (final var entry : endOffsets.entrySet()) {
            final OffsetAndMetadata position = done.get(entry.getKey());
            final long from = position != null ? position.offset() : starts.get(entry.getKey()).offset();
            pending += Math.max(0, entry.getValue().offset() - from);
            processed += position != null ? position.offset() : 0;
        }
        return new MetricsPipeline.Progress(pending, processed);
    }

    private static IllegalStateException progressUnread(final Exception e) {
        return new IllegalStateException("cannot read the pipeline's progress from Kafka: " + e.getMessage(), e);
    }

    /** Per partition, the committed offset or the processed one published recently, whichever is further. */
    private static Map<TopicPartition, OffsetAndMetadata> furthest(final Admin admin, final String streamsApplicationId)
            throws InterruptedException, ExecutionException, TimeoutException {
        final String processedGroup = processedGroup(streamsApplicationId);
        final ListConsumerGroupOffsetsResult result = admin.listConsumerGroupOffsets(Map.of(
                streamsApplicationId, new ListConsumerGroupOffsetsSpec(),
                processedGroup, new ListConsumerGroupOffsetsSpec()));
        final Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>(result
                .partitionsToOffsetAndMetadata(streamsApplicationId).get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        final long now = System.currentTimeMillis();
        result.partitionsToOffsetAndMetadata(processedGroup).get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .forEach((partition, position) -> {
                    if (position != null && published(position) >= now - PROCESSED_FRESH_MS) {
                        out.merge(partition, position, (a, b) -> a.offset() >= b.offset() ? a : b);
                    }
                });
        return out;
    }

    /** When a processed offset was published, from its metadata; 0 when it says nothing readable. */
    private static long published(final OffsetAndMetadata position) {
        try {
            return Long.parseLong(position.metadata());
        } catch (final NumberFormatException e) {
            return 0;
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
