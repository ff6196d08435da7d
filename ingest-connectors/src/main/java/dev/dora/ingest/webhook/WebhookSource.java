package dev.dora.ingest.webhook;

import dev.dora.ingest.InvalidEventException;
import dev.dora.ingest.catalog.ServiceCatalog;
import java.util.Optional;

/**
 * One provider's webhooks (GitHub, GitLab, PagerDuty, CDEvents): how to check that a request is authentic, how
 * to recognise a redelivery, and how to turn a payload into canonical events.
 */
public interface WebhookSource {

    /** The path segment: requests arrive at {@code POST /webhooks/<name>}. */
    String name();

    /** The environment variable holding this source's secret, e.g. {@code DORA_GITHUB_SECRET}. */
    String secretVariable();

    /**
     * Checks the request against the configured secret, in constant time.
     *
     * @return empty when authentic, else what is wrong (missing header, wrong signature…), never the secret
     */
    Optional<String> verify(WebhookRequest request, byte[] secret);

    /** The provider's id of this delivery, the same on a redelivery; null when the provider sends none. */
    String deliveryId(WebhookRequest request);

    /**
     * Maps an authentic request to canonical events.
     *
     * @throws InvalidEventException when the payload is malformed (not JSON, a required field missing, a timestamp
     *                               that cannot be parsed); its field names the JSON path
     */
    Mapping map(WebhookRequest request, ServiceCatalog catalog);
}
