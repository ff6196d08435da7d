package dev.dora.launcher;

import dev.dora.api.cluster.ClusterReader;
import dev.dora.schema.KafkaClientSettings;
import dev.dora.streams.StreamsProperties;
import dev.dora.streams.config.MetricsConfig;
import dev.dora.streams.config.StreamsOverrides;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * How {@code dora serve} uses a Kafka cluster: which one, how its clients connect ({@code --kafka-config}), how
 * Kafka Streams runs ({@code --streams-config}, {@code --stream-threads}) and how topics are replicated. Option
 * names are a public contract.
 *
 * <p>Precedence: an option given on the command line wins over the same setting in a file ({@code --bootstrap-servers}
 * over the client file's {@code bootstrap.servers}, {@code --stream-threads} over {@code num.stream.threads},
 * {@code --replication-factor} over {@code replication.factor}); the files win over dora's defaults; and nothing
 * changes the settings dora's correctness rests on ({@link StreamsProperties#PROTECTED}).
 */
public final class ClusterOptions {

    /** The bearer token an instance sends to the others for reads no API request asked for. */
    static final String PEER_TOKEN_VARIABLE = "DORA_PEER_TOKEN";
    /** How long a query waits for every partition to be readable (a rebalance) before it answers 503. */
    static final Duration READ_RETRY = Duration.ofSeconds(5);

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,HOST:PORT...]",
            description = "Use this Kafka cluster instead of starting the embedded broker (--kafka-port is then unused).")
    String bootstrapServers;

    @Option(names = "--kafka-config", paramLabel = "FILE",
            description = "Kafka client properties (security.protocol, ssl.*, sasl.*, client.dns.lookup, ...) for "
                    + "every client dora creates; its bootstrap.servers is used when --bootstrap-servers is not given. "
                    + "Default: the file named by " + KafkaClientSettings.ENVIRONMENT_VARIABLE + ", if any.")
    Path kafkaConfig;

    @Option(names = "--streams-config", paramLabel = "FILE",
            description = "Kafka Streams properties (num.standby.replicas, group.protocol, state.dir, ...) applied "
                    + "last; exactly-once, explicit naming, the application id and the error handlers cannot be "
                    + "changed.")
    Path streamsConfig;

    @Option(names = "--stream-threads", paramLabel = "N",
            description = "Kafka Streams threads; wins over num.stream.threads in --streams-config "
                    + "(default: the number of cores).")
    Integer streamThreads;

    @Option(names = "--replication-factor", paramLabel = "N",
            description = "Replication factor of the topics dora creates, Kafka Streams' internal ones included; wins "
                    + "over replication.factor in --streams-config. Default: the cluster's default.replication.factor "
                    + "(1 for the embedded broker); min.insync.replicas is left to the cluster.")
    Short replicationFactor;

    @Option(names = "--advertised-url", paramLabel = "URL",
            description = "This instance's URL as the other instances of the same application reach it, e.g. "
                    + "http://dora-api-1:8080 (also Kafka Streams' application.server). With it, any number of "
                    + "instances answer every query as one, and num.standby.replicas defaults to 1.")
    URI advertisedUrl;

    /** The environment, so tests can pass their own. */
    Map<String, String> environment = System.getenv();

    /** The client properties file: {@code --kafka-config}, else {@value KafkaClientSettings#ENVIRONMENT_VARIABLE}. */
    Optional<Path> kafkaConfigFile() {
        if (kafkaConfig != null) {
            return Optional.of(kafkaConfig);
        }
        final String fromEnvironment = environment.get(KafkaClientSettings.ENVIRONMENT_VARIABLE);
        return fromEnvironment == null || fromEnvironment.isBlank() ? Optional.empty()
                : Optional.of(Path.of(fromEnvironment.trim()));
    }

    /**
     * The cluster to use and how to connect, or empty for the embedded broker.
     *
     * @throws ParameterException when a file cannot be read, or client properties are given without a cluster
     */
    Optional<KafkaClientSettings> cluster(final CommandSpec spec) {
        final Optional<Path> file = kafkaConfigFile();
        final String servers = bootstrapServers == null ? null : bootstrapServers.trim();
        if (file.isEmpty()) {
            return Optional.ofNullable(servers).map(KafkaClientSettings::of);
        }
        final KafkaClientSettings settings;
        try {
            settings = KafkaClientSettings.load(file.get(), servers);
        } catch (final IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        return Optional.of(settings);
    }

    /**
     * The {@code --streams-config} overrides, less what a command-line option sets instead.
     *
     * @throws ParameterException when the file cannot be read or changes a protected setting
     */
    StreamsOverrides streamsOverrides(final CommandSpec spec) {
        if (streamsConfig == null) {
            return StreamsOverrides.NONE;
        }
        try {
            final StreamsOverrides overrides = StreamsOverrides.load(streamsConfig);
            StreamsProperties.requireNothingProtected(overrides.properties(), overrides.origin());
            return overrides;
        } catch (final IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /**
     * {@code base} with these options: the client settings, the thread count, the replication factor and the
     * Streams overrides. None of them enters the application id.
     */
    MetricsConfig apply(final MetricsConfig base, final KafkaClientSettings kafka, final CommandSpec spec) {
        StreamsOverrides overrides = streamsOverrides(spec);
        final int threads;
        if (streamThreads != null) {
            threads = streamThreads;
            overrides = overrides.without(StreamsConfig.NUM_STREAM_THREADS_CONFIG);
        } else {
            threads = overrides.get(StreamsConfig.NUM_STREAM_THREADS_CONFIG)
                    .map(value -> parsePositive(spec, StreamsConfig.NUM_STREAM_THREADS_CONFIG, value))
                    .orElse(Runtime.getRuntime().availableProcessors());
            overrides = overrides.without(StreamsConfig.NUM_STREAM_THREADS_CONFIG);
        }
        final short replicas;
        if (replicationFactor != null) {
            replicas = replicationFactor;
            overrides = overrides.without(StreamsConfig.REPLICATION_FACTOR_CONFIG);
        } else {
            replicas = overrides.get(StreamsConfig.REPLICATION_FACTOR_CONFIG)
                    .map(value -> (short) parseReplication(spec, value))
                    .orElse(base.replicationFactor());
            overrides = overrides.without(StreamsConfig.REPLICATION_FACTOR_CONFIG);
        }
        if (advertisedUrl != null) {
            // the option wins over application.server in the file; a file's num.standby.replicas over the default
            final HostInfo self = ClusterReader.hostOf(advertisedUrl);
            overrides = overrides.with(StreamsConfig.APPLICATION_SERVER_CONFIG, self.host() + ":" + self.port());
            if (overrides.get(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG).isEmpty()) {
                overrides = overrides.with(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, "1");
            }
        }
        return base.withKafka(kafka).withStreamThreads(threads).withReplicationFactor(replicas)
                .withStreamsOverrides(overrides);
    }

    /**
     * How this instance reads across the application's instances, when {@code --advertised-url} is given: with the
     * peer token of {@value #PEER_TOKEN_VARIABLE} for reads no API request asked for.
     */
    Optional<ClusterReader.Settings> clusterReads() {
        if (advertisedUrl == null) {
            return Optional.empty();
        }
        final String token = environment.get(PEER_TOKEN_VARIABLE);
        return Optional.of(new ClusterReader.Settings(advertisedUrl,
                token == null || token.isBlank() ? Optional.empty() : Optional.of(token.trim()), READ_RETRY));
    }

    /** Range checks picocli cannot express; a failure is a usage error (exit code 2). */
    void validate(final CommandSpec spec) {
        if (bootstrapServers != null && bootstrapServers.isBlank()) {
            throw new ParameterException(spec.commandLine(), "--bootstrap-servers must not be empty");
        }
        if (streamThreads != null && streamThreads < 1) {
            throw new ParameterException(spec.commandLine(), "--stream-threads must be at least 1 (got "
                    + streamThreads + ")");
        }
        if (replicationFactor != null && replicationFactor < 1 && replicationFactor != -1) {
            throw new ParameterException(spec.commandLine(), "--replication-factor must be at least 1, or -1 for "
                    + "the cluster's default (got " + replicationFactor + ")");
        }
        if (advertisedUrl != null) {
            validateAdvertisedUrl(spec);
        }
        cluster(spec);
        streamsOverrides(spec);
    }

    private void validateAdvertisedUrl(final CommandSpec spec) {
        final String scheme = advertisedUrl.getScheme() == null ? "" : advertisedUrl.getScheme().toLowerCase();
        final String path = advertisedUrl.getRawPath() == null ? "" : advertisedUrl.getRawPath();
        final boolean bare = advertisedUrl.getRawQuery() == null && advertisedUrl.getRawUserInfo() == null
                && (path.isEmpty() || path.equals("/"));
        if (!List.of("http", "https").contains(scheme) || advertisedUrl.getHost() == null || !bare) {
            throw new ParameterException(spec.commandLine(), "--advertised-url must be http://HOST:PORT or "
                    + "https://HOST:PORT, without path, query or user (got " + advertisedUrl + ")");
        }
    }

    private static int parsePositive(final CommandSpec spec, final String key, final String value) {
        try {
            final int parsed = Integer.parseInt(value.trim());
            if (parsed >= 1) {
                return parsed;
            }
        } catch (final NumberFormatException e) {
            // reported below
        }
        throw new ParameterException(spec.commandLine(), "--streams-config: " + key + " must be a whole number of "
                + "at least 1 (got " + value.trim() + ")");
    }

    private static int parseReplication(final CommandSpec spec, final String value) {
        try {
            final int parsed = Integer.parseInt(value.trim());
            if (parsed >= 1 && parsed <= Short.MAX_VALUE || parsed == -1) {
                return parsed;
            }
        } catch (final NumberFormatException e) {
            // reported below
        }
        throw new ParameterException(spec.commandLine(), "--streams-config: replication.factor must be at least 1, "
                + "or -1 for the cluster's default (got " + value.trim() + ")");
    }
}
