package dev.dora.streams.reports;

/**
 * Keeps the weekly reports' passes to a share of the time: a pass may start only once {@value #SPACING} times the
 * last pass's duration has gone by since that pass started, busy or idle. A pass computes every week of every scope,
 * several seconds of CPU with a thousand services over two years, and under a backfill or a steady trickle of live
 * events the pipeline has moved on at nearly every check, so without this the passes would follow each other and
 * take a core from the pipeline (docs/BENCHMARKS.md, "Ten million events").
 */
final class PassSpacing {

    /** A pass starts at least this many times its predecessor's duration after that one started. */
    static final int SPACING = 10;

    private long lastStarted;
    private long lastTook;

    /** Whether a pass may start at {@code nanos} ({@link System#nanoTime()}). */
    boolean due(final long nanos) {
        return lastTook == 0 || nanos - lastStarted >= SPACING * lastTook;
    }

    /** A pass ran from {@code started} to {@code ended}. */
    void passed(final long started, final long ended) {
        lastStarted = started;
        lastTook = Math.max(1, ended - started);
    }

    /** How long the last pass took, in nanoseconds; 0 before the first. */
    long lastTook() {
        return lastTook;
    }
}
