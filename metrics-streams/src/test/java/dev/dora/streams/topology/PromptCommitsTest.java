package dev.dora.streams.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dora.schema.Topics;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Which records ask for a commit, and when: none with dora's default interval; with a longer one, live records at
 * once, history never, and a live record within the gap at the next chance after it.
 */
@Tag("unit")
class PromptCommitsTest {

    /** The stream thread's last request outlives a test: each one starts well after the one before. */
    private static final AtomicLong CLOCK = new AtomicLong(1_000_000_000_000L);

    private static MockProcessorContext<Object, Object> context(final long commitIntervalMs) {
        final Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "prompt-commits-test");
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitIntervalMs);
        final MockProcessorContext<Object, Object> context = new MockProcessorContext<>(config);
        context.setCurrentSystemTimeMs(CLOCK.addAndGet(1_000_000));
        return context;
    }

    private static Headers live() {
        return new TestRecord<>("k", "v").headers();
    }

    private static Headers history() {
        return Topics.markBulk(new TestRecord<>("k", "v").headers());
    }

    @Test
    void withTheDefaultIntervalNothingIsAskedFor() {
        final MockProcessorContext<Object, Object> context = context(50);
        final PromptCommits commits = new PromptCommits(context, null);
        commits.processed(live());
        assertFalse(context.committed(), "Kafka Streams' interval commits within the gap already");
        assertTrue(context.scheduledPunctuators().isEmpty(), "no punctuation to cost the loop its commit check");
    }

    @Test
    void withALongerIntervalALiveRecordAsksAtOnceAndHistoryNever() {
        final MockProcessorContext<Object, Object> context = context(1_000);
        final PromptCommits commits = new PromptCommits(context, null);
        commits.processed(history());
        assertFalse(context.committed(), "history waits for the interval");
        commits.processed(live());
        assertTrue(context.committed(), "a live record asks at once");
    }

    @Test
    void aLiveRecordWithinTheGapIsAskedForAtTheNextChanceAfterIt() {
        final MockProcessorContext<Object, Object> context = context(1_000);
        final PromptCommits commits = new PromptCommits(context, null);
        final long t0 = context.currentSystemTimeMs();
        commits.processed(live());
        context.resetCommit();

        context.setCurrentSystemTimeMs(t0 + 10);
        commits.processed(live());
        assertFalse(context.committed(), "within the gap of the last request");
        context.scheduledPunctuators().get(0).getPunctuator().punctuate(t0 + 30);
        assertFalse(context.committed(), "still within the gap");

        context.setCurrentSystemTimeMs(t0 + PromptCommits.GAP.toMillis());
        commits.processed(history());
        assertTrue(context.committed(), "the next record after the gap asks for the live one waiting");
        context.resetCommit();

        context.setCurrentSystemTimeMs(t0 + 70);
        commits.processed(live());
        assertFalse(context.committed());
        assertEquals(PromptCommits.GAP, context.scheduledPunctuators().get(0).getInterval());
        context.scheduledPunctuators().get(0).getPunctuator().punctuate(t0 + 2 * PromptCommits.GAP.toMillis());
        assertTrue(context.committed(), "with no record after it, the punctuation asks");
    }

    @Test
    void theIntervalIsReadAsANumberOrItsText() {
        assertTrue(PromptCommits.rarely(1_000L));
        assertTrue(PromptCommits.rarely(" 1000 "));
        assertFalse(PromptCommits.rarely(50));
        assertFalse(PromptCommits.rarely(null));
        assertFalse(PromptCommits.rarely("soon"), "left for Kafka Streams to refuse");
    }
}
