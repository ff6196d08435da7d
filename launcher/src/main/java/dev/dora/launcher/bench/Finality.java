package dev.dora.launcher.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;

/**
 * When every answer is final: the pipeline reports nothing pending ({@code pendingRecords == 0}) twice in a row and
 * a probe answer (the organisation over the whole history) is the same both times. The moment is the first of those
 * two observations, found by polling every {@value #POLL_MILLIS} ms.
 */
final class Finality {

    static final long POLL_MILLIS = 250;
    private static final long NOTICE_NANOS = Duration.ofSeconds(30).toNanos();

    private Finality() {
    }

    /**
     * Waits until the answers are final.
     *
     * @param pendingAtMost how many records may still be pending (0; more while live traffic keeps some in flight)
     * @return {@link System#nanoTime()} when the answers were first seen final
     */
    static long await(final DoraApi api, final String probe, final long pendingAtMost, final Duration timeout,
                      final PrintWriter out, final String what) throws IOException, InterruptedException {
        final long started = System.nanoTime();
        final long deadline = started + timeout.toNanos();
        long nextNotice = started + NOTICE_NANOS;
        long quietSince = -1;
        String answer = null;
        while (true) {
            final long now = System.nanoTime();
            final DoraApi.Health health = api.health();
            if (health.status() == 200 && health.pendingRecords() >= 0 && health.pendingRecords() <= pendingAtMost) {
                final String current = pendingAtMost == 0 ? api.getJson(probe).toString() : "";
                if (quietSince >= 0 && current.equals(answer)) {
                    return quietSince;
                }
                quietSince = now;
                answer = current;
            } else {
                quietSince = -1;
            }
            if (now > deadline) {
                throw new IOException(what + ": the answers were not final after " + timeout.toMinutes()
                        + " min (health " + health.status() + ", " + health.pendingRecords() + " records pending)");
            }
            if (now > nextNotice) {
                out.printf("  %s: %,d records pending after %.0f s%n", what, health.pendingRecords(),
                        (now - started) / 1e9);
                out.flush();
                nextNotice += NOTICE_NANOS;
            }
            Thread.sleep(POLL_MILLIS);
        }
    }
}
