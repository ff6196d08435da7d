package dev.dora.schema;

import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;

/**
 * Keeps secrets from configuration files out of dora's own messages, exceptions and logs.
 *
 * <p>Kafka prints its password-type settings as {@code [hidden]} when it logs a client's configuration; this class
 * does the same for dora: a key is secret when Kafka types it as a password (for producers, consumers or admin
 * clients, with or without a Streams client prefix such as {@code producer.}) or when its name says so
 * ({@code password}, {@code secret}, {@code jaas}, {@code token}, {@code credential}, a {@code .key}). The values of
 * secret keys loaded from a file are also {@linkplain #register registered}, so that {@link #scrub} can remove them
 * from any text, e.g. the message of an exception thrown deep inside a client, before dora prints or logs it.
 */
public final class SecretRedaction {

    /** What a secret value is replaced with, as Kafka's own configuration logging does. */
    public static final String HIDDEN = "[hidden]";

    private static final Set<String> PASSWORD_KEYS = Stream.of(
                    ProducerConfig.configDef(), ConsumerConfig.configDef(), AdminClientConfig.configDef())
            .flatMap(def -> def.configKeys().values().stream())
            .filter(key -> key.type == ConfigDef.Type.PASSWORD)
            .map(key -> key.name)
            .collect(Collectors.toUnmodifiableSet());

    /** Kafka Streams passes settings with these prefixes to one kind of its internal clients. */
    private static final Pattern CLIENT_PREFIX = Pattern.compile(
            "^(main\\.consumer\\.|restore\\.consumer\\.|global\\.consumer\\.|consumer\\.|producer\\.|admin\\.)");

    private static final Pattern SECRET_NAME = Pattern.compile(
            "password|secret|jaas|token|credential|\\.key$|apikey|api\\.key");

    /** {@code password="..."} and the like inside a JAAS configuration or any other text. */
    private static final Pattern INLINE_SECRET = Pattern.compile(
            "(?i)((?:password|secret|token)\\s*[=:]\\s*)(\"[^\"]*\"|'[^']*'|[^\\s;,\"']+)");

    /** Registered secret values, longest first so that a value containing another is replaced whole. */
    private static final Set<String> VALUES = ConcurrentHashMap.newKeySet();

    /** Shorter values would turn ordinary words into {@value #HIDDEN}; such secrets are not secrets anyway. */
    private static final int MIN_REGISTERED_LENGTH = 4;

    private SecretRedaction() {
    }

    /** Whether the value of this configuration key must never be shown. */
    public static boolean isSecret(final String key) {
        final String name = key.trim().toLowerCase(Locale.ROOT);
        final String unprefixed = CLIENT_PREFIX.matcher(name).replaceFirst("");
        // listener-scoped broker settings (listener.name.x.scram-sha-512.sasl.jaas.config) end in a client key
        return PASSWORD_KEYS.contains(unprefixed) || PASSWORD_KEYS.stream().anyMatch(name::endsWith)
                || SECRET_NAME.matcher(name).find();
    }

    /** The same entries, sorted, with every secret value replaced by {@value #HIDDEN}. */
    public static Map<String, String> redact(final Map<String, String> properties) {
        final Map<String, String> shown = new TreeMap<>();
        properties.forEach((key, value) -> shown.put(key, isSecret(key) ? HIDDEN : value));
        return shown;
    }

    /** Remembers the secret values among these properties, so that {@link #scrub} removes them from any text. */
    public static void register(final Map<String, String> properties) {
        properties.forEach((key, value) -> {
            if (isSecret(key) && value != null) {
                registerValue(value.trim());
                // a JAAS configuration holds its password inside; register that too
                final Matcher inline = INLINE_SECRET.matcher(value);
                while (inline.find()) {
                    registerValue(unquote(inline.group(2)));
                }
            }
        });
    }

    private static void registerValue(final String value) {
        if (value.length() >= MIN_REGISTERED_LENGTH) {
            VALUES.add(value);
        }
    }

    private static String unquote(final String value) {
        final boolean quoted = value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
                || value.startsWith("'") && value.endsWith("'"));
        return quoted ? value.substring(1, value.length() - 1) : value;
    }

    /** The text with every registered secret value and every inline {@code password=...} replaced. */
    public static String scrub(final String text) {
        if (text == null) {
            return null;
        }
        String result = text;
        for (final String value : VALUES.stream().sorted(Comparator.comparingInt(String::length).reversed())
                .toList()) {
            result = result.replace(value, HIDDEN);
        }
        return INLINE_SECRET.matcher(result).replaceAll(match -> Matcher.quoteReplacement(match.group(1) + HIDDEN));
    }

    /**
     * A copy of the failure whose messages (its own and its causes') are {@linkplain #scrub scrubbed}, with the same
     * stack traces, for logging a failure that may quote a secret.
     */
    public static Throwable scrub(final Throwable failure) {
        if (failure == null) {
            return null;
        }
        final RedactedFailure copy = new RedactedFailure(failure.getClass().getName()
                + (failure.getMessage() == null ? "" : ": " + scrub(failure.getMessage())),
                failure.getCause() == failure ? null : scrub(failure.getCause()));
        copy.setStackTrace(failure.getStackTrace());
        return copy;
    }

    /** Stands in for a failure whose message was scrubbed; its message starts with the original's class name. */
    static final class RedactedFailure extends Exception {
        private static final long serialVersionUID = 1L;

        RedactedFailure(final String message, final Throwable cause) {
            super(message, cause, false, true);
        }

        @Override
        public String toString() {
            return getMessage();
        }
    }
}
