package dev.dora.streams;

import dev.dora.schema.KafkaClientSettings;
import dev.dora.schema.KafkaClientSettings.Required;
import dev.dora.schema.SecretRedaction;
import dev.dora.schema.Topics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;

/**
 * The {@code --streams-config} file: any Kafka Streams property ({@code num.standby.replicas},
 * {@code group.protocol}, {@code state.dir}, {@code commit.interval.ms}, prefixed client settings, ...), applied last
 * over dora's own. The settings the pipeline's correctness rests on ({@link #PROTECTED}) cannot be changed: a file
 * that tries is refused at start-up with the key and the reason.
 */
public final class StreamsOverrides {

    /** No overrides. */
    public static final StreamsOverrides NONE = new StreamsOverrides(Map.of(), Optional.empty());

    private static final String EXACTLY_ONCE = "exactly-once processing commits the state stores, the facts and the "
            + "consumed offsets together, so that a crash neither loses nor double-counts an event";
    private static final String DEAD_LETTERS = "a record that cannot be read or processed goes to "
            + Topics.DEAD_LETTER.name() + " with its reason, and processing goes on";

    /** The Streams settings dora fixes, each with the reason it cannot change. */
    public static final List<Required> PROTECTED = protectedSettings();

    private final Map<String, String> properties;
    private final Optional<Path> file;

    private StreamsOverrides(final Map<String, String> properties, final Optional<Path> file) {
        this.properties = Collections.unmodifiableMap(new TreeMap<>(properties));
        this.file = file;
    }

    /**
     * Reads a {@code --streams-config} file.
     *
     * @throws IllegalArgumentException when it cannot be read or changes a {@linkplain #PROTECTED protected} setting
     */
    public static StreamsOverrides load(final Path file) {
        final Path path = file.toAbsolutePath().normalize();
        final StreamsOverrides overrides = new StreamsOverrides(
                KafkaClientSettings.readProperties(file, "--streams-config"), Optional.of(path));
        overrides.requireNothingProtected();
        return overrides;
    }

    /**
     * These properties as overrides.
     *
     * @throws IllegalArgumentException when they change a {@linkplain #PROTECTED protected} setting
     */
    public static StreamsOverrides of(final Map<String, String> properties) {
        SecretRedaction.register(properties);
        final StreamsOverrides overrides = new StreamsOverrides(properties, Optional.empty());
        overrides.requireNothingProtected();
        return overrides;
    }

    /**
     * Refuses client properties (from {@code --kafka-config}, which Kafka Streams receives too) that would change a
     * protected Streams setting.
     *
     * @param origin where they come from, for the message
     */
    public static void requireNothingProtected(final Map<String, String> properties, final String origin) {
        final List<String> conflicts = KafkaClientSettings.conflicts(properties, PROTECTED);
        if (!conflicts.isEmpty()) {
            throw new IllegalArgumentException(origin + " changes settings dora's pipeline relies on: "
                    + String.join("; ", conflicts));
        }
    }

    private void requireNothingProtected() {
        requireNothingProtected(properties, origin());
    }

    /** Sorted, unmodifiable. */
    public Map<String, String> properties() {
        return properties;
    }

    public Optional<String> get(final String key) {
        return Optional.ofNullable(properties.get(key));
    }

    /** These overrides less one key, e.g. one that a command-line option sets instead. */
    public StreamsOverrides without(final String key) {
        final Map<String, String> rest = new TreeMap<>(properties);
        rest.remove(key);
        return new StreamsOverrides(rest, file);
    }

    public Optional<Path> file() {
        return file;
    }

    /** {@code --streams-config /path}, or {@code the Streams overrides} when they did not come from a file. */
    public String origin() {
        return file.map(path -> "--streams-config " + path).orElse("the Streams overrides");
    }

    @Override
    public boolean equals(final Object other) {
        return other instanceof StreamsOverrides that && properties.equals(that.properties) && file.equals(that.file);
    }

    @Override
    public int hashCode() {
        return Objects.hash(properties, file);
    }

    /** The overrides with every secret value hidden. */
    @Override
    public String toString() {
        return "StreamsOverrides" + SecretRedaction.redact(properties) + file.map(path -> " from " + path).orElse("");
    }

    private static List<Required> protectedSettings() {
        final List<Required> settings = new ArrayList<>(List.of(
                new Required(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2, EXACTLY_ONCE),
                new Required(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true,
                        "every store and internal topic keeps its name across releases, so that state survives "
                                + "an upgrade"),
                Required.absent(StreamsConfig.APPLICATION_ID_CONFIG, "the application id carries a fingerprint of "
                        + "the metric definitions: a change of definitions starts a new computation instead of "
                        + "mixing two"),
                Required.absent(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG,
                        "give the cluster with --bootstrap-servers or in --kafka-config"),
                Required.absent(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG,
                        "every topic and store of the pipeline names its own serdes"),
                Required.absent(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG,
                        "every topic and store of the pipeline names its own serdes"),
                new Required(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                        LogAndContinueExceptionHandler.class, DEAD_LETTERS),
                new Required(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
                        LogAndContinueProcessingExceptionHandler.class, DEAD_LETTERS),
                new Required(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true, DEAD_LETTERS),
                new Required(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, Topics.DEAD_LETTER.name(),
                        DEAD_LETTERS),
                Required.absent(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
                        "a result that cannot be written must stop processing, never be dropped")));
        // the same client settings reach Streams' clients with or without a prefix
        for (final String prefix : List.of("", "main.consumer.", "restore.consumer.", "global.consumer.",
                "consumer.")) {
            settings.add(new Required(prefix + ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                    EXACTLY_ONCE));
        }
        for (final String prefix : List.of("", "producer.")) {
            settings.add(new Required(prefix + ProducerConfig.ACKS_CONFIG, "all", EXACTLY_ONCE));
            settings.add(new Required(prefix + ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, EXACTLY_ONCE));
            settings.add(Required.absent(prefix + ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                    "Kafka Streams names its own transactions"));
        }
        return List.copyOf(settings);
    }
}
