package dev.dora.ingest.webhook;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The secret of each webhook source: from configuration (by source name) or else from the source's environment
 * variable ({@link WebhookSource#secretVariable()}). Blank values count as not configured. {@link #toString()}
 * says which sources have a secret, never what it is.
 */
public final class WebhookSecrets {

    private final Map<String, byte[]> secrets;
    private final Map<String, String> origins;

    private WebhookSecrets(final Map<String, byte[]> secrets, final Map<String, String> origins) {
        this.secrets = secrets;
        this.origins = origins;
    }

    /**
     * @param configured  secrets by source name (e.g. from a configuration file); these win
     * @param environment the process environment, read for each source's {@link WebhookSource#secretVariable()}
     * @param sources     the sources that may have a secret
     */
    public static WebhookSecrets of(final Map<String, String> configured, final Map<String, String> environment,
                                    final List<WebhookSource> sources) {
        final Map<String, byte[]> secrets = new TreeMap<>();
        final Map<String, String> origins = new TreeMap<>();
        for (final WebhookSource source : sources) {
            final String fromConfiguration = configured.get(source.name());
            final String fromEnvironment = environment.get(source.secretVariable());
            if (fromConfiguration != null && !fromConfiguration.isBlank()) {
                secrets.put(source.name(), fromConfiguration.getBytes(StandardCharsets.UTF_8));
                origins.put(source.name(), "configured");
            } else if (fromEnvironment != null && !fromEnvironment.isBlank()) {
                secrets.put(source.name(), fromEnvironment.getBytes(StandardCharsets.UTF_8));
                origins.put(source.name(), "from " + source.secretVariable());
            } else {
                origins.put(source.name(), "missing");
            }
        }
        return new WebhookSecrets(Map.copyOf(secrets), Map.copyOf(origins));
    }

    /** No secret for any source. */
    public static WebhookSecrets none() {
        return new WebhookSecrets(Map.of(), Map.of());
    }

    /** The source's secret (a copy), or empty when none is configured. */
    public Optional<byte[]> secret(final String source) {
        final byte[] secret = secrets.get(source);
        return secret == null ? Optional.empty() : Optional.of(secret.clone());
    }

    /** E.g. {@code WebhookSecrets{github=from DORA_GITHUB_SECRET, gitlab=missing}}. */
    @Override
    public String toString() {
        return "WebhookSecrets" + new TreeMap<>(origins).toString();
    }
}
