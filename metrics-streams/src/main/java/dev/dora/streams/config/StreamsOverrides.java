package dev.dora.streams.config;

import dev.dora.schema.KafkaClientSettings;
import dev.dora.schema.SecretRedaction;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The {@code --streams-config} file: any Kafka Streams property ({@code num.standby.replicas},
 * {@code group.protocol}, {@code state.dir}, {@code commit.interval.ms}, prefixed client settings, ...), applied last
 * over dora's own. Which settings it may not change, and the check, are {@code dev.dora.streams.StreamsProperties}'s:
 * this class only holds the file's content, with its secrets hidden from {@link #toString()}.
 */
public final class StreamsOverrides {

    /** No overrides. */
    public static final StreamsOverrides NONE = new StreamsOverrides(Map.of(), Optional.empty());

    private final Map<String, String> properties;
    private final Optional<Path> file;

    private StreamsOverrides(final Map<String, String> properties, final Optional<Path> file) {
        this.properties = Collections.unmodifiableMap(new TreeMap<>(properties));
        this.file = file;
    }

    /**
     * Reads a {@code --streams-config} file.
     *
     * @throws IllegalArgumentException naming the file when it cannot be read
     */
    public static StreamsOverrides load(final Path file) {
        return new StreamsOverrides(KafkaClientSettings.readProperties(file, "--streams-config"),
                Optional.of(file.toAbsolutePath().normalize()));
    }

    /** These properties as overrides. */
    public static StreamsOverrides of(final Map<String, String> properties) {
        SecretRedaction.register(properties);
        return new StreamsOverrides(properties, Optional.empty());
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

    /** These overrides with {@code key} set to {@code value}, e.g. a setting a command-line option gives. */
    public StreamsOverrides with(final String key, final String value) {
        final Map<String, String> more = new TreeMap<>(properties);
        more.put(key, value);
        return new StreamsOverrides(more, file);
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
}
