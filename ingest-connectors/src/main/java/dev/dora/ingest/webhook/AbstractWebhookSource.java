package dev.dora.ingest.webhook;

import java.util.Optional;

/**
 * What every webhook source shares: its name and the variable of its secret, and refusing every request while no
 * secret is configured, so that a source's {@link #verifyWith} only ever sees a real secret.
 */
public abstract class AbstractWebhookSource implements WebhookSource {

    private final String name;
    private final String secretVariable;

    /**
     * @param name           the path segment, {@code POST /webhooks/<name>}
     * @param secretVariable the environment variable holding the secret, e.g. {@code DORA_GITHUB_SECRET}
     */
    protected AbstractWebhookSource(final String name, final String secretVariable) {
        this.name = name;
        this.secretVariable = secretVariable;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String secretVariable() {
        return secretVariable;
    }

    @Override
    public final Optional<String> verify(final WebhookRequest request, final byte[] secret) {
        if (secret == null || secret.length == 0) {
            return Optional.of("no secret is configured for " + name + " webhooks (set " + secretVariable + ")");
        }
        return verifyWith(request, secret);
    }

    /**
     * Checks the request against the configured secret, in constant time.
     *
     * @param secret never empty
     * @return empty when authentic, else what is wrong (missing header, wrong signature…), never the secret
     */
    protected abstract Optional<String> verifyWith(WebhookRequest request, byte[] secret);
}
