package dev.dora.launcher.importer;

import dev.dora.launcher.DurationConverter;
import dev.dora.schema.KafkaClientSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * Where {@code dora import} sends its events and in which batches. Option names are a public contract.
 * {@code --url} and {@code --bootstrap-servers} exclude each other; without either, the events go to
 * {@value #DEFAULT_URL}.
 */
public final class TargetOptions {

    /** Where a local {@code dora serve} or {@code dora demo} answers. */
    public static final String DEFAULT_URL = "http://localhost:8080";

    static final int DEFAULT_BATCH_SIZE = 1000;
    static final String DEFAULT_MAX_LAG = "250ms";
    static final int MAX_BATCH_SIZE = 10_000;

    @Option(names = "--url", paramLabel = "URL",
            description = "Base URL of a running dora; events are posted to URL/api/v1/events "
                    + "(default: " + DEFAULT_URL + ").")
    String url;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,HOST:PORT...]",
            description = "Produce straight to this Kafka cluster instead of posting to the API; its topics must "
                    + "exist (dora serve --bootstrap-servers creates them).")
    String bootstrapServers;

    @Option(names = "--kafka-config", paramLabel = "FILE",
            description = "Kafka client properties (security.protocol, ssl.*, sasl.*, ...) for producing straight to "
                    + "Kafka; its bootstrap.servers is used when --bootstrap-servers is not given. Default with "
                    + "--bootstrap-servers: the file named by " + KafkaClientSettings.ENVIRONMENT_VARIABLE + ", if any.")
    Path kafkaConfig;

    @Option(names = "--batch-size", defaultValue = "" + DEFAULT_BATCH_SIZE, paramLabel = "N",
            description = "Events per request or per Kafka batch, 1 to " + MAX_BATCH_SIZE
                    + " (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--max-lag", defaultValue = DEFAULT_MAX_LAG, paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "Keep at most this much of the running pipeline's work queued (its backlog at the rate it "
                    + "processes it), so that live events arriving during the import are not queued behind the whole "
                    + "history; 0 sends as fast as the target takes it (default: ${DEFAULT-VALUE}).")
    Duration maxLag;

    /** The environment, so tests can pass their own. */
    Map<String, String> environment = System.getenv();

    /** The API's base URL, {@link #DEFAULT_URL} unless {@code --url} was given. */
    String url() {
        return url != null ? url : DEFAULT_URL;
    }

    /** Checks picocli cannot express; a failure is a usage error (exit code 2). */
    void validate(final CommandSpec spec) {
        if (url != null && (bootstrapServers != null || kafkaConfig != null)) {
            throw new ParameterException(spec.commandLine(), "--url and --"
                    + (bootstrapServers != null ? "bootstrap-servers" : "kafka-config") + " exclude each other: "
                    + "post to the API or produce to Kafka, not both");
        }
        if (bootstrapServers != null && bootstrapServers.isBlank()) {
            throw new ParameterException(spec.commandLine(), "--bootstrap-servers must not be empty");
        }
        validateSizes(spec);
        if (toKafka()) {
            kafka(spec);
        } else {
            final URI uri;
            try {
                uri = new URI(url().trim());
            } catch (final URISyntaxException e) {
                throw new ParameterException(spec.commandLine(), "--url is not a URL: " + url());
            }
            final String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw new ParameterException(spec.commandLine(), "--url must be an http(s) URL such as "
                        + DEFAULT_URL + " (got " + url() + ")");
            }
        }
    }

    private void validateSizes(final CommandSpec spec) {
        if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
            throw new ParameterException(spec.commandLine(), "--batch-size must be between 1 and " + MAX_BATCH_SIZE
                    + " (got " + batchSize + ")");
        }
    }

    /** Whether the events go straight to Kafka: {@code --bootstrap-servers} or {@code --kafka-config} was given. */
    boolean toKafka() {
        return bootstrapServers != null || kafkaConfig != null;
    }

    /**
     * The cluster and how to connect: {@code --kafka-config}, else (with {@code --bootstrap-servers} only) the file
     * named by {@value KafkaClientSettings#ENVIRONMENT_VARIABLE}, else plain connections.
     */
    KafkaClientSettings kafka(final CommandSpec spec) {
        Path file = kafkaConfig;
        final String fromEnvironment = environment.get(KafkaClientSettings.ENVIRONMENT_VARIABLE);
        if (file == null && fromEnvironment != null && !fromEnvironment.isBlank()) {
            file = Path.of(fromEnvironment.trim());
        }
        final String servers = bootstrapServers == null ? null : bootstrapServers.trim();
        try {
            return file == null ? KafkaClientSettings.of(servers) : KafkaClientSettings.load(file, servers);
        } catch (final IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** Where the pipeline's backlog is read: the target dora's health, or the cluster's consumer groups. */
    PipelineBacklog backlog(final CommandSpec spec) {
        if (maxLag.isZero()) {
            return PipelineBacklog.UNKNOWN;
        }
        return toKafka() ? new KafkaBacklog(kafka(spec)) : new HttpBacklog(url().trim());
    }

    /** Connects to the target: for Kafka this checks that the cluster answers and has dora's topics. */
    EventSink open(final CommandSpec spec, final Backoff backoff) throws InterruptedException {
        return toKafka()
                ? KafkaEventSink.open(kafka(spec), backoff)
                : new HttpEventSink(url().trim(), backoff, System.getenv(HttpEventSink.TOKEN_VARIABLE));
    }
}
