package dev.dora.streams.config;

import dev.dora.schema.KafkaClientSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Everything the metrics pipeline needs to know to run: how to reach Kafka, where state lives, and the definitions
 * that decide what counts (production environments, the incident attribution window, the hotfix rule).
 *
 * <p>Only the definitions enter the {@linkplain #streamsApplicationId() application id}: connection settings,
 * threads, replication and Streams overrides can change from one start to the next without recomputing anything.
 *
 * @param kafka                  how every client reaches the cluster: bootstrap servers and {@code --kafka-config}
 * @param applicationId          prefix of the Kafka Streams application id, see {@link #streamsApplicationId()}
 * @param stateDir               where the RocksDB state stores live
 * @param partitions             partition count of the event topics and of every internal topic
 * @param replicationFactor      replication factor of created topics; -1 for the broker default
 * @param productionEnvironments environments that count as production, compared case-insensitively
 * @param incidentWindow         how long after a deployment an incident without a named cause is charged to it
 * @param hotfixRule             which changes are hotfixes (by branch glob or label), for the rework rate
 * @param streamThreads          Kafka Streams threads
 * @param streamsOverrides       Kafka Streams properties applied last ({@code --streams-config}); the protected
 *                               ones are refused
 * @param fastBuildSeconds       the longest a successful build may take to count as fast ({@code --fast-build})
 */
public record MetricsConfig(KafkaClientSettings kafka, String applicationId, Path stateDir, int partitions,
                            short replicationFactor, Set<String> productionEnvironments, Duration incidentWindow,
                            HotfixRule hotfixRule, int streamThreads, StreamsOverrides streamsOverrides,
                            long fastBuildSeconds) {

    public static final Set<String> DEFAULT_PRODUCTION_ENVIRONMENTS = Set.of("production", "prod");
    public static final Duration DEFAULT_INCIDENT_WINDOW = Duration.ofHours(24);
    /** Raised whenever a release derives facts differently from the same events. */
    public static final int SEMANTICS_VERSION = 5;
    /**
     * Raised whenever a release keeps its state in a form that state written before cannot be read as, so that it
     * starts a new computation from the retained events instead of reading rows it does not know. 2: the month rows
     * of teams and the organisation ({@code store.Span}); 3: month rows count the deployments of each of their days
     * ({@code DayBucket.deploymentsByDay}), which rows written before do not; 4: the changes a deployment delivered
     * are one value per deployment ({@code Entity.DELIVERED}), no longer an index entry per change.
     */
    public static final int STATE_FORMAT = 4;
    /** The environment group of every production environment; other environments are each their own group. */
    public static final String PRODUCTION = "production";
    /** The default fast-build threshold: a core pipeline kept under ten minutes. */
    public static final long DEFAULT_FAST_BUILD_SECONDS = 600;

    public MetricsConfig {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1");
        }
        if (productionEnvironments.isEmpty()) {
            throw new IllegalArgumentException("at least one production environment is needed");
        }
        if (incidentWindow.isNegative()) {
            throw new IllegalArgumentException("the incident window cannot be negative");
        }
        if (kafka == null) {
            throw new IllegalArgumentException("the Kafka client settings are needed");
        }
        if (streamThreads < 1) {
            throw new IllegalArgumentException("at least one stream thread is needed");
        }
        if (streamsOverrides == null) {
            throw new IllegalArgumentException("Streams overrides are needed (StreamsOverrides.NONE for none)");
        }
        if (hotfixRule == null) {
            throw new IllegalArgumentException("a hotfix rule is needed (HotfixRule.none() for none)");
        }
        if (fastBuildSeconds < 0) {
            throw new IllegalArgumentException("the fast-build threshold cannot be negative");
        }
        productionEnvironments = productionEnvironments.stream()
                .map(e -> e.trim().toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }

    public static MetricsConfig defaults(final String bootstrapServers, final Path stateDir) {
        return defaults(KafkaClientSettings.of(bootstrapServers), stateDir);
    }

    public static MetricsConfig defaults(final KafkaClientSettings kafka, final Path stateDir) {
        return new MetricsConfig(kafka, "dora-metrics", stateDir, 3, (short) -1,
                DEFAULT_PRODUCTION_ENVIRONMENTS, DEFAULT_INCIDENT_WINDOW, HotfixRule.defaults(), 1,
                StreamsOverrides.NONE, DEFAULT_FAST_BUILD_SECONDS);
    }

    /** The Kafka bootstrap servers every client connects to. */
    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public MetricsConfig withPartitions(final int value) {
        return new MetricsConfig(kafka, applicationId, stateDir, value, replicationFactor,
                productionEnvironments, incidentWindow, hotfixRule, streamThreads, streamsOverrides, fastBuildSeconds);
    }

    public MetricsConfig withReplicationFactor(final short value) {
        return new MetricsConfig(kafka, applicationId, stateDir, partitions, value,
                productionEnvironments, incidentWindow, hotfixRule, streamThreads, streamsOverrides, fastBuildSeconds);
    }

    public MetricsConfig withProductionEnvironments(final Set<String> value) {
        return new MetricsConfig(kafka, applicationId, stateDir, partitions, replicationFactor,
                value, incidentWindow, hotfixRule, streamThreads, streamsOverrides, fastBuildSeconds);
    }

    public MetricsConfig withIncidentWindow(final Duration value) {
        return new MetricsConfig(kafka, applicationId, stateDir, partitions, replicationFactor,
                productionEnvironments, value, hotfixRule, streamThreads, streamsOverrides, fastBuildSeconds);
    }

    /** This configuration with another hotfix rule; see {@link HotfixRule}. */
    public MetricsConfig withHotfixRule(final HotfixRule value) {
        return new MetricsConfig(kafka, applicationId, stateDir, partitions, replicationFactor,
                productionEnvironments, incidentWindow, value, streamThreads, streamsOverrides, fastBuildSeconds);
    }

    public MetricsConfig withApplicationId(final String value) {
        return new MetricsConfig(kafka, value, stateDir, partitions, replicationFactor,
                productionEnvironments, incidentWindow, hotfixRule, streamThreads, streamsOverrides, fastBuildSeconds);
    }

    public MetricsConfig withStreamThreads(final int value) {
        return new MetricsConfig(kafka, applicationId, stateDir, partitions, replicationFactor,
                productionEnvironments, incidentWindow, hotfixRule, value, streamsOverrides, fastBuildSeconds);
    }

    /** This configuration with other client settings (servers, security); the application id does not change. */
    public MetricsConfig withKafka(final KafkaClientSettings value) {
        return new MetricsConfig(value, applicationId, stateDir, partitions, replicationFactor,
                productionEnvironments, incidentWindow, hotfixRule, streamThreads, streamsOverrides, fastBuildSeconds);
    }

    /** This configuration with other Streams overrides; the application id does not change. */
    public MetricsConfig withStreamsOverrides(final StreamsOverrides value) {
        return new MetricsConfig(kafka, applicationId, stateDir, partitions, replicationFactor,
                productionEnvironments, incidentWindow, hotfixRule, streamThreads, value, fastBuildSeconds);
    }

    /** This configuration with another fast-build threshold, in seconds. */
    public MetricsConfig withFastBuildSeconds(final long value) {
        return new MetricsConfig(kafka, applicationId, stateDir, partitions, replicationFactor,
                productionEnvironments, incidentWindow, hotfixRule, streamThreads, streamsOverrides, value);
    }

    /** This configuration with another state directory; the application id does not change. */
    public MetricsConfig withStateDir(final Path value) {
        return new MetricsConfig(kafka, applicationId, value, partitions, replicationFactor,
                productionEnvironments, incidentWindow, hotfixRule, streamThreads, streamsOverrides, fastBuildSeconds);
    }

    /**
     * The Kafka Streams application id actually used: the configured one plus a fingerprint of the definitions
     * that decide the numbers. Changing the production environments, the incident window, the hotfix rule or the
     * fast-build threshold (or a release that changes how facts are derived, see {@link #SEMANTICS_VERSION}, or how
     * state is kept, see {@link #STATE_FORMAT}) thus
     * starts a new computation from the retained event topics instead of mixing facts derived under two definitions.
     */
    public String streamsApplicationId() {
        final String definitions = SEMANTICS_VERSION + "|" + new java.util.TreeSet<>(productionEnvironments)
                + "|" + incidentWindow.toMillis() + "|" + hotfixRule.definition()
                // only a threshold other than the default enters, so the ids of existing definitions stay
                + (fastBuildSeconds == DEFAULT_FAST_BUILD_SECONDS ? "" : "|fast-build=" + fastBuildSeconds)
                + "|state=" + STATE_FORMAT;
        try {
            final byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(definitions.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return applicationId + "-" + java.util.HexFormat.of().formatHex(digest, 0, 4);
        } catch (final java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public boolean isProduction(final String environment) {
        return environment != null && productionEnvironments.contains(environment.trim().toLowerCase(Locale.ROOT));
    }

    /**
     * The environment group metrics are computed for: {@value #PRODUCTION} for every production environment,
     * otherwise the environment's own name, trimmed and lower-cased, so {@code Staging} and {@code staging} are
     * one environment.
     */
    public String environmentGroup(final String environment) {
        if (environment == null) {
            return null;
        }
        return isProduction(environment) ? PRODUCTION : environment.trim().toLowerCase(Locale.ROOT);
    }
}
