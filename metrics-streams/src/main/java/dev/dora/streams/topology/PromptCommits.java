package dev.dora.streams.topology;

import dev.dora.schema.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * When a task's work is committed, if the pipeline commits history rarely. Under exactly-once, what a record changes
 * is seen (by the queries, and by the next stage's {@code read_committed} consumer) only once its stream thread
 * commits, and a commit is costly: the rows changed since the last one are encoded and written to their changelogs,
 * and the transaction takes several round trips to the broker, which writes a marker to every partition in it. With
 * a {@code commit.interval.ms} above {@link #GAP} (an operator's choice: dora's default is the gap itself), history sent
 * in bulk (records with {@link Topics#BULK_HEADER}) is committed at that interval only, while any other record (a
 * webhook, a {@code POST}) asks for a commit as soon as it is processed, so that a live event is not held for the
 * interval. With the default, Kafka Streams' interval commits every record within the gap, and this does nothing.
 *
 * <p>Requests are spaced by at least {@link #GAP} per stream thread: live events at a hundred a second would
 * otherwise commit a hundred times a second, which an exactly-once commit's round trips cannot sustain. A live record
 * that arrives within the gap is committed by the next request, made at the next record the task processes or at
 * its next punctuation, every {@link #GAP}: Kafka Streams' loop punctuates and then makes the commits asked for in
 * every iteration. The freshness at rest measured a longer tail with this policy than with the default, for a reason
 * not established (docs/BENCHMARKS.md, stop 31, as corrected in stop 33).
 */
public final class PromptCommits {

    /** The least time between two commits that live records ask for on one stream thread. */
    public static final Duration GAP = Duration.ofMillis(50);
    /** How many records apart a position is listed again (see {@link ProcessedOffsets#keep}). */
    private static final int KEEP_EVERY = 1_000;

    /** When each stream thread last asked for a commit. */
    private static final ThreadLocal<long[]> LAST_REQUEST = ThreadLocal.withInitial(() -> new long[] {Long.MIN_VALUE});

    private final ProcessorContext<?, ?> context;
    /** Whether history is committed less often than live records must be: the commit interval is above the gap. */
    private final boolean active;
    /** Where the task's positions are kept; null for none. */
    private final ProcessedOffsets offsets;
    /** The positions of the partitions this processor has read. */
    private final List<ProcessedOffsets.Position> tracked = new ArrayList<>(3);
    /** Whether this task processed a live record that no request has covered yet. */
    private boolean waiting;
    private int sinceKept;

    /**
     * Schedules the task's punctuation, which makes the requests held by the gap, when history is committed rarely.
     *
     * @param offsets where the task's positions are kept; null for none
     */
    PromptCommits(final ProcessorContext<?, ?> context, final ProcessedOffsets offsets) {
        this.context = context;
        this.offsets = offsets;
        this.active = rarely(context.appConfigs().get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG));
        if (active) {
            context.schedule(GAP, PunctuationType.WALL_CLOCK_TIME, now -> {
                if (waiting) {
                    request(now);
                }
            });
        }
    }

    /**
     * Whether a {@code commit.interval.ms} (a number or its text) exceeds the gap; false when absent (dora always sets
     * it) or not a number (Kafka Streams refuses it, with a clearer message than this could give).
     */
    public static boolean rarely(final Object commitInterval) {
        if (commitInterval instanceof Number number) {
            return number.longValue() > GAP.toMillis();
        }
        try {
            return commitInterval != null && Long.parseLong(commitInterval.toString().trim()) > GAP.toMillis();
        } catch (final NumberFormatException e) {
            return false;
        }
    }

    /** After a record is processed: asks for a commit if it is live, or if a live one before it is still waiting. */
    void processed(final Headers headers) {
        track();
        if (!active) {
            return;
        }
        if (!Topics.isBulk(headers)) {
            waiting = true;
        }
        if (waiting) {
            request(context.currentSystemTimeMs());
        }
    }

    /** When the task closes: the partitions' positions are no longer this instance's to tell. */
    void close() {
        if (offsets != null) {
            tracked.forEach(offsets::forget);
        }
        tracked.clear();
    }

    private void track() {
        if (offsets == null) {
            return;
        }
        final RecordMetadata record = context.recordMetadata().orElse(null);
        if (record != null && record.topic() != null) {
            final ProcessedOffsets.Position position = position(record.topic(), record.partition());
            position.next = record.offset() + 1;
            if (++sinceKept >= KEEP_EVERY) {
                sinceKept = 0;
                offsets.keep(position);
            }
        }
    }

    private ProcessedOffsets.Position position(final String topic, final int partition) {
        for (final ProcessedOffsets.Position position : tracked) {
            if (position.partition.partition() == partition && position.partition.topic().equals(topic)) {
                return position;
            }
        }
        final ProcessedOffsets.Position position = offsets.track(new TopicPartition(topic, partition));
        tracked.add(position);
        return position;
    }

    private void request(final long now) {
        final long[] last = LAST_REQUEST.get();
        if (last[0] == Long.MIN_VALUE || now - last[0] >= GAP.toMillis()) {
            context.commit();
            last[0] = now;
            waiting = false;
        }
    }
}
