package dev.dora.schema;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * How every Kafka client dora creates reaches the cluster: the bootstrap servers and the client properties of the
 * {@code --kafka-config} file ({@code security.protocol}, {@code ssl.*}, {@code sasl.*}, {@code client.dns.lookup},
 * ...). The ingest producer, the Kafka Streams application and its internal clients, the admin clients, the catalog
 * follower and the importers all build their configuration with {@link #configFor}, so one file secures them all.
 *
 * <p>A client's configuration is merged in this order: the product's defaults for that client, then these
 * properties (which may tune any default, e.g. timeouts), then the settings the client needs to be correct
 * ({@link Required}): a file that sets one of those to another value is refused with the reason, rather than
 * silently weakening a guarantee.
 *
 * <p>Secret values (passwords, JAAS configurations, keys) never show: {@link #toString()} and every message of this
 * class redact them (see {@link SecretRedaction}), and loading a file registers them for scrubbing.
 */
public final class KafkaClientSettings {

    /** The environment variable naming a client properties file when {@code --kafka-config} is not given. */
    public static final String ENVIRONMENT_VARIABLE = "DORA_KAFKA_CONFIG";

    private final String bootstrapServers;
    private final Map<String, String> properties;
    private final Optional<Path> file;

    private KafkaClientSettings(final String bootstrapServers, final Map<String, String> properties,
                                final Optional<Path> file) {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("the Kafka bootstrap servers must not be empty");
        }
        this.bootstrapServers = bootstrapServers.trim();
        final Map<String, String> copy = new TreeMap<>(properties);
        copy.remove(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
        this.properties = Collections.unmodifiableMap(copy);
        this.file = file;
    }

    /** Plain connections to these servers, with no client properties of the user's. */
    public static KafkaClientSettings of(final String bootstrapServers) {
        return new KafkaClientSettings(bootstrapServers, Map.of(), Optional.empty());
    }

    /** These servers with these client properties (a {@code bootstrap.servers} among them is ignored). */
    public static KafkaClientSettings of(final String bootstrapServers, final Map<String, String> properties) {
        SecretRedaction.register(properties);
        return new KafkaClientSettings(bootstrapServers, properties, Optional.empty());
    }

    /**
     * Reads a client properties file.
     *
     * @param bootstrapServers the servers given on the command line, which win over the file's
     *                         {@code bootstrap.servers}; {@code null} to take them from the file
     * @throws IllegalArgumentException when the file cannot be read, or names no servers and none were given
     */
    public static KafkaClientSettings load(final Path file, final String bootstrapServers) {
        final Map<String, String> properties = readProperties(file, "--kafka-config");
        final String fromFile = properties.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
        final String servers = bootstrapServers != null && !bootstrapServers.isBlank() ? bootstrapServers : fromFile;
        if (servers == null || servers.isBlank()) {
            throw new IllegalArgumentException("--kafka-config " + file + " has no bootstrap.servers; give them "
                    + "there or with --bootstrap-servers");
        }
        return new KafkaClientSettings(servers, properties, Optional.of(file.toAbsolutePath().normalize()));
    }

    /**
     * Reads a Java properties file (UTF-8) and registers its secret values for {@linkplain SecretRedaction#scrub
     * scrubbing}.
     *
     * @param option the command-line option that named the file, for messages
     * @throws IllegalArgumentException naming the option and the file when it cannot be read
     */
    public static Map<String, String> readProperties(final Path file, final String option) {
        final Properties loaded = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            loaded.load(reader);
        } catch (final NoSuchFileException e) {
            throw new IllegalArgumentException(option + " " + file + ": no such file");
        } catch (final IOException | IllegalArgumentException e) {
            // Properties' own messages never quote a value, but the class name is all a reader needs here
            throw new IllegalArgumentException(option + " " + file + ": cannot be read as a properties file ("
                    + e.getClass().getSimpleName() + ")");
        }
        final Map<String, String> properties = new TreeMap<>();
        loaded.stringPropertyNames().forEach(name -> properties.put(name.trim(), loaded.getProperty(name)));
        SecretRedaction.register(properties);
        return properties;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The user's client properties, without {@code bootstrap.servers}; sorted, unmodifiable. */
    public Map<String, String> properties() {
        return properties;
    }

    /** The file the properties came from, if any. */
    public Optional<Path> file() {
        return file;
    }

    /** The same properties for other servers (e.g. the embedded broker's, once it runs). */
    public KafkaClientSettings withBootstrapServers(final String servers) {
        return new KafkaClientSettings(servers, properties, file);
    }

    /** The security protocol the clients use ({@code PLAINTEXT} unless the properties say otherwise). */
    public String securityProtocol() {
        return properties.getOrDefault(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT")
                .trim().toUpperCase(Locale.ROOT);
    }

    /** The SASL mechanism, when the security protocol uses SASL ({@code GSSAPI} is Kafka's default). */
    public Optional<String> saslMechanism() {
        return securityProtocol().startsWith("SASL")
                ? Optional.of(properties.getOrDefault("sasl.mechanism", "GSSAPI").trim())
                : Optional.empty();
    }

    /** Where these settings come from, for messages: {@code --kafka-config /path} or {@code the defaults}. */
    public String origin() {
        return file.map(path -> "--kafka-config " + path).orElse("the client defaults");
    }

    /**
     * The configuration of one client: {@code defaults}, then the user's properties, then {@code required}, plus
     * the bootstrap servers.
     *
     * @param client   what the client is, for messages (e.g. {@code the ingest producer})
     * @param defaults the product's defaults for this client, which the user's properties may change
     * @param required what the client needs to be correct; a {@code null} value means the key must be absent
     * @throws IllegalArgumentException naming the key, the client and the reason when the user's properties set a
     *                                  required key to another value
     */
    public Map<String, Object> configFor(final String client, final Map<String, ?> defaults,
                                         final List<Required> required) {
        final Map<String, Object> config = new HashMap<>(defaults);
        config.putAll(properties);
        final List<String> conflicts = conflicts(properties, required);
        for (final Required setting : required) {
            if (setting.value() == null) {
                config.remove(setting.key());
            } else {
                config.put(setting.key(), setting.value());
            }
        }
        if (!conflicts.isEmpty()) {
            throw new IllegalArgumentException(origin() + " cannot be used for " + client + ": "
                    + String.join("; ", conflicts));
        }
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return config;
    }

    /** What in {@code properties} contradicts {@code required}: one sentence per key, secret values hidden. */
    public static List<String> conflicts(final Map<String, String> properties, final List<Required> required) {
        final List<String> conflicts = new ArrayList<>();
        for (final Required setting : required) {
            final String given = properties.get(setting.key());
            if (given != null && !setting.accepts(given)) {
                conflicts.add(setting.describeConflict(given));
            }
        }
        return conflicts;
    }

    /** {@link #configFor} for a client with nothing required beyond the defaults. */
    public Map<String, Object> configFor(final String client, final Map<String, ?> defaults) {
        return configFor(client, defaults, List.of());
    }

    @Override
    public boolean equals(final Object other) {
        return other instanceof KafkaClientSettings that && bootstrapServers.equals(that.bootstrapServers)
                && properties.equals(that.properties) && file.equals(that.file);
    }

    @Override
    public int hashCode() {
        return Objects.hash(bootstrapServers, properties, file);
    }

    /** The servers and the properties with every secret value {@linkplain SecretRedaction#HIDDEN hidden}. */
    @Override
    public String toString() {
        return "KafkaClientSettings[bootstrapServers=" + bootstrapServers + ", properties="
                + SecretRedaction.redact(properties) + file.map(path -> ", file=" + path).orElse("") + "]";
    }

    /**
     * A setting a client needs to be correct, and why.
     *
     * @param key    the client configuration key
     * @param value  the value it must have; {@code null} when the key must not be set at all
     * @param reason why, for the message that refuses another value (e.g. {@code every acknowledged event must be
     *               on every in-sync replica})
     */
    public record Required(String key, Object value, String reason) {

        public Required {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(reason, "reason");
        }

        /** A key the user's properties must not set. */
        public static Required absent(final String key, final String reason) {
            return new Required(key, null, reason);
        }

        /** Whether a user's value is the required one (booleans compared case-insensitively). */
        public boolean accepts(final String given) {
            return value != null && normalise(given).equals(normalise(value));
        }

        /** Why {@code given} cannot be used, naming the key and the value dora needs; secrets hidden. */
        public String describeConflict(final String given) {
            final String shown = SecretRedaction.isSecret(key) ? SecretRedaction.HIDDEN : given.trim();
            return value == null
                    ? key + " must not be set (" + reason + ")"
                    : key + "=" + shown + " is not allowed, dora needs " + key + "=" + normalise(value)
                            + " (" + reason + ")";
        }

        private static String normalise(final Object value) {
            final String text = value instanceof Class<?> type ? type.getName() : String.valueOf(value).trim();
            return value instanceof Boolean || "true".equalsIgnoreCase(text) || "false".equalsIgnoreCase(text)
                    ? text.toLowerCase(Locale.ROOT) : text;
        }
    }
}
