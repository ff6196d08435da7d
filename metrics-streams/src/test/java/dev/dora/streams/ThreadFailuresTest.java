package dev.dora.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class ThreadFailuresTest {

    private static final Instant START = Instant.parse("2026-12-02T09:00:00Z");

    /** What a broker killed during a commit raised in the three-broker fault test. */
    private static StreamsException commitFailed() {
        return new StreamsException("Error encountered trying to commit a transaction",
                new InvalidTxnStateException("The producer attempted a transactional operation in an invalid state."));
    }

    @Test
    void aThreadFailingOnABrokersTransientErrorIsReplacedAnyOtherErrorStopsThePipeline() {
        final ThreadFailures failures = new ThreadFailures(Clock.fixed(START, ZoneOffset.UTC));
        assertEquals(StreamThreadExceptionResponse.REPLACE_THREAD, failures.handle(commitFailed()));
        assertEquals(StreamThreadExceptionResponse.REPLACE_THREAD,
                failures.handle(new StreamsException(new TimeoutException("no leader"))));
        assertEquals(StreamThreadExceptionResponse.SHUTDOWN_CLIENT,
                failures.handle(new IllegalStateException("a bug")));
    }

    @Test
    void replacementsAreBoundedWithinTheirWindow() {
        final Instant[] now = {START};
        final Clock clock = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(final java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        };
        final ThreadFailures failures = new ThreadFailures(clock);
        for (int i = 0; i < ThreadFailures.MAX_REPLACEMENTS; i++) {
            assertEquals(StreamThreadExceptionResponse.REPLACE_THREAD, failures.handle(commitFailed()));
        }
        assertEquals(StreamThreadExceptionResponse.SHUTDOWN_CLIENT, failures.handle(commitFailed()),
                "an error that keeps coming back is not transient");
        now[0] = START.plus(ThreadFailures.WINDOW).plus(Duration.ofSeconds(1));
        assertEquals(StreamThreadExceptionResponse.REPLACE_THREAD, failures.handle(commitFailed()));
    }
}
