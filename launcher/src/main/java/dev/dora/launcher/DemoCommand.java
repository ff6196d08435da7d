package dev.dora.launcher;

import dev.dora.launcher.http.HttpEdge;
import dev.dora.launcher.http.Scope;
import dev.dora.streams.config.MetricsConfig;
import dev.dora.streams.MetricsPipeline;
import dev.dora.streams.simulation.HistoryGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dora demo}: everything in one JVM with a generated year of history for a handful of services, loaded
 * through the public HTTP API, then a per-service summary, then the API keeps serving until Ctrl-C.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        versionProvider = DoraCommand.VersionProvider.class,
        description = "Start everything with generated demo history, print a per-service summary, keep serving "
                + "the API until Ctrl-C. The data is loaded once per data directory.")
public final class DemoCommand implements Callable<Integer> {

    /** Written once the demo history was loaded completely, so that a restart does not load it twice. */
    static final String MARKER = "demo-data.loaded";

    /** What dora itself creates in a data directory; --fresh refuses to wipe a directory holding anything else. */
    static final Set<String> OWN_ENTRIES = Set.of("kafka", "streams", "logs", MARKER, DataDirLock.FILE);

    private static final Duration PROCESSING_TIMEOUT = Duration.ofMinutes(10);

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    AccessOptions access;

    @Option(names = "--fresh",
            description = "Delete the data directory first (its Kafka data, state and logs) and load the demo again.")
    boolean fresh;

    @Override
    public Integer call() throws Exception {
        common.validate(spec);
        HttpEdge.Settings http = access.settings(spec, common.port);
        // the demo loads and reads its history through the API: with tokens configured, with one of its own
        final String loaderToken = http.tokens().isEmpty() ? null : DemoData.newToken();
        if (loaderToken != null) {
            http = http.withTokens(http.tokens().with("dora-demo", Scope.ADMIN, loaderToken));
        }
        final Path dataDir = common.dataDir();
        final PrintWriter out = spec.commandLine().getOut();
        // before anything touches the directory, --fresh included: a second dora on it stops here, naming the first
        DataDirLock.acquire(dataDir);
        if (fresh) {
            // wiped before logging starts: the log file lives in the directory being deleted
            wipe(dataDir);
            out.printf("Removed %s%n", dataDir);
        }
        Logging.init(dataDir);
        final DoraRuntime runtime = DoraRuntime.start(dataDir, http, Optional.empty(), common.kafkaPort,
                kafka -> demoConfig(kafka.bootstrapServers(), dataDir), common.webhookSettings(), common.outputs(),
                Optional.empty(), out);
        Shutdown.closeOnExit(runtime, out);
        out.println("Waiting for the pipeline to be ready");
        out.flush();
        runtime.awaitHealthy(Duration.ofMinutes(5), out);

        final DemoData demo = new DemoData(runtime.client(), runtime.baseUrl(), loaderToken, out);
        final long loadStarted = System.nanoTime();
        final Path marker = dataDir.resolve(MARKER);
        if (Files.exists(marker)) {
            out.printf("Reusing the demo data already in %s (loaded %s); use --fresh to load it again%n", dataDir,
                    Files.readString(marker, StandardCharsets.UTF_8).trim());
        } else {
            out.printf("Dashboard: %s/ (open it now: the figures fill in as the history loads)%n", runtime.baseUrl());
            out.flush();
            final List<SpecificRecord> events = HistoryGenerator.demo(Instant.now()).generate();
            demo.load(events);
            Files.writeString(marker, Instant.now() + " (" + events.size() + " events)\n", StandardCharsets.UTF_8);
        }
        awaitProcessed(runtime.pipeline(), out);
        out.printf("Loaded and processed in %.1f s%n", (System.nanoTime() - loadStarted) / 1e9);

        final List<MetricsTable.Row> rows = demo.summary();
        out.println();
        out.printf("Dashboard: %s/%n", runtime.baseUrl());
        out.println();
        out.println("DORA metrics per service, last 90 days (medians):");
        out.println();
        out.print(MetricsTable.render(rows));
        printUrls(out, runtime.baseUrl(), rows);
        MonitoringLinks.print(out, runtime.baseUrl(), common.observability());
        out.println();
        out.printf("Log: %s%nPress Ctrl-C to stop.%n", Logging.logFile(dataDir));
        out.flush();
        Shutdown.awaitSignal();
        return 0;
    }

    /** The default definitions, except the production environments a catalog names. */
    private MetricsConfig demoConfig(final String bootstrap, final Path dataDir) {
        final MetricsConfig defaults = MetricsConfig.defaults(bootstrap, dataDir.resolve("streams"));
        final java.util.Set<String> fromCatalog = common.webhookSettings().catalogProduction();
        return fromCatalog.isEmpty() ? defaults : defaults.withProductionEnvironments(fromCatalog);
    }

    /**
     * Waits until the pipeline has processed everything: {@code pendingRecords() == 0} twice in a row about a second
     * apart, because work moves from the input topics to a repartition topic and could be missed by one look.
     */
    private static void awaitProcessed(final MetricsPipeline pipeline, final PrintWriter out)
            throws InterruptedException {
        final long deadline = System.nanoTime() + PROCESSING_TIMEOUT.toNanos();
        long previous = -1;
        long reported = -1;
        while (System.nanoTime() < deadline) {
            final long pending = pipeline.pendingRecords();
            if (pending == 0 && previous == 0) {
                out.println("All events processed.");
                out.flush();
                return;
            }
            if (pending > 0 && (reported < 0 || pending <= reported / 2 || pending > reported)) {
                // a line each time the backlog halves keeps the console short
                out.printf("Processing: %,d records pending%n", pending);
                out.flush();
                reported = pending;
            }
            previous = pending;
            Thread.sleep(1_000);
        }
        out.printf("The pipeline is still processing after %d minutes; the figures below may be incomplete%n",
                PROCESSING_TIMEOUT.toMinutes());
        out.flush();
    }

    private static void printUrls(final PrintWriter out, final String baseUrl, final List<MetricsTable.Row> rows) {
        out.println();
        out.printf("Explore the API (every endpoint: %s/api):%n", baseUrl);
        out.printf("  %s/api/v1/services%n", baseUrl);
        out.printf("  %s/api/v1/metrics%n", baseUrl);
        rows.stream().map(MetricsTable.Row::team).filter(team -> !"-".equals(team)).findFirst().ifPresent(team ->
                out.printf("  %s/api/v1/metrics?team=%s%n", baseUrl, URLEncoder.encode(team, StandardCharsets.UTF_8)));
        rows.stream().findFirst().ifPresent(row ->
                out.printf("  %s/api/v1/metrics?service=%s%n", baseUrl,
                        URLEncoder.encode(row.service(), StandardCharsets.UTF_8)));
        out.printf("  %s/api/v1/health%n", baseUrl);
        out.println();
    }

    /**
     * Deletes the data directory. It must hold only what dora creates: {@code --fresh --data-dir ~} must not be able
     * to delete a home directory.
     */
    static void wipe(final Path dataDir) throws IOException {
        if (!Files.exists(dataDir)) {
            return;
        }
        if (!Files.isDirectory(dataDir)) {
            throw new IllegalStateException(dataDir + " is not a directory; not deleting it");
        }
        final List<String> foreign;
        try (Stream<Path> entries = Files.list(dataDir)) {
            foreign = entries.map(p -> p.getFileName().toString()).filter(name -> !OWN_ENTRIES.contains(name))
                    .sorted().collect(Collectors.toList());
        }
        if (!foreign.isEmpty()) {
            throw new IllegalStateException("--fresh refuses to delete " + dataDir + ": it holds files dora did not "
                    + "create (" + String.join(", ", foreign.subList(0, Math.min(5, foreign.size())))
                    + "); delete it yourself or choose another --data-dir");
        }
        final List<Path> paths;
        try (Stream<Path> walk = Files.walk(dataDir)) {
            paths = walk.sorted(Comparator.reverseOrder()).collect(Collectors.toCollection(ArrayList::new));
        }
        // the lock file stays, and so the directory holding it: this process owns them while it runs
        final Path lock = dataDir.resolve(DataDirLock.FILE);
        for (final Path path : paths) {
            if (!path.equals(lock) && !(path.equals(dataDir) && Files.exists(lock))) {
                Files.delete(path);
            }
        }
    }
}
