package dev.dora.launcher;

import dev.dora.schema.KafkaClientSettings;
import dev.dora.launcher.http.HttpEdge;
import dev.dora.streams.config.HotfixRule;
import dev.dora.streams.config.MetricsConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code dora serve}: the pipeline and its HTTP API, without demo data. With {@code --bootstrap-servers} it uses an
 * existing Kafka cluster; otherwise it starts the embedded broker, and restarting on the same data directory keeps
 * every event and metric.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        versionProvider = DoraCommand.VersionProvider.class,
        description = "Run the pipeline and the HTTP API (POST /api/v1/events, GET /api/v1/metrics) until Ctrl-C.")
public final class ServeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    ClusterOptions cluster;

    @Mixin
    AccessOptions access;

    @Option(names = "--partitions", defaultValue = "3", paramLabel = "N",
            description = "Partitions of the topics the pipeline creates; existing event topics must already have "
                    + "this many (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--production-environments", defaultValue = "production,prod", split = ",", paramLabel = "ENV",
            description = "Environments that count as production, compared case-insensitively "
                    + "(default: ${DEFAULT-VALUE}).")
    List<String> productionEnvironments;

    @Option(names = "--incident-window", defaultValue = "24h", paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "How long after a production deployment an incident without a named cause is charged to "
                    + "it, e.g. 12h, 2d (default: ${DEFAULT-VALUE}).")
    Duration incidentWindow;

    @Option(names = "--fast-build", defaultValue = "10m", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "The longest a successful CI build may take to count as fast in pipeline health's "
                    + "under10Minutes, e.g. 600s, 15m (default: ${DEFAULT-VALUE}).")
    Duration fastBuild;

    @Option(names = "--hotfix-branches", defaultValue = "hotfix/**,hotfix-*", split = ",", paramLabel = "GLOB",
            description = "Changes on a branch matching one of these globs are hotfixes, so their production "
                    + "deployments count as rework; * stays within a /-separated segment, ** crosses segments, "
                    + "? is one character. Empty for none (default: ${DEFAULT-VALUE}).")
    List<String> hotfixBranches;

    @Option(names = "--hotfix-labels", defaultValue = "hotfix", split = ",", paramLabel = "LABEL",
            description = "Changes whose pull/merge request carries one of these labels, compared "
                    + "case-insensitively, are hotfixes. Empty for none (default: ${DEFAULT-VALUE}).")
    List<String> hotfixLabels;

    @Override
    public Integer call() throws Exception {
        final HttpEdge.Settings http = access.settings(spec, common.port);
        final Path dataDir = common.dataDir();
        // before anything touches the directory: a second dora on it stops here, naming the first
        final DataDirLock lock = DataDirLock.acquire(dataDir);
        try {
            // before validation: reading --kafka-config loads Kafka's client configuration classes, which create
            // loggers
            Logging.init(dataDir);
            validate();
        } catch (final RuntimeException e) {
            // a usage error starts nothing: the directory is free again for the corrected command
            lock.close();
            throw e;
        }
        final PrintWriter out = spec.commandLine().getOut();
        final DoraRuntime runtime = DoraRuntime.start(dataDir, http, cluster.cluster(spec),
                common.kafkaPort, this::metricsConfig, common.webhookSettings(), common.outputs(),
                cluster.clusterReads(), out);
        Shutdown.closeOnExit(runtime, out);
        out.println("Waiting for the pipeline to be ready");
        out.flush();
        runtime.awaitHealthy(Duration.ofMinutes(5), out);
        out.printf("%nDashboard: %s/%n", runtime.baseUrl());
        out.printf("dora is serving on %s (log: %s)%n", runtime.baseUrl(), Logging.logFile(dataDir));
        out.printf("  POST %s/api/v1/events%n  GET  %s/api/v1/metrics%n  GET  %s/api/v1/services%n"
                + "  GET  %s/api/v1/health%n  every endpoint: %s/api%n", runtime.baseUrl(),
                runtime.baseUrl(), runtime.baseUrl(), runtime.baseUrl(), runtime.baseUrl());
        MonitoringLinks.print(out, runtime.baseUrl(), common.observability());
        out.println("Press Ctrl-C to stop.");
        out.flush();
        Shutdown.awaitSignal();
        return 0;
    }

    /** The pipeline's definitions these options describe, for the given bootstrap servers (plain connections). */
    MetricsConfig metricsConfig(final String bootstrap) {
        return MetricsConfig.defaults(bootstrap, common.dataDir().resolve("streams"))
                .withPartitions(partitions)
                .withProductionEnvironments(productionEnvironmentSet())
                .withIncidentWindow(incidentWindow)
                .withHotfixRule(hotfixRule())
                .withFastBuildSeconds(fastBuild.toSeconds());
    }

    /**
     * The whole pipeline configuration these options describe for the cluster actually used: the definitions, and
     * the client settings, threads, replication and Streams overrides of {@link ClusterOptions}.
     */
    MetricsConfig metricsConfig(final KafkaClientSettings kafka) {
        return cluster.apply(metricsConfig(kafka.bootstrapServers()), kafka, spec);
    }

    /**
     * The hotfix rule of {@code --hotfix-branches} and {@code --hotfix-labels}, blank entries left out (so an empty
     * option turns that half of the rule off).
     *
     * @throws ParameterException naming the option when a glob or label is invalid
     */
    HotfixRule hotfixRule() {
        final List<String> globs = nonBlank(hotfixBranches);
        for (final String glob : globs) {
            try {
                HotfixRule.validateGlob(glob);
            } catch (final IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--hotfix-branches: " + e.getMessage());
            }
        }
        try {
            return new HotfixRule(globs, nonBlank(hotfixLabels));
        } catch (final IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--hotfix-labels: " + e.getMessage());
        }
    }

    private static List<String> nonBlank(final List<String> values) {
        return values == null ? List.of() : values.stream().filter(v -> !v.isBlank()).map(String::trim).toList();
    }

    /**
     * The production environments: {@code --production-environments} when given, else the catalog's
     * {@code production:} list when it has one, else the default. A change restarts the computation from the
     * retained events (see MetricsConfig#streamsApplicationId), so it is read once, at start-up.
     */
    Set<String> productionEnvironmentSet() {
        final boolean explicit = spec != null && spec.commandLine().getParseResult() != null
                && spec.commandLine().getParseResult().hasMatchedOption("--production-environments");
        if (!explicit) {
            final Set<String> fromCatalog = common.webhookSettings().catalogProduction();
            if (!fromCatalog.isEmpty()) {
                return fromCatalog;
            }
        }
        final Set<String> environments = new LinkedHashSet<>();
        for (final String environment : productionEnvironments) {
            if (!environment.isBlank()) {
                environments.add(environment.trim());
            }
        }
        return environments;
    }

    private void validate() {
        common.validate(spec);
        if (partitions < 1) {
            throw new ParameterException(spec.commandLine(), "--partitions must be at least 1 (got " + partitions + ")");
        }
        if (productionEnvironmentSet().isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--production-environments needs at least one name");
        }
        hotfixRule();
        cluster.validate(spec);
    }
}
