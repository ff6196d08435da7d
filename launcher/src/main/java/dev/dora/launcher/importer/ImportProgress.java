package dev.dora.launcher.importer;

import java.io.PrintWriter;
import java.util.function.LongSupplier;

/**
 * The progress of an import: {@code done / total} events and the rate. On a terminal the line is redrawn in place
 * (carriage return) at most ten times a second; otherwise (a file, a CI log) a new line is printed every few seconds.
 */
final class ImportProgress {

    private static final long TERMINAL_INTERVAL_NANOS = 100_000_000L;
    private static final long LOG_INTERVAL_NANOS = 5_000_000_000L;

    private final PrintWriter out;
    private final String label;
    private final long total;
    private final boolean terminal;
    private final LongSupplier nanoTime;
    private final long started;
    private long lastPrinted;
    private boolean printedInPlace;

    /**
     * @param total    how many events there are, or {@code -1} when unknown (read from stdin)
     * @param terminal whether to redraw one line in place
     * @param nanoTime the clock, {@code System::nanoTime} outside tests
     */
    ImportProgress(final PrintWriter out, final String label, final long total, final boolean terminal,
                   final LongSupplier nanoTime) {
        this.out = out;
        this.label = label;
        this.total = total;
        this.terminal = terminal;
        this.nanoTime = nanoTime;
        this.started = nanoTime.getAsLong();
        this.lastPrinted = started;
    }

    /** Whether stdout is an interactive terminal (Java 17: {@code System.console()} is null when redirected). */
    static boolean stdoutIsTerminal() {
        return System.console() != null;
    }

    /** Reports that {@code done} events are through; prints only when the interval has passed. */
    void update(final long done) {
        final long now = nanoTime.getAsLong();
        if (now - lastPrinted < (terminal ? TERMINAL_INTERVAL_NANOS : LOG_INTERVAL_NANOS)) {
            return;
        }
        lastPrinted = now;
        if (terminal) {
            out.print("\r" + line(done, now) + "   ");
            printedInPlace = true;
        } else {
            out.println(line(done, now));
        }
        out.flush();
    }

    /** Ends the in-place line, if any, so that the summary starts on a line of its own. */
    void finish() {
        if (printedInPlace) {
            out.println();
            out.flush();
        }
    }

    /** Seconds since the progress started. */
    double elapsedSeconds() {
        return (nanoTime.getAsLong() - started) / 1e9;
    }

    /** Events per second over {@code seconds}; 0 when no time has passed. */
    static long rate(final long events, final double seconds) {
        return seconds <= 0 ? 0 : Math.round(events / seconds);
    }

    String line(final long done, final long now) {
        final double seconds = (now - started) / 1e9;
        final StringBuilder text = new StringBuilder(label).append(": ").append(String.format("%,d", done));
        if (total >= 0) {
            text.append(String.format(" / %,d events (%d %%)", total, total == 0 ? 100 : done * 100 / total));
        } else {
            text.append(" events");
        }
        return text.append(String.format(", %,d events/s", rate(done, seconds))).toString();
    }
}
