package dev.dora.launcher.importer;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.LoggerFactory;

/**
 * Keeps an import from burying live events. Kafka takes history ten times faster than the pipeline processes it,
 * and a live event (a webhook arriving during the backfill) waits behind every record queued ahead of it in its
 * partition. So the import keeps at most {@code maxLag} of the pipeline's work queued: it measures how fast the
 * pipeline drains its backlog and sends only as many events as fit under that rate times {@code maxLag}. The
 * pipeline always has work queued (it never waits for the import), and a live event waits behind at most that much.
 *
 * <p>A backlog that cannot be read (no pipeline running) lets the events go; one that has not shrunk for
 * {@link #STALL_NANOS} ends the pacing: the import's job is to make history durable in Kafka, and a stalled
 * pipeline catches up when it can.
 */
final class Pacer {

    static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** The backlog allowed before the pipeline's rate is known, and never less: enough to keep it busy. */
    static final long MIN_BACKLOG = 200;
    /** Fewer events than this are not worth a request of their own while the backlog is nearly full. */
    private static final long MIN_SEND = 50;
    private static final long POLL_MILLIS = 100;

    private final PipelineBacklog backlog;
    private final long maxLagNanos;
    private final LongSupplier clock;
    /** Events that may still be sent before the backlog is read again. */
    private long credit;
    private boolean stopped;
    private boolean unknownSaid;
    private long waitedNanos;
    /** Backlog records the pipeline works off per second, as last measured; 0 until measured. */
    private double rate;
    private long lastRead = -1;
    private long lastPending;
    private long sentSinceRead;

    /** @param maxLag how much of the pipeline's work may be queued; zero: never waits */
    Pacer(final PipelineBacklog backlog, final Duration maxLag, final LongSupplier clock) {
        this.backlog = backlog;
        this.maxLagNanos = maxLag.toNanos();
        this.clock = clock;
        this.stopped = maxLag.isZero();
    }

    /**
     * How many of the {@code wanted} next events may be sent now (at least one), after waiting, if the pipeline's
     * backlog is full, until it has room.
     */
    int grant(final int wanted) throws InterruptedException {
        if (stopped) {
            return wanted;
        }
        if (credit > 0) {
            return spend(wanted, credit);
        }
        final long started = clock.getAsLong();
        long smallest = Long.MAX_VALUE;
        long shrunk = started;
        boolean slept = false;
        while (true) {
            final OptionalLong read = backlog.pending();
            if (read.isEmpty()) {
                unknown();
                return wanted;
            }
            final long now = clock.getAsLong();
            final long pending = read.getAsLong();
            observe(now, pending);
            final long limit = limit();
            final long room = limit - pending;
            // once held back, go on only when half the limit is free: a few large requests instead of many small
            // ones, each of which would cost a produce round trip and a reading of the backlog
            if (room >= Math.min(wanted, Math.max(MIN_SEND, limit / 2)) || pending == 0) {
                waitedNanos += slept ? now - started : 0;
                return spend(wanted, Math.max(room, 1));
            }
            if (pending < smallest) {
                smallest = pending;
                shrunk = now;
            }
            if (now - shrunk > STALL_NANOS) {
                waitedNanos += now - started;
                stopped = true;
                LoggerFactory.getLogger(Pacer.class).warn("the pipeline's backlog of {} records has not shrunk for"
                        + " {} s: the import goes on without waiting for it", pending,
                        TimeUnit.NANOSECONDS.toSeconds(STALL_NANOS));
                return wanted;
            }
            Thread.sleep(POLL_MILLIS);
            slept = true;
        }
    }

    private int spend(final int wanted, final long room) {
        final int granted = (int) Math.min(wanted, room);
        credit = room - granted;
        sentSinceRead += granted;
        return granted;
    }

    /** Updates the drain rate from what the backlog was, what was sent since, and what it is now. */
    private void observe(final long now, final long pending) {
        if (lastRead >= 0 && now > lastRead) {
            final double measured = Math.max(0, lastPending + sentSinceRead - pending) * 1e9 / (now - lastRead);
            // an emptied backlog says only that the pipeline could have done at least that much
            rate = pending == 0 ? Math.max(rate, measured) : rate == 0 ? measured : (rate + measured) / 2;
        }
        lastRead = now;
        lastPending = pending;
        sentSinceRead = 0;
    }

    /** The backlog allowed: {@code maxLag} of the pipeline's work at its measured rate. */
    long limit() {
        return Math.max(MIN_BACKLOG, (long) (rate * maxLagNanos / 1e9));
    }

    private void unknown() {
        lastRead = -1;
        if (!unknownSaid) {
            unknownSaid = true;
            LoggerFactory.getLogger(Pacer.class).info("the pipeline's backlog cannot be read (is a dora pipeline "
                    + "running?): events are sent without waiting while it cannot");
        }
    }

    /** How long the import waited for the pipeline in all. */
    double waitedSeconds() {
        return waitedNanos / 1e9;
    }
}
