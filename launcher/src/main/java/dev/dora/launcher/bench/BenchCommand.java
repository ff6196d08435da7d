package dev.dora.launcher.bench;

import dev.dora.launcher.DoraCommand;
import dev.dora.launcher.DurationConverter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code dora bench}: the performance harness of docs/BENCHMARKS.md. It generates a history deterministically from
 * the seed, starts {@code dora serve} (embedded broker, pipeline and API) in a child JVM on a fresh data directory,
 * and measures the Kafka pass-through reference, the backfill, queries, freshness and restarts against the targets,
 * checking the final answers against counts computed independently from the same events. It prints one table and
 * writes the JSON report. Exit code 0 when every phase ran and the answers were right, whether or not the targets
 * were met; 1 otherwise.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        versionProvider = DoraCommand.VersionProvider.class,
        description = {"Measure dora on a generated history: the Kafka pass-through reference, the backfill, "
                + "queries, freshness and restarts, against the targets of docs/BENCHMARKS.md. Prints one table; "
                + "--json writes every figure.",
                "Phases: passthrough, backfill, queries, freshness, restart (all by default)."})
public final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--events", defaultValue = "1000000", paramLabel = "N",
            description = "About how many events the history holds; the services' activity is scaled to it, the "
                    + "exact number is reported (default: ${DEFAULT-VALUE}).")
    long events;

    @Option(names = "--services", defaultValue = "300", paramLabel = "N",
            description = "Services, in teams of six, of every performance level (default: ${DEFAULT-VALUE}).")
    int services;

    @Option(names = "--days", defaultValue = "365", paramLabel = "N",
            description = "Days of history (default: ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "S",
            description = "Seed of the generated history: the same seed and end give the same events "
                    + "(default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--end", paramLabel = "DATE",
            description = "The history ends at 00:00 UTC of this day (default: today).")
    String end;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the report, every figure included, as JSON.")
    Path json;

    @Option(names = "--only", paramLabel = "PHASES", description = "Measure only these phases (comma-separated).")
    String only;

    @Option(names = "--skip", paramLabel = "PHASES", description = "Measure every phase but these.")
    String skip;

    @Option(names = "--import", defaultValue = "kafka", paramLabel = "kafka|http",
            description = "How the backfills are imported: dora import events --bootstrap-servers (kafka) or "
                    + "--url (http) (default: ${DEFAULT-VALUE}).")
    String importVia;

    @Option(names = "--batch-size", defaultValue = "1000", paramLabel = "N",
            description = "The importer's --batch-size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--max-lag", defaultValue = "250ms", paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "The importer's --max-lag: how much of the pipeline's work it keeps queued, 0 for no "
                    + "pacing (default: ${DEFAULT-VALUE}, as dora import).")
    Duration maxLag;

    @Option(names = "--clients", defaultValue = "16", paramLabel = "N",
            description = "Concurrent query clients (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--query-warm-up", defaultValue = "3000", paramLabel = "N",
            description = "Requests of each query kind before any is measured, and again before its own measured "
                    + "ones, each time within ten seconds: the JIT compiles the kinds' code, and a repeated kind's "
                    + "scopes are each asked before when there are no more of them (default: ${DEFAULT-VALUE}).")
    int queryWarmUp;

    @Option(names = "--query-requests", defaultValue = "20000", paramLabel = "N",
            description = "Measured requests per query kind, after a warm-up (default: ${DEFAULT-VALUE}) ...")
    int queryRequests;

    @Option(names = "--query-seconds", defaultValue = "10", paramLabel = "S",
            description = "... or this many seconds per query kind, whichever ends first (default: ${DEFAULT-VALUE}).")
    int querySeconds;

    @Option(names = "--freshness-rate", defaultValue = "100", paramLabel = "N",
            description = "Live events per second, one deployment in ten of them a probe (default: ${DEFAULT-VALUE}).")
    int freshnessRate;

    @Option(names = "--freshness-seconds", defaultValue = "20", paramLabel = "S",
            description = "How long freshness is measured at rest (default: ${DEFAULT-VALUE}).")
    int freshnessSeconds;

    @Option(names = "--concurrent-events", defaultValue = "100000", paramLabel = "N",
            description = "Events of the backfill that runs while freshness is measured again, at most --events "
                    + "(default: ${DEFAULT-VALUE}).")
    long concurrentEvents;

    @Option(names = "--java-opts", paramLabel = "OPTIONS",
            description = "JVM options of the dora process under test, e.g. \"-Xmx1g\" (default: none, the JVM's "
                    + "defaults).")
    String javaOptions;

    @Option(names = "--serve-args", paramLabel = "ARGS",
            description = "Extra arguments of its dora serve, e.g. \"--partitions 6\".")
    String serveArguments;

    @Option(names = "--work-dir", paramLabel = "DIR",
            description = "Where the history, dora's data directory, logs and outputs go (default: a new "
                    + "dora-bench-* directory in the temporary directory).")
    Path workDir;

    @Option(names = "--keep", description = "Keep the history and dora's data directory afterwards.")
    boolean keep;

    @Option(names = "--port", defaultValue = "0", paramLabel = "PORT",
            description = "HTTP port of the dora under test (default: a free one).")
    int port;

    @Option(names = "--kafka-port", defaultValue = "0", paramLabel = "PORT",
            description = "Its embedded broker's port; the controller uses PORT+1 (default: a free pair).")
    int kafkaPort;

    @Option(names = "--profile",
            description = "Record a JFR profile of the dora process during the backfill and summarise it.")
    boolean profile;

    @Option(names = "--profile-delay", defaultValue = "30", paramLabel = "S",
            description = "Seconds into the backfill when the profile starts (default: ${DEFAULT-VALUE}).")
    int profileDelay;

    @Option(names = "--profile-seconds", defaultValue = "30", paramLabel = "S",
            description = "Length of the profile (default: ${DEFAULT-VALUE}).")
    int profileSeconds;

    @Override
    public Integer call() throws Exception {
        final BenchSettings settings = settings();
        dev.dora.schema.AvroCodec.trustGeneratedClasses();
        final PrintWriter out = spec.commandLine().getOut();
        final BenchReport report = new Benchmark(settings, out).run();
        report.printTable(out);
        if (json != null) {
            report.writeJson(json);
            out.println("Report written to " + json.toAbsolutePath());
        }
        out.flush();
        return report.succeeded() ? 0 : 1;
    }

    /** The options as settings; a bad value is a usage error naming the option. */
    BenchSettings settings() {
        final Set<Phase> phases = phases();
        checkCounts();
        final boolean overHttp = importOverHttp();
        checkPorts();
        if (profile && !JfrRecording.available()) {
            throw usage("--profile needs jcmd, which this Java (" + System.getProperty("java.home")
                    + ") does not have: run with a JDK");
        }
        return new BenchSettings(
                new BenchSettings.History(events, services, days, seed, endDay()),
                phases,
                new BenchSettings.Importing(overHttp, batchSize, maxLag),
                new BenchSettings.Querying(clients, queryWarmUp, queryRequests, querySeconds),
                new BenchSettings.Live(freshnessRate, freshnessSeconds, Math.min(concurrentEvents, events)),
                new BenchSettings.UnderTest(words(javaOptions), words(serveArguments), port, kafkaPort),
                new BenchSettings.Profiling(profile, Math.max(0, profileDelay), profileSeconds),
                new BenchSettings.Output(workDir, keep, json));
    }

    /** The phases --only and --skip leave; at least one. */
    private Set<Phase> phases() {
        final Set<Phase> phases;
        try {
            phases = only != null ? Phase.parseList(only) : EnumSet.allOf(Phase.class);
            if (skip != null) {
                phases.removeAll(Phase.parseList(skip));
            }
        } catch (final IllegalArgumentException e) {
            throw usage((only != null ? "--only" : "--skip") + ": " + e.getMessage());
        }
        if (phases.isEmpty()) {
            throw usage("--only/--skip leave no phase to measure");
        }
        return phases;
    }

    private void checkCounts() {
        positive("--events", events);
        positive("--services", services);
        positive("--days", days);
        positive("--batch-size", batchSize);
        positive("--clients", clients);
        positive("--query-warm-up", queryWarmUp);
        positive("--query-requests", queryRequests);
        positive("--query-seconds", querySeconds);
        positive("--freshness-rate", freshnessRate);
        positive("--freshness-seconds", freshnessSeconds);
        positive("--concurrent-events", concurrentEvents);
        positive("--profile-seconds", profileSeconds);
        if (batchSize > 10_000) {
            throw usage("--batch-size must be at most 10000 (got " + batchSize + ")");
        }
        if (freshnessRate > 10_000) {
            throw usage("--freshness-rate must be at most 10000 events/s (got " + freshnessRate + ")");
        }
    }

    private void checkPorts() {
        if (port < 0 || port > 65535 || kafkaPort < 0 || kafkaPort > 65534) {
            throw usage("--port must be 0 to 65535 and --kafka-port 0 to 65534");
        }
        if (port != 0 && (port == kafkaPort || port == kafkaPort + 1)) {
            throw usage("--port " + port + " clashes with the broker's ports " + kafkaPort + " and " + (kafkaPort + 1));
        }
    }

    private boolean importOverHttp() {
        if (!importVia.equals("kafka") && !importVia.equals("http")) {
            throw usage("--import must be kafka or http (got " + importVia + ")");
        }
        return importVia.equals("http");
    }

    private LocalDate endDay() {
        try {
            return end == null ? LocalDate.now(ZoneOffset.UTC) : LocalDate.parse(end);
        } catch (final DateTimeParseException e) {
            throw usage("--end must be a date such as 2026-11-01 (got " + end + ")");
        }
    }

    private void positive(final String option, final long value) {
        if (value < 1) {
            throw usage(option + " must be positive (got " + value + ")");
        }
    }

    private ParameterException usage(final String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    private static List<String> words(final String text) {
        return text == null || text.isBlank() ? List.of() : Arrays.asList(text.trim().split("\\s+"));
    }
}
