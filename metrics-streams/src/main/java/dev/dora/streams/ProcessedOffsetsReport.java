package dev.dora.streams;

import dev.dora.streams.topology.ProcessedOffsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes how far this instance's tasks have processed their partitions ({@link ProcessedOffsets}) as the committed
 * offsets of a consumer group that has no members, {@link PipelineProgress#processedGroup}, each with the time it was
 * published as its metadata. An import on another machine reads them with an admin client, as it reads the pipeline's
 * own committed offsets, and paces itself by the records not yet processed rather than not yet committed
 * ({@link PipelineProgress#readProcessed}). Each instance publishes only the partitions its tasks read.
 *
 * <p>Publishing is best effort: a cluster whose ACLs refuse the group makes imports pace by the committed offsets
 * alone, which is slower, and is said once in the log.
 */
final class ProcessedOffsetsReport implements AutoCloseable {

    static final long EVERY_MS = 100;
    /** How long after a refused request the next one waits. */
    static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(2);

    private static final Logger LOG = LoggerFactory.getLogger(ProcessedOffsetsReport.class);

    private final Supplier<Map<TopicPartition, Long>> positions;
    private final Admin admin;
    private final String group;
    private final LongSupplier clock;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
        final Thread thread = new Thread(runnable, "dora-processed-offsets");
        thread.setDaemon(true);
        return thread;
    });
    private Map<TopicPartition, Long> published = Map.of();
    private Map<TopicPartition, Long> inFlight = Map.of();
    private Future<Void> sending;
    private volatile Throwable failure;
    private long retryAfterNanos;
    private boolean failureSaid;

    /** Publishes the positions {@code positions} gives (a {@link ProcessedOffsets#snapshot}) for the application. */
    ProcessedOffsetsReport(final Supplier<Map<TopicPartition, Long>> positions, final Admin admin,
                           final String streamsApplicationId, final LongSupplier clock) {
        this.positions = positions;
        this.admin = admin;
        this.group = PipelineProgress.processedGroup(streamsApplicationId);
        this.clock = clock;
    }

    void start() {
        executor.scheduleWithFixedDelay(() -> {
            // an exception escaping would end the schedule for good
            try {
                publish();
            } catch (final RuntimeException e) {
                said(e);
            }
        }, EVERY_MS, EVERY_MS, TimeUnit.MILLISECONDS);
    }

    /**
     * Sends the positions that moved since the last ones Kafka acknowledged, unless the last request is still under
     * way: a request that failed is sent again {@link #RETRY_NANOS} later even if nothing moved, as an importer at rest
     * would otherwise fall back to the committed offsets until a position moved.
     */
    void publish() {
        try {
            if (sending != null && !sending.isDone()) {
                return;
            }
            if (sending != null) {
                sending.get();
                published = inFlight;
                failure = null;
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (final ExecutionException e) {
            failure = e.getCause();
            said(e.getCause());
            // a refusal that lasts (an ACL) would otherwise be asked again ten times a second, each logged by Kafka
            retryAfterNanos = System.nanoTime() + RETRY_NANOS;
        }
        sending = null;
        if (failure != null && System.nanoTime() - retryAfterNanos < 0) {
            return;
        }
        final Map<TopicPartition, Long> now = positions.get();
        if (now.equals(published)) {
            return;
        }
        final String at = Long.toString(clock.getAsLong());
        final Map<TopicPartition, OffsetAndMetadata> request = new HashMap<>();
        now.forEach((partition, next) -> request.put(partition, new OffsetAndMetadata(next, at)));
        try {
            sending = admin.alterConsumerGroupOffsets(group, request).all();
            inFlight = now;
        } catch (final RuntimeException e) {
            said(e);
        }
    }

    /** Why Kafka refused the last request answered, null once one is acknowledged. */
    Throwable failure() {
        return failure;
    }

    private void said(final Throwable failure) {
        if (!failureSaid) {
            failureSaid = true;
            LOG.warn("cannot publish the processed offsets as consumer group '{}' ({}): imports straight to Kafka pace "
                    + "themselves by the committed offsets alone", group, String.valueOf(failure));
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
