package dev.dora.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.query.FailureReason;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A RocksDB store answers a {@link PositionQuery} with its position, taking no lock of the store: asked over and
 * over while another thread writes the store, it always answers, with the writes' offsets, and no thread deadlocks.
 */
@Tag("topology")
class PositionQueryTest {

    @Test
    void aRocksDbStoreAnswersWithItsPositionWhileItIsWritten() throws Exception {
        final Path dir = Files.createTempDirectory("position-query");
        final Properties props = new Properties();
        props.put(StreamsConfig.STATE_DIR_CONFIG, dir.toString());
        final MockProcessorContext<Object, Object> context = new MockProcessorContext<>(props, new TaskId(0, 0),
                dir.toFile());
        final KeyValueStore<Bytes, byte[]> store = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore("rows"),
                org.apache.kafka.common.serialization.Serdes.Bytes(),
                org.apache.kafka.common.serialization.Serdes.ByteArray()).withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        try {
            final AtomicBoolean writing = new AtomicBoolean(true);
            final AtomicLong written = new AtomicLong(-1);
            final Thread writer = new Thread(() -> {
                for (long offset = 0; writing.get(); offset++) {
                    context.setRecordMetadata("dora.events.changes", 0, offset);
                    store.put(Bytes.wrap(Long.toString(offset % 1_000).getBytes()), new byte[64]);
                    written.set(offset);
                }
            }, "writer");
            writer.start();
            long answers = 0;
            long seen = -1;
            final long until = System.nanoTime() + 2_000_000_000L;
            while (System.nanoTime() < until) {
                final QueryResult<Void> result = store.query(PositionQuery.INSTANCE, PositionBound.unbounded(),
                        new QueryConfig(false));
                assertFalse(result.isSuccess());
                assertEquals(FailureReason.UNKNOWN_QUERY_TYPE, result.getFailureReason());
                final Long offset = result.getPosition().getPartitionPositions("dora.events.changes").get(0);
                if (offset != null) {
                    assertTrue(offset >= seen, "the position never goes back: " + offset + " after " + seen);
                    seen = offset;
                }
                answers++;
            }
            assertNull(ManagementFactory.getThreadMXBean().findDeadlockedThreads(), "a deadlock");
            writing.set(false);
            writer.join(10_000);
            assertFalse(writer.isAlive(), "the writer ran to its end");
            assertTrue(answers > 100 && seen > 0, answers + " answers, last position " + seen);
            final QueryResult<Void> last = store.query(PositionQuery.INSTANCE, PositionBound.unbounded(),
                    new QueryConfig(false));
            assertEquals(written.get(), last.getPosition().getPartitionPositions("dora.events.changes").get(0));
        } finally {
            store.close();
        }
    }
}
