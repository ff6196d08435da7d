package dev.dora.launcher.importer;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
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
    static final int MAX_BATCH_SIZE = 10_000;

    @Option(names = "--url", paramLabel = "URL",
            description = "Base URL of a running dora; events are posted to URL/api/v1/events "
                    + "(default: " + DEFAULT_URL + ").")
    String url;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,HOST:PORT...]",
            description = "Produce straight to this Kafka cluster instead of posting to the API; its topics must "
                    + "exist (dora serve --bootstrap-servers creates them).")
    String bootstrapServers;

    @Option(names = "--batch-size", defaultValue = "" + DEFAULT_BATCH_SIZE, paramLabel = "N",
            description = "Events per request or per Kafka batch, 1 to " + MAX_BATCH_SIZE
                    + " (default: ${DEFAULT-VALUE}).")
    int batchSize;

    /** The API's base URL, {@link #DEFAULT_URL} unless {@code --url} was given. */
    String url() {
        return url != null ? url : DEFAULT_URL;
    }

    /** Checks picocli cannot express; a failure is a usage error (exit code 2). */
    void validate(final CommandSpec spec) {
        if (url != null && bootstrapServers != null) {
            throw new ParameterException(spec.commandLine(), "--url and --bootstrap-servers exclude each other: "
                    + "post to the API or produce to Kafka, not both");
        }
        if (bootstrapServers != null && bootstrapServers.isBlank()) {
            throw new ParameterException(spec.commandLine(), "--bootstrap-servers must not be empty");
        }
        if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
            throw new ParameterException(spec.commandLine(), "--batch-size must be between 1 and " + MAX_BATCH_SIZE
                    + " (got " + batchSize + ")");
        }
        if (bootstrapServers == null) {
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

    /** Connects to the target: for Kafka this checks that the cluster answers and has dora's topics. */
    EventSink open(final Backoff backoff) throws InterruptedException {
        return bootstrapServers != null
                ? KafkaEventSink.open(bootstrapServers.trim(), backoff)
                : new HttpEventSink(url().trim(), backoff, System.getenv(HttpEventSink.TOKEN_VARIABLE));
    }
}
