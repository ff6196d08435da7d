package dev.dora.launcher.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The backfill: the history imported into the running dora the way {@code dora import events} does it, timed from
 * the import's start until every answer is final ({@link Finality}); with the dora process's CPU time and resident
 * memory over that span, and optionally a JFR profile taken part-way.
 */
final class Backfill {

    /**
     * @param events           events imported
     * @param importSeconds    until the importer had every event acknowledged by Kafka
     * @param seconds          until every answer was final
     * @param cpuSeconds       CPU the dora process used meanwhile (broker, pipeline and API)
     * @param harnessCpuSeconds CPU this JVM used meanwhile (the importer)
     * @param maxSampledRss    the most resident memory sampled each second
     * @param profile          the JFR file, or null
     * @param cpuByThreads     the dora process's CPU seconds meanwhile by kind of thread ({@link ThreadCpu}); empty
     *                         without {@code jcmd}
     */
    record Result(long events, double importSeconds, double seconds, double cpuSeconds, double harnessCpuSeconds,
                  long maxSampledRss, Path profile, Map<String, Double> cpuByThreads) {
        double eventsPerSecond() {
            return events / seconds;
        }

        double importEventsPerSecond() {
            return events / importSeconds;
        }

        double cpuSecondsPerThousandEvents() {
            return cpuSeconds / events * 1000;
        }

        /** The CPU per 1,000 events of each kind of thread, one figure each. */
        List<Figure> threadFigures() {
            return ThreadCpu.figures(cpuByThreads, events,
                    Double.isNaN(cpuSeconds) ? OptionalDouble.empty() : OptionalDouble.of(cpuSeconds));
        }
    }

    private Backfill() {
    }

    static Result run(final ServeProcess dora, final DoraApi api, final BenchHistory history,
                      final BenchSettings settings, final Path workDir, final PrintWriter out)
            throws IOException, InterruptedException {
        // first: attaching to take the dump costs the process CPU that is not the backfill's
        final Map<ThreadCpu.Kind, Double> threadsBefore = ThreadCpu.sample(dora.pid());
        final double cpuBefore = dora.cpuSeconds().orElse(Double.NaN);
        final double ownBefore = ProcStats.ownCpuSeconds();
        final AtomicLong maxRss = new AtomicLong();
        final AtomicReference<JfrRecording> recording = new AtomicReference<>();
        final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            final Thread t = new Thread(r, "bench-sampler");
            t.setDaemon(true);
            return t;
        });
        final long started = System.nanoTime();
        sampler.scheduleAtFixedRate(() -> ProcStats.residentBytes(dora.pid())
                .ifPresent(rss -> maxRss.accumulateAndGet(rss, Math::max)), 0, 1, TimeUnit.SECONDS);
        ScheduledFuture<?> profiling = null;
        if (settings.profiling().enabled()) {
            profiling = sampler.schedule(() -> {
                try {
                    recording.set(JfrRecording.start(dora.pid(), workDir.resolve("backfill.jfr"),
                            settings.profiling().seconds()));
                    out.printf("  profiling the backfill with JFR for %d s%n", settings.profiling().seconds());
                    out.flush();
                } catch (final IOException e) {
                    out.println("  cannot start the JFR recording: " + e.getMessage());
                    out.flush();
                }
            }, settings.profiling().delaySeconds(), TimeUnit.SECONDS);
        }
        try {
            final double importSeconds = ImportRun.run(history.ndjson(), dora, settings.importing(),
                    workDir.resolve("import.out"));
            out.printf("  imported %,d events in %.1f s (%,.0f events/s); waiting for the pipeline%n", history.events(),
                    importSeconds, history.events() / importSeconds);
            out.flush();
            final long finalAt = Finality.await(api, Queries.organisationWholeHistory(settings), 0,
                    timeoutFor(history.events()), out, "backfill");
            final double seconds = (finalAt - started) / 1e9;
            final double cpu = dora.cpuSeconds().orElse(Double.NaN) - cpuBefore;
            final double own = ProcStats.ownCpuSeconds() - ownBefore;
            final Map<String, Double> byThreads = ThreadCpu.between(threadsBefore, ThreadCpu.sample(dora.pid()), cpu);
            Path profile = null;
            if (profiling != null) {
                profiling.cancel(false);
                if (recording.get() != null) {
                    profile = recording.get().finish(Duration.ofMinutes(2));
                }
            }
            return new Result(history.events(), importSeconds, seconds, cpu, own, maxRss.get(), profile, byThreads);
        } finally {
            sampler.shutdownNow();
        }
    }

    /** Generous: a pipeline ten times slower than today's still finishes. */
    static Duration timeoutFor(final long events) {
        return Duration.ofSeconds(Math.max(600, events / 100));
    }
}
