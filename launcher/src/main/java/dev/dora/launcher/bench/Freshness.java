package dev.dora.launcher.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * How soon live events are visible: {@link LiveTraffic} at rest, then again while another organisation's history
 * (generated for this, {@link BenchHistory#generateConcurrent}) is imported at full speed and processed.
 */
final class Freshness {

    private static final Duration WARM_UP = Duration.ofSeconds(2);
    private static final Duration PROBE_TIMEOUT = Duration.ofMinutes(5);

    /**
     * The delays during the concurrent backfill, and that backfill's own figures.
     *
     * @param seconds from its import's start until fewer than a second's worth of live events were pending (or
     *                until the measurement gave up)
     * @param cleared false when the backlog never went down that far in time: the live events outpaced the pipeline
     */
    record DuringBackfill(LiveTraffic.Result live, long events, double importSeconds, double seconds,
                          boolean cleared) {
        double eventsPerSecond() {
            return events / seconds;
        }
    }

    private Freshness() {
    }

    static LiveTraffic.Result atRest(final DoraApi api, final int rate, final int seconds)
            throws InterruptedException {
        try (LiveTraffic traffic = new LiveTraffic(api, rate, "rest-" + System.currentTimeMillis())) {
            return record(traffic, WARM_UP, seconds, PROBE_TIMEOUT);
        }
    }

    /** Runs the traffic: a warm-up, then {@code seconds} recorded; the probes once all are answered or timed out. */
    static LiveTraffic.Result record(final LiveTraffic traffic, final Duration warmUp, final int seconds,
                                     final Duration timeout) throws InterruptedException {
        traffic.start();
        Thread.sleep(warmUp.toMillis());
        traffic.recording(true);
        Thread.sleep(seconds * 1000L);
        traffic.recording(false);
        traffic.stop();
        return traffic.awaitProbes(timeout);
    }

    static DuringBackfill duringBackfill(final DoraApi api, final ServeProcess dora, final int rate,
                                         final BenchHistory concurrent, final BenchSettings settings,
                                         final Path workDir, final PrintWriter out)
            throws IOException, InterruptedException {
        try (LiveTraffic traffic = new LiveTraffic(api, rate, "busy-" + System.currentTimeMillis())) {
            traffic.start();
            Thread.sleep(WARM_UP.toMillis());
            traffic.recording(true);
            final long started = System.nanoTime();
            final CompletableFuture<Double> importing = ImportRun.start(concurrent.ndjson(), dora,
                    settings.importing(), workDir.resolve("import-concurrent.out"));
            final double importSeconds;
            try {
                importSeconds = importing.get();
            } catch (final ExecutionException e) {
                throw new IOException("the concurrent backfill failed: " + e.getCause().getMessage(), e.getCause());
            }
            // live events keep a few records in flight: the backlog is gone when less than a second's worth is left
            long done;
            boolean cleared = true;
            try {
                done = Finality.await(api, null, rate, Backfill.timeoutFor(concurrent.events()), out,
                        "concurrent backfill");
            } catch (final IOException e) {
                // the probes measured so far still tell how late live events were; the unseen ones count as lost
                out.println("  " + e.getMessage());
                done = System.nanoTime();
                cleared = false;
            }
            traffic.recording(false);
            traffic.stop();
            final LiveTraffic.Result live = traffic.awaitProbes(cleared ? PROBE_TIMEOUT : Duration.ofSeconds(30));
            return new DuringBackfill(live, concurrent.events(), importSeconds, (done - started) / 1e9, cleared);
        }
    }
}
