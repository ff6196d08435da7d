package dev.dora.launcher.bench;

import dev.dora.launcher.Logging;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * One run of {@code dora bench}: generates the history, starts dora in a child JVM on a fresh data directory and
 * measures the selected phases against it, in order: the Kafka pass-through reference, the backfill (checked
 * against the expected counts), queries, freshness, restarts. A phase that fails is reported and the run goes on
 * with the phases that do not depend on it.
 */
final class Benchmark {

    private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(5);
    private static final double TEN_MILLION = 10_000_000;

    private final BenchSettings settings;
    private static final int PASSTHROUGH_ATTEMPTS = 3;

    private final PrintWriter out;
    private final List<Figure> figures = new ArrayList<>();
    private final Map<String, Object> details = new LinkedHashMap<>();
    private final Map<String, Object> loads = new LinkedHashMap<>();
    private final List<String> failures = new ArrayList<>();
    private Verification verification;
    private JfrSummary profile;
    private ServeProcess dora;
    /** The JVM options of every dora serve of the run: --java-opts, and the class-data archive's. */
    private List<String> childJavaOptions = List.of();
    private long emptyRss = -1;

    Benchmark(final BenchSettings settings, final PrintWriter out) {
        this.settings = settings;
        this.out = out;
    }

    BenchReport run() throws IOException, InterruptedException {
        final Path work = WorkDir.create(settings.output().workDir());
        // before anything logs: the harness's own log (Kafka clients, the importer) goes next to its outputs
        if (System.getProperty(Logging.LOG_DIR_PROPERTY) == null) {
            Logging.init(work);
        }
        final Path data = work.resolve("data");
        WorkDir.deleteTree(data);
        final BenchSettings.History wanted = settings.history();
        say("dora bench: %,d events, %d services, %d days ending %s, seed %d; work directory %s", wanted.events(),
                wanted.services(), wanted.days(), wanted.end(), wanted.seed(), work);
        loads.put("start", ProcStats.loadAverage());

        say("Generating the history");
        final BenchHistory history = BenchHistory.generate(wanted, work);
        final BenchHistory concurrent = settings.measures(Phase.FRESHNESS)
                ? BenchHistory.generateConcurrent(settings, work) : null;
        say("  %,d events (%s of Kafka records) in %.1f s", history.events(), Figure.bytes(history.recordBytes()),
                history.seconds());

        final Launch launch = launch(work, data);
        childJavaOptions = launch.javaOptions();
        final ExecutorService clientThreads = Executors.newCachedThreadPool(r -> {
            final Thread thread = new Thread(r, "bench-http");
            thread.setDaemon(true);
            return thread;
        });
        final DoraApi api = new DoraApi("http://localhost:" + launch.httpPort(), clientThreads);
        DoraApi.keepAlive(settings.querying().clients());
        final Thread killer = new Thread(this::killDora, "bench-cleanup");
        Runtime.getRuntime().addShutdownHook(killer);
        try {
            startDora(launch, api);
            runPhases(api, launch.starter(), history, concurrent, work, data);
        } finally {
            if (dora != null) {
                dora.close();
            }
            clientThreads.shutdownNow();
            removeHook(killer);
        }
        loads.put("end", ProcStats.loadAverage());
        final BenchReport report = new BenchReport(settingsMap(), machine(), historyMap(history), List.copyOf(figures),
                verification, details, profile, List.copyOf(failures));
        if (!settings.output().keep()) {
            deleteOutputs(work, data, history, concurrent);
        }
        return report;
    }

    /**
     * How dora is started, every time the same.
     *
     * @param httpPort     its HTTP port
     * @param kafkaPort    its broker's port
     * @param javaOptions  its JVM options
     * @param starter      starts it
     */
    private record Launch(int httpPort, int kafkaPort, List<String> javaOptions, Restarts.Starter starter) {
    }

    private Launch launch(final Path work, final Path data) throws IOException, InterruptedException {
        final BenchSettings.UnderTest underTest = settings.underTest();
        final int httpPort = underTest.httpPort() != 0 ? underTest.httpPort() : FreePorts.any();
        final int kafkaPort = underTest.kafkaPort() != 0 ? underTest.kafkaPort() : FreePorts.pair();
        final List<String> javaOptions = new ArrayList<>(underTest.javaOptions());
        if (settings.profiling().enabled()) {
            javaOptions.add(JfrRecording.stackDepthOption());
        }
        javaOptions.addAll(ClassDataTraining.options(work, httpPort, kafkaPort, javaOptions,
                underTest.serveArguments(), line -> say("%s", line)));
        final Restarts.Starter starter = () -> ServeProcess.start(data, httpPort, kafkaPort, javaOptions,
                underTest.serveArguments(), work.resolve("serve.out"));
        return new Launch(httpPort, kafkaPort, List.copyOf(javaOptions), starter);
    }

    private void startDora(final Launch launch, final DoraApi api) throws IOException, InterruptedException {
        say("Starting dora serve (%s) on port %d, Kafka on %d", launch.javaOptions().isEmpty() ? "default JVM options"
                : String.join(" ", launch.javaOptions()), launch.httpPort(), launch.kafkaPort());
        dora = launch.starter().start();
        dora.awaitHealthy(api, STARTUP_TIMEOUT);
        figures.add(Figure.info("startup.seconds", "start on an empty data directory until healthy",
                dora.secondsSinceStart(), "s", null));
        emptyRss = ProcStats.residentBytes(dora.pid()).orElse(-1);
        figures.add(Figure.info("memory.emptyResidentBytes", "resident memory, started and empty (VmRSS)",
                positive(emptyRss), "bytes", null));
    }

    /** The shutdown hook's work: a harness stopped by Ctrl-C leaves no dora behind. */
    private void killDora() {
        if (dora != null && dora.isAlive()) {
            try {
                dora.kill();
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void removeHook(final Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (final IllegalStateException e) {
            // the JVM is already shutting down: the hook runs anyway
        }
    }

    private static void deleteOutputs(final Path work, final Path data, final BenchHistory history,
                                      final BenchHistory concurrent) throws IOException {
        WorkDir.deleteTree(data);
        Files.deleteIfExists(history.ndjson());
        Files.deleteIfExists(history.records());
        if (concurrent != null) {
            Files.deleteIfExists(concurrent.ndjson());
        }
        WorkDir.deleteTree(work.resolve("spill"));
    }

    private void runPhases(final DoraApi api, final Restarts.Starter starter, final BenchHistory history,
                           final BenchHistory concurrent, final Path work, final Path data)
            throws InterruptedException {
        Backfill.Result backfill = null;
        if (settings.measures(Phase.PASSTHROUGH)) {
            phase(Phase.PASSTHROUGH, () -> passThrough(history));
        }
        if (settings.loadsHistory()) {
            final Backfill.Result[] result = new Backfill.Result[1];
            phase(Phase.BACKFILL, () -> result[0] = backfill(api, history, work, data));
            backfill = result[0];
        }
        if (backfill == null && settings.loadsHistory()) {
            failures.add("queries, freshness and restarts were not measured: the history is not loaded");
            return;
        }
        if (settings.measures(Phase.QUERIES)) {
            phase(Phase.QUERIES, () -> queries(api, history));
        }
        if (settings.measures(Phase.FRESHNESS)) {
            phase(Phase.FRESHNESS, () -> freshness(api, concurrent, work));
        }
        if (settings.measures(Phase.RESTART)) {
            phase(Phase.RESTART, () -> restarts(api, starter, history));
        }
    }

    private interface Step {
        void run() throws IOException, InterruptedException;
    }

    private void phase(final Phase phase, final Step step) throws InterruptedException {
        loads.put(phase.label(), ProcStats.loadAverage());
        say("Phase %s (load average %s)", phase.label(), loads.get(phase.label()));
        try {
            step.run();
        } catch (final IOException | RuntimeException e) {
            failures.add(phase.label() + ": " + e.getMessage());
            say("  FAILED: %s", e.getMessage());
        }
    }

    private void passThrough(final BenchHistory history) throws IOException, InterruptedException {
        final PassThrough.Result result = passThroughAttempts(history);
        details.put("passthrough", result);
        figures.add(Figure.info("passthrough.recordsPerSecond", "Kafka pass-through (produce acks=all, then consume)",
                result.recordsPerSecond(), "records/s", String.format("produce %.1f s, consume %.1f s",
                        result.produceSeconds(), result.consumeSeconds())));
        say("  %,.0f records/s (produce %.1f s, consume %.1f s)", result.recordsPerSecond(), result.produceSeconds(),
                result.consumeSeconds());
    }

    /**
     * Rarely (once in many runs, under load) the idempotent producer leaves a partition's batch unsent until its
     * delivery timeout on a freshly created topic; the reference is measured again on new topics rather than
     * losing the run's ratio, and the output says so.
     */
    private PassThrough.Result passThroughAttempts(final BenchHistory history)
            throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                return PassThrough.measure(dora.bootstrapServers(), history, attempt);
            } catch (final IOException e) {
                if (attempt == PASSTHROUGH_ATTEMPTS) {
                    throw e;
                }
                say("  attempt %d failed (%s); measuring again on new topics", attempt, e.getMessage());
            }
        }
    }

    private Backfill.Result backfill(final DoraApi api, final BenchHistory history, final Path work, final Path data)
            throws IOException, InterruptedException {
        final Backfill.Result result = Backfill.run(dora, api, history, settings, work, out);
        details.put("backfill", result);
        final double rate = result.eventsPerSecond();
        say("  every answer final after %.1f s: %,.0f events/s", result.seconds(), rate);
        figures.add(Figure.info("backfill.importEventsPerSecond", "backfill: import into Kafka ("
                + (settings.importing().overHttp() ? "HTTP" : "dora import events --bootstrap-servers") + ")",
                result.importEventsPerSecond(), "events/s", null));
        figures.add(Figure.targeted("backfill.eventsPerSecond", "backfill: import start to every answer final", rate,
                "events/s", Figure.Target.atLeast(20_000, "≥ 20,000 events/s"), String.format("%,d events in %.1f s",
                        result.events(), result.seconds())));
        final Figure passThrough = figures.stream().filter(f -> f.id().equals("passthrough.recordsPerSecond"))
                .findFirst().orElse(null);
        if (passThrough != null && passThrough.value() != null) {
            figures.add(Figure.targeted("backfill.percentOfPassThrough", "backfill rate, % of the pass-through",
                    100 * rate / passThrough.value(), "%", Figure.Target.atLeast(20, "≥ 20 %"), null));
        }
        figures.add(Figure.targeted("backfill.tenMillionSeconds", "10 M events at this rate (projection)",
                TEN_MILLION / rate, "s", Figure.Target.atMost(600, "≤ 600 s"), "linear projection"));
        figures.add(Figure.info("backfill.cpuSecondsPerThousandEvents", "CPU per 1,000 events (dora process)",
                result.cpuSecondsPerThousandEvents(), "CPU-s", String.format(
                        "%.0f CPU-s in all; the importer used %.0f", result.cpuSeconds(), result.harnessCpuSeconds())));
        figures.addAll(result.threadFigures());

        verification = Verification.check(api, history, settings);
        say(verification.correct() ? "  answers checked: all %,d numbers right"
                : "  ANSWERS WRONG (%,d numbers checked): " + verification.mismatches(), verification.checked());

        final long steady = ProcStats.residentBytes(dora.pid()).orElse(-1);
        final long peak = ProcStats.peakResidentBytes(dora.pid()).orElse(-1);
        details.put("memory", Map.of("peakResidentBytes", peak, "steadyResidentBytes", steady,
                "maxSampledResidentBytes", result.maxSampledRss()));
        final double millions = history.events() / 1e6;
        figures.add(Figure.info("memory.peakResidentBytes", "resident memory, peak (VmHWM)", positive(peak), "bytes",
                null));
        figures.add(Figure.info("memory.steadyResidentBytes", "resident memory after the backfill (VmRSS)",
                positive(steady), "bytes", null));
        figures.add(Figure.info("memory.residentBytesPerMillionEvents",
                "resident memory per million events (above empty)",
                steady > 0 && emptyRss > 0 ? (steady - emptyRss) / millions : null, "bytes",
                "what the backfill added to the resident memory of the started, empty process"));
        final DiskUsage disk = DiskUsage.of(data);
        details.put("disk", disk);
        figures.add(Figure.info("disk.kafkaBytes", "data directory: Kafka", (double) disk.kafka(), "bytes",
                String.format("event topics %s, internal topics %s, other %s", Figure.bytes(disk.eventTopics()),
                        Figure.bytes(disk.internalTopics()), Figure.bytes(disk.otherTopics()))));
        figures.add(Figure.info("disk.stateBytes", "data directory: Kafka Streams state", (double) disk.state(),
                "bytes", null));
        figures.add(Figure.info("disk.bytesPerEvent", "data directory per event", (double) disk.total()
                / history.events(), "B/event", null));
        if (result.profile() != null) {
            profile = JfrSummary.of(result.profile(), 25);
            details.put("profileFile", result.profile().toString());
            say("  profile: %s", result.profile());
        }
        return result;
    }

    private void queries(final DoraApi api, final BenchHistory history) throws InterruptedException {
        final List<String> services = history.services().stream().map(s -> s.name()).toList();
        final List<String> teams = history.services().stream().map(s -> s.team()).distinct().toList();
        final Map<Queries.Kind, List<String>> questions = Queries.all(services, teams, settings);
        QueryLoad.primeAll(api, questions, settings.querying());
        say("  every kind asked %,d times to warm up", settings.querying().warmUp());
        final Map<String, QueryLoad.Result> results = new LinkedHashMap<>();
        for (final Queries.Kind kind : Queries.Kind.values()) {
            final QueryLoad.Result result = QueryLoad.run(api, dora.pid(), kind, questions.get(kind),
                    settings.querying());
            results.put(kind.id(), result);
            say("  %s: p50 %.1f ms, p99 %.1f ms (%,d requests, %d errors, %.0f/s; CPU per request: dora %.2f ms, "
                    + "clients %.2f ms)", kind.label, result.p50(), result.p99(), result.requests(), result.errors(),
                    result.perSecond(), result.doraCpuMillisPerRequest(), result.clientCpuMillisPerRequest());
            figures.addAll(result.figures(kind, settings.querying().clients()));
            if (result.errors() > 0) {
                failures.add("queries: " + result.errors() + " answers to " + kind.label + " were not 200");
            }
        }
        details.put("queries", results);
    }

    private void freshness(final DoraApi api, final BenchHistory concurrent, final Path work)
            throws IOException, InterruptedException {
        final LiveTraffic.Result rest = Freshness.atRest(api, settings.live().rate(), settings.live().seconds());
        say("  at rest: p50 %.0f ms, p99 %.0f ms (%d probes, %d lost)", rest.p50(), rest.p99(), rest.probes(),
                rest.lost());
        details.put("freshnessAtRest", rest);
        final String restNote = String.format("%d probes at %d events/s, %d lost", rest.probes(),
                settings.live().rate(), rest.lost());
        figures.add(Figure.info("freshness.rest.p50", "freshness at rest, p50 (202 to visible)", rest.p50(), "ms",
                restNote));
        figures.add(Figure.targeted("freshness.rest.p99", "freshness at rest, p99", rest.p99(), "ms",
                Figure.Target.atMost(300, "≤ 300 ms"), restNote));
        final Freshness.DuringBackfill busy = Freshness.duringBackfill(api, dora, settings.live().rate(), concurrent,
                settings, work, out);
        say("  during a backfill of %,d events: p50 %.0f ms, p99 %.0f ms (%d probes, %d lost); the backfill ran at "
                + "%,.0f events/s", busy.events(), busy.live().p50(), busy.live().p99(), busy.live().probes(),
                busy.live().lost(), busy.eventsPerSecond());
        details.put("freshnessDuringBackfill", busy);
        final String busyNote = String.format("%d probes while %,d events were backfilled, %d lost",
                busy.live().probes(), busy.events(), busy.live().lost());
        figures.add(Figure.info("freshness.backfill.p50", "freshness during a backfill, p50", busy.live().p50(), "ms",
                busyNote));
        figures.add(Figure.targeted("freshness.backfill.p99", "freshness during a backfill, p99", busy.live().p99(),
                "ms", Figure.Target.atMost(1000, "≤ 1,000 ms"), busyNote));
        figures.add(Figure.info("freshness.backfill.eventsPerSecond", "that backfill, with live traffic",
                busy.eventsPerSecond(), "events/s", null));
        if (!busy.cleared()) {
            failures.add(String.format("freshness: the concurrent backfill's backlog was not cleared within %.0f s: "
                    + "the pipeline processed less than the live traffic brought", busy.seconds()));
        }
        if (rest.lost() > 0 || busy.live().lost() > 0) {
            failures.add("freshness: " + (rest.lost() + busy.live().lost()) + " live deployments never became visible");
        }
    }

    private void restarts(final DoraApi api, final Restarts.Starter starter, final BenchHistory history)
            throws IOException, InterruptedException {
        Finality.await(api, Queries.organisationWholeHistory(settings), 0, Backfill.timeoutFor(history.events()), out,
                "before the restarts");
        final LocalDate today = LocalDate.now(ZoneOffset.UTC);
        final LocalDate start = settings.history().start();
        final LocalDate end = settings.history().end();
        final List<String> snapshot = new ArrayList<>(List.of(
                Queries.organisationWholeHistory(settings),
                Queries.metrics(null, null, end.minusDays(90), end),
                Queries.metrics(history.services().get(0).name(), null, start, end),
                Queries.metrics(null, history.services().get(0).team(), start, end)));
        if (settings.measures(Phase.FRESHNESS)) {
            snapshot.add(Queries.metrics(null, LiveTraffic.TEAM, today.minusDays(1), today.plusDays(2)));
        }
        final Restarts.Result result;
        try {
            result = Restarts.run(dora, () -> {
                dora = starter.start();
                return dora;
            }, api, snapshot, out);
        } finally {
            details.put("restartSnapshot", snapshot);
        }
        dora = result.current();
        details.put("restarts", Map.of("cleanStopSeconds", result.cleanStopSeconds(),
                "cleanRestartSeconds", result.cleanRestartSeconds(), "killRestartSeconds", result.killRestartSeconds(),
                "restoreSeconds", result.restoreSeconds()));
        figures.add(Figure.targeted("restart.cleanSeconds", "restart after a clean stop, to correct answers",
                result.cleanRestartSeconds(), "s", Figure.Target.atMost(10, "≤ 10 s"),
                String.format("stopping took %.1f s", result.cleanStopSeconds())));
        figures.add(Figure.targeted("restart.killSeconds", "restart after kill -9, to correct answers",
                result.killRestartSeconds(), "s", Figure.Target.atMost(30, "≤ 30 s"), null));
        figures.add(Figure.info("restart.restoreSeconds", "restart with the state deleted (restore)",
                result.restoreSeconds(), "s", null));
        // a restart takes its time whatever the state; what the missing state adds grows with the events
        final double restoring = Math.max(0, result.restoreSeconds() - result.cleanRestartSeconds());
        figures.add(Figure.targeted("restart.restoreTenMillionSeconds", "restore of 10 M events (projection)",
                result.cleanRestartSeconds() + restoring * TEN_MILLION / history.events(), "s",
                Figure.Target.atMost(120, "≤ 120 s"), "a clean restart plus the restore's extra time, scaled to 10 M "
                        + "events"));
    }

    private Map<String, Object> settingsMap() {
        final Map<String, Object> map = new LinkedHashMap<>();
        map.put("events", settings.history().events());
        map.put("services", settings.history().services());
        map.put("days", settings.history().days());
        map.put("seed", settings.history().seed());
        map.put("end", settings.history().end().toString());
        map.put("phases", settings.phases().stream().sorted().map(Phase::label).toList());
        map.put("import", settings.importing().overHttp() ? "http" : "kafka");
        map.put("batchSize", settings.importing().batchSize());
        map.put("clients", settings.querying().clients());
        map.put("queryWarmUp", settings.querying().warmUp());
        map.put("queryRequests", settings.querying().requests());
        map.put("querySeconds", settings.querying().seconds());
        map.put("freshnessRate", settings.live().rate());
        map.put("freshnessSeconds", settings.live().seconds());
        map.put("concurrentEvents", settings.live().concurrentEvents());
        map.put("javaOptions", settings.underTest().javaOptions());
        map.put("childJavaOptions", childJavaOptions);
        map.put("serveArguments", settings.underTest().serveArguments());
        map.put("profile", settings.profiling().enabled());
        return map;
    }

    private Map<String, Object> machine() {
        final Map<String, Object> map = new LinkedHashMap<>();
        map.put("cores", Runtime.getRuntime().availableProcessors());
        map.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        map.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        map.put("loadAverages", loads);
        return map;
    }

    private Map<String, Object> historyMap(final BenchHistory history) {
        final Map<String, Object> map = new LinkedHashMap<>();
        map.put("events", history.events());
        map.put("services", history.services().size());
        map.put("teams", history.services().stream().map(s -> s.team()).distinct().count());
        map.put("from", settings.history().start().toString());
        map.put("to", settings.history().end().toString());
        map.put("recordBytes", history.recordBytes());
        map.put("generateSeconds", history.seconds());
        return map;
    }

    private static Double positive(final long value) {
        return value > 0 ? (double) value : null;
    }

    private void say(final String format, final Object... args) {
        out.printf(format + "%n", args);
        out.flush();
    }
}
