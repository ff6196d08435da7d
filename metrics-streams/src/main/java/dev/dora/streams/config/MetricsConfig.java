package dev.dora.streams.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Everything the metrics pipeline needs to know to run: where Kafka is, where state lives, and the definitions
 * that decide what counts (production environments, the incident attribution window, the hotfix rule).
 *
 * @param bootstrapServers       Kafka bootstrap servers
 * @param applicationId          prefix of the Kafka Streams application id, see {@link #streamsApplicationId()}
 * @param stateDir               where the RocksDB state stores live
 * @param partitions             partition count of the event topics and of every internal topic
 * @param replicationFactor      replication factor of created topics; -1 for the broker default
 * @param productionEnvironments environments that count as production, compared case-insensitively
 * @param incidentWindow         how long after a deployment an incident without a named cause is charged to it
 * @param hotfixRule             which changes are hotfixes (by branch glob or label), for the rework rate
 * @param streamThreads          Kafka Streams threads
 */
public record MetricsConfig(String bootstrapServers, String applicationId, Path stateDir, int partitions,
                            short replicationFactor, Set<String> productionEnvironments, Duration incidentWindow,
                            HotfixRule hotfixRule, int streamThreads) {

    public static final Set<String> DEFAULT_PRODUCTION_ENVIRONMENTS = Set.of("production", "prod");
    public static final Duration DEFAULT_INCIDENT_WINDOW = Duration.ofHours(24);
    /** Raised whenever a release derives facts differently from the same events. */
    public static final int SEMANTICS_VERSION = 5;
    /** The environment group of every production environment; other environments are each their own group. */
    public static final String PRODUCTION = "production";

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
        if (hotfixRule == null) {
            throw new IllegalArgumentException("a hotfix rule is needed (HotfixRule.none() for none)");
        }
        productionEnvironments = productionEnvironments.stream()
                .map(e -> e.trim().toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }

    public static MetricsConfig defaults(final String bootstrapServers, final Path stateDir) {
        return new MetricsConfig(bootstrapServers, "dora-metrics", stateDir, 3, (short) -1,
                DEFAULT_PRODUCTION_ENVIRONMENTS, DEFAULT_INCIDENT_WINDOW, HotfixRule.defaults(), 1);
    }

    public MetricsConfig withPartitions(final int value) {
        return new MetricsConfig(bootstrapServers, applicationId, stateDir, value, replicationFactor,
                productionEnvironments, incidentWindow, hotfixRule, streamThreads);
    }

    public MetricsConfig withReplicationFactor(final short value) {
        return new MetricsConfig(bootstrapServers, applicationId, stateDir, partitions, value,
                productionEnvironments, incidentWindow, hotfixRule, streamThreads);
    }

    public MetricsConfig withProductionEnvironments(final Set<String> value) {
        return new MetricsConfig(bootstrapServers, applicationId, stateDir, partitions, replicationFactor,
                value, incidentWindow, hotfixRule, streamThreads);
    }

    public MetricsConfig withIncidentWindow(final Duration value) {
        return new MetricsConfig(bootstrapServers, applicationId, stateDir, partitions, replicationFactor,
                productionEnvironments, value, hotfixRule, streamThreads);
    }

    /** This configuration with another hotfix rule; see {@link HotfixRule}. */
    public MetricsConfig withHotfixRule(final HotfixRule value) {
        return new MetricsConfig(bootstrapServers, applicationId, stateDir, partitions, replicationFactor,
                productionEnvironments, incidentWindow, value, streamThreads);
    }

    public MetricsConfig withApplicationId(final String value) {
        return new MetricsConfig(bootstrapServers, value, stateDir, partitions, replicationFactor,
                productionEnvironments, incidentWindow, hotfixRule, streamThreads);
    }

    public MetricsConfig withStreamThreads(final int value) {
        return new MetricsConfig(bootstrapServers, applicationId, stateDir, partitions, replicationFactor,
                productionEnvironments, incidentWindow, hotfixRule, value);
    }

    /**
     * The Kafka Streams application id actually used: the configured one plus a fingerprint of the definitions
     * that decide the numbers. Changing the production environments, the incident window or the hotfix rule (or a
     * release that changes how facts are derived, see {@link #SEMANTICS_VERSION}) thus starts a new computation from
     * the retained event topics instead of mixing facts derived under two definitions.
     */
    public String streamsApplicationId() {
        final String definitions = SEMANTICS_VERSION + "|" + new java.util.TreeSet<>(productionEnvironments)
                + "|" + incidentWindow.toMillis() + "|" + hotfixRule.definition();
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
