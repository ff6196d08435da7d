package dev.dora.streams.topology;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;

/**
 * How far a pipeline's tasks have processed their input partitions, which runs ahead of what they committed: history
 * sent in bulk is committed once per commit interval only ({@link PromptCommits}). An import paces itself by the
 * pipeline's backlog ({@code dora import --max-lag}); read from the committed offsets alone, that backlog would count
 * each interval's processed work as still queued, and the import would hold back while the pipeline ran dry. The
 * pipeline publishes these offsets for it ({@code ProcessedOffsetsReport}).
 *
 * <p>Each partition's position is written by the stream thread of the task that reads it, and read by the report.
 */
public final class ProcessedOffsets {

    private final Map<TopicPartition, Position> positions = new ConcurrentHashMap<>();

    /** The offset after the last record processed of each partition a task of this instance reads. */
    public Map<TopicPartition, Long> snapshot() {
        final Map<TopicPartition, Long> out = new HashMap<>();
        positions.forEach((partition, position) -> {
            if (position.next > 0) {
                out.put(partition, position.next);
            }
        });
        return out;
    }

    /** The position of {@code partition}, shared with whichever task of this instance read it before. */
    Position track(final TopicPartition partition) {
        return positions.computeIfAbsent(partition, Position::new);
    }

    /** Keeps {@code position} listed: a task that closed after another one took the partition may have unlisted it. */
    void keep(final Position position) {
        positions.putIfAbsent(position.partition, position);
    }

    /** Unlists {@code position}: its task no longer reads the partition here. */
    void forget(final Position position) {
        positions.remove(position.partition, position);
    }

    /** One partition's position. */
    static final class Position {
        final TopicPartition partition;
        volatile long next;

        Position(final TopicPartition partition) {
            this.partition = partition;
        }
    }
}
