package dev.dora.launcher.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The import's pacing by the pipeline's backlog: how much it lets through, when it waits, when it sends without
 * asking, when it gives up. The backlog answers from a script and the clock moves one second per read.
 */
@Tag("unit")
class PacerTest {

    private static final Duration HALF_A_SECOND = Duration.ofMillis(500);

    /** A backlog that answers the given values in turn (the last one for ever), each read one second later. */
    private static final class ScriptedBacklog implements PipelineBacklog {
        private final Deque<OptionalLong> answers = new ArrayDeque<>();
        private final AtomicLong clock;
        private final List<Long> readAt = new ArrayList<>();

        ScriptedBacklog(final AtomicLong clock, final long... pending) {
            this.clock = clock;
            for (final long value : pending) {
                answers.add(value < 0 ? OptionalLong.empty() : OptionalLong.of(value));
            }
        }

        @Override
        public OptionalLong pending() {
            clock.addAndGet(TimeUnit.SECONDS.toNanos(1));
            readAt.add(clock.get());
            return answers.size() > 1 ? answers.poll() : answers.peek();
        }

        @Override
        public void close() {
        }
    }

    @Test
    void untilTheRateIsKnownOnlyTheMinimumBacklogIsLetThrough() throws InterruptedException {
        final AtomicLong clock = new AtomicLong();
        final ScriptedBacklog backlog = new ScriptedBacklog(clock, 0);
        final Pacer pacer = new Pacer(backlog, HALF_A_SECOND, clock::get);
        assertEquals(Pacer.MIN_BACKLOG, pacer.grant(1_000));
        assertEquals(1, backlog.readAt.size());
        assertEquals(0.0, pacer.waitedSeconds(), 1e-9, "room at the first read: no wait");
    }

    @Test
    void theBacklogFollowsTheMeasuredRate() throws InterruptedException {
        final AtomicLong clock = new AtomicLong();
        final ScriptedBacklog backlog = new ScriptedBacklog(clock, 0, 0, 500);
        final Pacer pacer = new Pacer(backlog, Duration.ofSeconds(10), clock::get);
        assertEquals(Pacer.MIN_BACKLOG, pacer.grant(10_000), "the rate is not known yet");
        // all 200 done within the second: at least 200 records/s, so ten seconds are 2,000 records
        assertEquals(2_000, pacer.grant(10_000));
        // 2,000 sent, 500 left a second later: 1,500 records/s, averaged with the 200: 850/s, 8,500 records
        assertEquals(8_000, pacer.grant(10_000), "8,500 allowed, 500 of them queued");
        assertEquals(8_500, pacer.limit());
    }

    @Test
    void aFullBacklogIsWaitedForUntilThereIsRoom() throws InterruptedException {
        final AtomicLong clock = new AtomicLong();
        final ScriptedBacklog backlog = new ScriptedBacklog(clock, 5_000, 3_000, 1_500, 100);
        final Pacer pacer = new Pacer(backlog, HALF_A_SECOND, clock::get);
        final int granted = pacer.grant(1_000);
        assertEquals(4, backlog.readAt.size(), "read until the backlog had room");
        assertTrue(granted >= 100 && granted <= 1_000, "what fits under the limit: " + granted);
        assertEquals(4.0, pacer.waitedSeconds(), 1e-9, "from the call to the read that found room");
    }

    @Test
    void roomLeftIsUsedWithoutReadingTheBacklogAgain() throws InterruptedException {
        final AtomicLong clock = new AtomicLong();
        final ScriptedBacklog backlog = new ScriptedBacklog(clock, 0);
        final Pacer pacer = new Pacer(backlog, HALF_A_SECOND, clock::get);
        int sent = 0;
        while (sent < Pacer.MIN_BACKLOG) {
            sent += pacer.grant(10);
        }
        assertEquals(1, backlog.readAt.size(), "the room found at the first read is spent without asking again");
    }

    @Test
    void anUnknownBacklogNeverHoldsEventsBack() throws InterruptedException {
        final AtomicLong clock = new AtomicLong();
        final ScriptedBacklog backlog = new ScriptedBacklog(clock, -1);
        final Pacer pacer = new Pacer(backlog, HALF_A_SECOND, clock::get);
        for (int i = 0; i < 3; i++) {
            assertEquals(1_000, pacer.grant(1_000));
        }
        assertEquals(3, backlog.readAt.size(), "asked again each time, in case a pipeline starts");
        assertEquals(0.0, pacer.waitedSeconds(), 1e-9);
    }

    @Test
    void aBacklogThatStopsShrinkingEndsThePacing() throws InterruptedException {
        final AtomicLong clock = new AtomicLong();
        final ScriptedBacklog backlog = new ScriptedBacklog(clock, 9_000);
        final Pacer pacer = new Pacer(backlog, HALF_A_SECOND, clock::get);
        assertEquals(1_000, pacer.grant(1_000), "let go once stalled");
        final int reads = backlog.readAt.size();
        assertTrue(pacer.waitedSeconds() > TimeUnit.NANOSECONDS.toSeconds(Pacer.STALL_NANOS),
                "gave up only after the stall time: " + pacer.waitedSeconds());
        assertEquals(1_000, pacer.grant(1_000));
        assertEquals(reads, backlog.readAt.size(), "not read again once the pacing has stopped");
    }

    @Test
    void noLagMeansNoPacing() throws InterruptedException {
        final AtomicLong clock = new AtomicLong();
        final ScriptedBacklog backlog = new ScriptedBacklog(clock, 1_000_000);
        final Pacer pacer = new Pacer(backlog, Duration.ZERO, clock::get);
        assertEquals(1_000, pacer.grant(1_000));
        assertEquals(0, backlog.readAt.size());
    }
}
