package dev.dora.ingest.pagerduty;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dora.events.IncidentEvent;
import dev.dora.events.IncidentStatus;
import dev.dora.events.Severity;
import dev.dora.ingest.InvalidEventException;
import dev.dora.ingest.JsonFields;
import dev.dora.ingest.catalog.ServiceCatalog;
import dev.dora.ingest.webhook.AbstractWebhookSource;
import dev.dora.ingest.webhook.Mapping;
import dev.dora.ingest.webhook.Signatures;
import dev.dora.ingest.webhook.WebhookRequest;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PagerDuty V3 webhooks ({@code POST /webhooks/pagerduty}): incident triggered, resolved and reopened.
 *
 * <p>Authenticity: {@code X-PagerDuty-Signature: v1=<hex>[,v1=<hex>…]}, each value an HMAC-SHA256 of the raw
 * body; the request is authentic when any {@code v1} value matches the configured secret
 * ({@code DORA_PAGERDUTY_SECRET}), as PagerDuty sends one per active secret while a secret is rotated.
 * Redeliveries carry the same {@code X-Webhook-Id} (else the body's {@code event.id}). Every event of an incident
 * takes {@code event.occurred_at} as its {@code occurredAt}, so a redelivery maps to an identical event and the
 * latest PagerDuty event wins. The mapping is documented in {@code docs/CONNECTORS.md (PagerDuty)}.
 */
public final class PagerDutySource extends AbstractWebhookSource {

    /** The path segment and the {@code source} of the events produced. */
    public static final String NAME = "pagerduty";
    public static final String SECRET_VARIABLE = "DORA_PAGERDUTY_SECRET";
    public static final String SIGNATURE_HEADER = "X-PagerDuty-Signature";
    public static final String DELIVERY_HEADER = "X-Webhook-Id";
    /** PagerDuty incidents are production incidents. */
    public static final String INCIDENT_ENVIRONMENT = "production";

    private static final String SIGNATURE_PREFIX = "v1=";
    private static final Pattern PRIORITY = Pattern.compile("(?i)P([1-5])");

    public PagerDutySource() {
        super(NAME, SECRET_VARIABLE);
    }

    @Override
    protected Optional<String> verifyWith(final WebhookRequest request, final byte[] secret) {
        final String header = request.header(SIGNATURE_HEADER);
        if (header == null || header.isBlank()) {
            return Optional.of("missing " + SIGNATURE_HEADER + " header");
        }
        final byte[] expected = Signatures.hmacSha256(secret, request.body());
        boolean anyV1 = false;
        boolean matches = false;
        for (final String part : header.split(",")) {
            final String value = part.trim();
            if (!value.startsWith(SIGNATURE_PREFIX)) {
                continue;
            }
            anyV1 = true;
            final byte[] candidate = Signatures.decodeHex(value.substring(SIGNATURE_PREFIX.length())).orElse(null);
            // No early exit: every candidate is compared, in constant time.
            matches |= candidate != null && MessageDigest.isEqual(candidate, expected);
        }
        if (!anyV1) {
            return Optional.of(SIGNATURE_HEADER + " has no v1=<hex> signature");
        }
        return matches ? Optional.empty() : Optional.of(SIGNATURE_HEADER + " does not match");
    }

    @Override
    public String deliveryId(final WebhookRequest request) {
        final String header = request.trimmedHeader(DELIVERY_HEADER);
        if (header != null) {
            return header;
        }
        try {
            final JsonNode id = request.json().path("event").path("id");
            return id.isTextual() && !id.textValue().isBlank() ? id.textValue() : null;
        } catch (final InvalidEventException e) {
            return null;
        }
    }

    @Override
    public Mapping map(final WebhookRequest request, final ServiceCatalog catalog) {
        final JsonFields event = JsonFields.root(request.json()).object("event");
        final String type = event.text("event_type");
        final IncidentStatus status;
        switch (type) {
            case "incident.triggered":
            case "incident.reopened":
                status = IncidentStatus.open;
                break;
            case "incident.resolved":
                status = IncidentStatus.resolved;
                break;
            default:
                return Mapping.ignored("PagerDuty event type '" + type + "' does not open or resolve an incident");
        }
        final Instant occurredAt = event.instant("occurred_at");
        final JsonFields data = event.object("data");
        final String id = "pagerduty-" + data.text("id");
        final String summary = data.object("service").text("summary");
        final Instant createdAt = data.optionalInstant("created_at");
        final Instant openedAt;
        if (createdAt != null) {
            openedAt = createdAt;
        } else if (status == IncidentStatus.open) {
            openedAt = occurredAt;
        } else {
            // Without it the time to restore is unknown; guessing would record a wrong one, and the resolved event,
            // being the latest, would overwrite the triggered event's openedAt.
            throw new InvalidEventException(data.path("created_at"), "required for incident.resolved:"
                    + " the time to restore is resolution (event.occurred_at) minus creation");
        }
        final Optional<ServiceCatalog.Entry> entry = catalog == null
                ? Optional.empty()
                : catalog.forPagerDuty(summary);
        final String service = entry.map(ServiceCatalog.Entry::name).orElse(summary);
        final IncidentEvent incident = IncidentEvent.newBuilder()
                .setId(id)
                .setService(service)
                .setTeam(entry.map(ServiceCatalog.Entry::team).orElse(null))
                .setSource(NAME)
                .setOccurredAt(occurredAt)
                .setEnvironment(INCIDENT_ENVIRONMENT)
                .setStatus(status)
                .setOpenedAt(openedAt)
                .setResolvedAt(status == IncidentStatus.resolved ? occurredAt : null)
                .setSeverity(severity(data))
                .build();
        return Mapping.of(List.of(incident), entry.isPresent() ? List.of() : List.of(service));
    }

    /** {@code priority.summary} P1..P5 → SEV1..SEV5; else urgency high → SEV2, low → SEV4; else none. */
    static Severity severity(final JsonFields data) {
        final JsonFields priority = data.optionalObject("priority");
        final String summary = priority == null ? null : priority.optionalText("summary");
        if (summary != null) {
            final Matcher matcher = PRIORITY.matcher(summary.trim());
            if (matcher.matches()) {
                return Severity.valueOf("SEV" + matcher.group(1));
            }
        }
        final String urgency = data.optionalText("urgency");
        if (urgency == null) {
            return null;
        }
        switch (urgency.toLowerCase(Locale.ROOT)) {
            case "high":
                return Severity.SEV2;
            case "low":
                return Severity.SEV4;
            default:
                return null;
        }
    }
}
