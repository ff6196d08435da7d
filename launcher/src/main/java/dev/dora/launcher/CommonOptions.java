package dev.dora.launcher;

import dev.dora.launcher.observability.ObservabilitySettings;
import dev.dora.streams.reports.ReportSettings;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * Options shared by {@code demo} and {@code serve}. Their names are a public contract (scripts and the README use
 * them): add options, never rename them.
 */
public final class CommonOptions {

    @Option(names = "--port", defaultValue = "8080", paramLabel = "PORT",
            description = "HTTP port of the API and of the page at / (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--data-dir", defaultValue = "./data", paramLabel = "DIR",
            description = "Where everything is kept: Kafka's data (kafka/), the Kafka Streams state (streams/) "
                    + "and the log (logs/dora.log). Relative to the current directory (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--kafka-port", defaultValue = "" + EmbeddedKafka.DEFAULT_PORT, paramLabel = "PORT",
            description = "Client port of the embedded Kafka broker; its controller uses PORT+1 "
                    + "(default: ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--catalog", paramLabel = "FILE",
            description = "Service catalog (YAML): repositories, PagerDuty services and CD applications mapped to "
                    + "services and teams, and the production environments; reloaded when the file changes. "
                    + "Default: the file named by DORA_CATALOG, if any.")
    Path catalog;

    @Option(names = "--webhook-secrets", paramLabel = "FILE",
            description = "Properties file with the webhook secrets (github=…, gitlab=…, pagerduty=…, cdevents=…). "
                    + "Without it the secrets come from DORA_GITHUB_SECRET, DORA_GITLAB_TOKEN, DORA_PAGERDUTY_SECRET "
                    + "and DORA_CDEVENTS_TOKEN.")
    Path webhookSecrets;

    @Option(names = "--prometheus-window", defaultValue = ObservabilitySettings.DEFAULT_WINDOW, paramLabel = "DAYS",
            description = "Rolling window of the DORA gauges at GET /metrics, in days like 7d or 90d; each gauge equals "
                    + "GET /api/v1/metrics?window=DAYS for its scope (default: ${DEFAULT-VALUE}).")
    String prometheusWindow;

    @Option(names = "--report-grace", defaultValue = "1d", paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "How long after a week's end, in event time, its weekly report is first published: events "
                    + "arriving within it are in the first revision, later ones make a new revision "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration reportGrace;

    @Option(names = "--query-cache-entries", defaultValue = "1000", paramLabel = "N",
            description = "The most answers of GET /api/v1/metrics, /metrics/series, /deployments and /services kept "
                    + "to be given again while the state they were computed from has not changed (exact: any "
                    + "processed event moves it); at most 64 MiB of them. The periods of a series are kept the "
                    + "same way, so a window moved by a day computes only its new periods. 0 disables both "
                    + "(default: ${DEFAULT-VALUE}).")
    int queryCacheEntries;

    @Option(names = "--insecure-webhooks",
            description = "Accept unsigned webhooks from sources whose secret is not configured. For local demos only.")
    boolean insecureWebhooks;

    /** What the webhook endpoints need: the catalog file, the configured secrets, and whether unsigned is fine. */
    WebhookSettings webhookSettings() {
        Path file = catalog;
        if (file == null && System.getenv("DORA_CATALOG") != null && !System.getenv("DORA_CATALOG").isBlank()) {
            file = Path.of(System.getenv("DORA_CATALOG"));
        }
        return WebhookSettings.load(file == null ? null : file.toAbsolutePath().normalize(), webhookSecrets,
                insecureWebhooks);
    }

    /** What GET /metrics and the weekly reports publish, and the answer cache; call {@link #validate} first. */
    OutputSettings outputs() {
        return new OutputSettings(observability(), ReportSettings.withGrace(reportGrace), queryCacheEntries);
    }

    /** What GET /metrics measures; call {@link #validate} first. */
    ObservabilitySettings observability() {
        return ObservabilitySettings.defaults().withWindow(prometheusWindow);
    }

    /** The data directory as an absolute path, so that log messages and errors show where it really is. */
    Path dataDir() {
        return dataDir.toAbsolutePath().normalize();
    }

    /** Range checks picocli cannot express; a failure is a usage error (exit code 2). */
    void validate(final CommandSpec spec) {
        if (queryCacheEntries < 0) {
            throw new ParameterException(spec.commandLine(), "--query-cache-entries must be 0 (no cache) or more (got "
                    + queryCacheEntries + ")");
        }
        if (port < 1 || port > 65535) {
            throw new ParameterException(spec.commandLine(), "--port must be between 1 and 65535 (got " + port + ")");
        }
        if (kafkaPort < 1 || kafkaPort > 65534) {
            throw new ParameterException(spec.commandLine(),
                    "--kafka-port must be between 1 and 65534, its controller uses the next port (got " + kafkaPort + ")");
        }
        try {
            ObservabilitySettings.windowDays(prometheusWindow);
        } catch (final IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--prometheus-window " + e.getMessage());
        }
        if (kafkaPort == port || kafkaPort + 1 == port) {
            throw new ParameterException(spec.commandLine(), "--port " + port
                    + " clashes with the embedded Kafka broker's ports " + kafkaPort + " and " + (kafkaPort + 1));
        }
    }
}
