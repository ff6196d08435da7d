package dev.dora.schema;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.UnsupportedSaslMechanismException;

/**
 * Connects to the cluster once at start-up, before anything else is created, so that a wrong password, an untrusted
 * certificate or the wrong listener is reported in one clear sentence naming the servers, the listener's security
 * protocol and the SASL mechanism, instead of surfacing later as a timeout deep inside Kafka Streams.
 */
public final class KafkaConnectionCheck {

    private KafkaConnectionCheck() {
    }

    /**
     * Asks the cluster for its nodes with an admin client built from {@code settings}.
     *
     * @throws KafkaConnectionException with a message saying what is wrong and which setting to check
     */
    public static void verify(final KafkaClientSettings settings, final Duration timeout)
            throws InterruptedException {
        final int millis = (int) timeout.toMillis();
        final Map<String, Object> config = settings.configFor("the start-up connection check", Map.of(
                AdminClientConfig.CLIENT_ID_CONFIG, "dora-connection-check",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(millis, 15_000),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis));
        try (Admin admin = Admin.create(config)) {
            admin.describeCluster().nodes().get(millis + 1_000L, TimeUnit.MILLISECONDS);
        } catch (final ExecutionException e) {
            throw new KafkaConnectionException(describe(settings, e.getCause(), timeout), e.getCause());
        } catch (final TimeoutException | KafkaException e) {
            throw new KafkaConnectionException(describe(settings, e, timeout), e);
        }
    }

    /** One sentence for a failure to connect with these settings; secret values never appear in it. */
    public static String describe(final KafkaClientSettings settings, final Throwable failure,
                                  final Duration timeout) {
        final String listener = "Kafka at " + settings.bootstrapServers() + " (" + settings.securityProtocol()
                + " listener" + settings.saslMechanism().map(m -> ", SASL mechanism " + m).orElse("") + ")";
        final String refused = refusal(listener, settings.origin(), failure);
        if (refused != null) {
            return refused;
        }
        final String unusable = unusableSettings(listener, settings.origin(), failure);
        if (unusable != null) {
            return unusable;
        }
        if (failure instanceof TimeoutException || find(failure,
                org.apache.kafka.common.errors.TimeoutException.class) != null) {
            return "cannot reach " + listener + " within " + timeout.toSeconds() + " s; is the cluster up, and is "
                    + settings.securityProtocol() + " the protocol of the listener at that address "
                    + "(security.protocol in " + settings.origin() + ")?";
        }
        return "cannot connect to " + listener + ": " + clean(deepest(failure));
    }

    /** The cluster answered but refused: credentials, mechanism, certificate or permissions; else null. */
    private static String refusal(final String listener, final String origin, final Throwable failure) {
        final Throwable sasl = find(failure, SaslAuthenticationException.class);
        if (sasl != null) {
            return listener + " refused dora's credentials: " + clean(sasl) + "; check the user name and password in "
                    + "sasl.jaas.config of " + origin;
        }
        final Throwable mechanism = find(failure, UnsupportedSaslMechanismException.class);
        if (mechanism != null) {
            return listener + " does not offer that SASL mechanism: " + clean(mechanism) + "; check sasl.mechanism in "
                    + origin;
        }
        final Throwable tls = find(failure, SslAuthenticationException.class);
        if (tls != null) {
            return "the TLS handshake with " + listener + " failed: " + clean(deepest(tls))
                    + "; check ssl.truststore.* (and ssl.keystore.* when the broker asks for a client certificate) in "
                    + origin;
        }
        final Throwable authorization = find(failure, AuthorizationException.class);
        if (authorization != null) {
            return listener + " denied dora an operation: " + clean(authorization) + "; grant the user the ACLs "
                    + "listed in docs/OPERATIONS.md";
        }
        return null;
    }

    /** No client could be built from the settings: invalid values, a store that does not open; else null. */
    private static String unusableSettings(final String listener, final String origin, final Throwable failure) {
        final Throwable config = find(failure, ConfigException.class);
        if (config != null) {
            return "the Kafka client settings of " + origin + " are not valid: " + clean(config);
        }
        final Throwable store = findMessage(failure, "keystore");
        if (store != null) {
            final boolean wrongPassword = find(failure, java.security.UnrecoverableKeyException.class) != null
                    || find(failure, javax.crypto.BadPaddingException.class) != null
                    || findMessage(failure, "password was incorrect") != null;
            final String detail = wrongPassword ? ": the password does not open it"
                    : store == deepest(failure) ? "" : ": " + clean(deepest(failure));
            return "cannot open the TLS trust store or key store for " + listener + ": " + clean(store) + detail
                    + "; check ssl.truststore.* and ssl.keystore.* (locations and passwords) in " + origin;
        }
        if (failure instanceof KafkaException && failure.getCause() != null) {
            // a client that could not even be built, e.g. a JAAS text that does not parse
            return "cannot create a Kafka client for " + listener + " with " + origin + ": " + clean(failure) + ": "
                    + clean(deepest(failure));
        }
        return null;
    }

    private static Throwable find(final Throwable failure, final Class<? extends Throwable> type) {
        for (Throwable current = failure; current != null; current = current.getCause()) {
            if (type.isInstance(current)) {
                return current;
            }
            if (current.getCause() == current) {
                break;
            }
        }
        return null;
    }

    /** The outermost failure whose message mentions {@code word}, ignoring case. */
    private static Throwable findMessage(final Throwable failure, final String word) {
        for (Throwable current = failure; current != null; current = current.getCause()) {
            if (current.getMessage() != null && current.getMessage().toLowerCase(java.util.Locale.ROOT)
                    .contains(word)) {
                return current;
            }
            if (current.getCause() == current) {
                break;
            }
        }
        return null;
    }

    private static Throwable deepest(final Throwable failure) {
        Throwable current = failure;
        while (current.getCause() != null && current.getCause() != current) {
            current = current.getCause();
        }
        return current;
    }

    private static String clean(final Throwable failure) {
        final String message = failure.getMessage();
        return SecretRedaction.scrub(message == null || message.isBlank() ? failure.getClass().getSimpleName()
                : message.trim());
    }

    /** dora cannot use the Kafka cluster with the settings it was given. */
    public static final class KafkaConnectionException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        public KafkaConnectionException(final String message, final Throwable cause) {
            super(message, cause);
        }
    }
}
