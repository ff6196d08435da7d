package dev.dora.ingest.pagerduty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dora.events.IncidentEvent;
import dev.dora.events.IncidentStatus;
import dev.dora.events.Severity;
import dev.dora.ingest.CanonicalEvents;
import dev.dora.ingest.InvalidEventException;
import dev.dora.ingest.catalog.ServiceCatalog;
import dev.dora.ingest.webhook.Mapping;
import dev.dora.ingest.webhook.WebhookRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Tag("unit")
class PagerDutySourceTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String SECRET = "pd-subscription-secret-2026";
    static final String OLD_SECRET = "pd-subscription-secret-2025";
    static final String INCIDENT = "pagerduty-Q0RIJJZL24RC6W";
    static final ServiceCatalog CATALOG = new ServiceCatalog(List.of(new ServiceCatalog.Entry("checkout", "payments",
            List.of("acme/payments/checkout-api"), List.of("checkout api"), List.of())), List.of("production"));

    final PagerDutySource source = new PagerDutySource();

    static byte[] bytes(final String fixture) {
        try (InputStream in = PagerDutySourceTest.class.getResourceAsStream("/webhooks/pagerduty/" + fixture)) {
            return in.readAllBytes();
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectNode json(final String fixture) {
        try {
            return (ObjectNode) JSON.readTree(bytes(fixture));
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectNode data(final ObjectNode body) {
        return (ObjectNode) body.get("event").get("data");
    }

    /** Computed independently of the production helper: HMAC-SHA256 of the raw body, lower-case hex. */
    static String sign(final String secret, final byte[] body) {
        try {
            final Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "v1=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (final Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static WebhookRequest request(final byte[] body, final String... headers) {
        final Map<String, String> all = new HashMap<>();
        all.put("Content-Type", "application/json");
        all.put("X-PagerDuty-Signature", sign(SECRET, body));
        for (int i = 0; i < headers.length; i += 2) {
            if (headers[i + 1] == null) {
                all.remove(headers[i]);
            } else {
                all.put(headers[i], headers[i + 1]);
            }
        }
        return new WebhookRequest(all, body);
    }

    static byte[] serialize(final ObjectNode body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Mapping map(final String fixture, final Consumer<ObjectNode> change) {
        final ObjectNode body = json(fixture);
        change.accept(body);
        return source.map(request(serialize(body)), ServiceCatalog.empty());
    }

    IncidentEvent incident(final String fixture, final Consumer<ObjectNode> change) {
        final Mapping mapping = revalidated(map(fixture, change));
        assertEquals(1, mapping.events().size());
        return (IncidentEvent) mapping.events().get(0);
    }

    InvalidEventException rejected(final String fixture, final Consumer<ObjectNode> change) {
        return assertThrows(InvalidEventException.class, () -> map(fixture, change));
    }

    static Mapping revalidated(final Mapping mapping) {
        assertNull(mapping.ignored(), "ignored");
        for (final SpecificRecord event : mapping.events()) {
            assertEquals(event, CanonicalEvents.parse(CanonicalEvents.toJson(event)));
        }
        return mapping;
    }

    @Test
    void identifiesItself() {
        assertEquals("pagerduty", source.name());
        assertEquals("DORA_PAGERDUTY_SECRET", source.secretVariable());
    }

    @Nested
    class Verification {

        final byte[] secret = SECRET.getBytes(StandardCharsets.UTF_8);
        final byte[] body = bytes("incident.triggered.json");

        @Test
        void acceptsTheSignatureOfTheRawBody() {
            assertEquals(Optional.empty(), source.verify(request(body), secret));
        }

        @Test
        void acceptsAnyOfSeveralSignaturesDuringRotation() {
            final String current = sign(SECRET, body);
            final String old = sign(OLD_SECRET, body);
            for (final String header : List.of(old + "," + current, current + "," + old, old + ", " + current,
                    "v1=zz," + current, current.toUpperCase(Locale.ROOT).replace("V1=", "v1="))) {
                assertEquals(Optional.empty(), source.verify(request(body, "X-PagerDuty-Signature", header), secret),
                        header);
            }
            // and the old secret's side of the rotation accepts the same header
            assertEquals(Optional.empty(), source.verify(request(body, "X-PagerDuty-Signature",
                    old + "," + current), OLD_SECRET.getBytes(StandardCharsets.UTF_8)));
        }

        @Test
        void rejectsAMissingSignature() {
            assertEquals(Optional.of("missing X-PagerDuty-Signature header"),
                    source.verify(request(body, "X-PagerDuty-Signature", null), secret));
            assertEquals(Optional.of("X-PagerDuty-Signature has no v1=<hex> signature"),
                    source.verify(request(body, "X-PagerDuty-Signature", "v0=abcdef"), secret));
            assertEquals(Optional.of("X-PagerDuty-Signature has no v1=<hex> signature"), source.verify(request(body,
                    "X-PagerDuty-Signature", "sha256=" + sign(SECRET, body).substring(3)), secret));
        }

        @Test
        void rejectsWrongSignatures() {
            final String tampered = sign(SECRET, "{\"event\":{}}".getBytes(StandardCharsets.UTF_8));
            for (final String header : List.of(sign(OLD_SECRET, body), sign(OLD_SECRET, body) + "," + tampered,
                    "v1=", "v1=not-hex", sign(SECRET, body).substring(0, 40), " v1=" + sign(SECRET, body).substring(3, 60),
                    "v2=abc," + sign(OLD_SECRET, body))) {
                assertEquals(Optional.of("X-PagerDuty-Signature does not match"),
                        source.verify(request(body, "X-PagerDuty-Signature", header), secret), header);
            }
        }

        @Test
        void rejectsAModifiedBody() {
            final byte[] modified = new String(body, StandardCharsets.UTF_8)
                    .replace("incident.triggered", "incident.resolved").getBytes(StandardCharsets.UTF_8);
            assertEquals(Optional.of("X-PagerDuty-Signature does not match"),
                    source.verify(request(modified, "X-PagerDuty-Signature", sign(SECRET, body)), secret));
        }

        @Test
        void refusesWithoutASecretAndNeverEchoesIt() {
            assertTrue(source.verify(request(body), new byte[0]).orElseThrow().contains("DORA_PAGERDUTY_SECRET"));
            final String problem = source.verify(request(body), OLD_SECRET.getBytes(StandardCharsets.UTF_8))
                    .orElseThrow();
            assertFalse(problem.contains(OLD_SECRET) || problem.contains(SECRET), problem);
        }

        @Test
        void deliveryIdIsTheWebhookIdElseTheEventId() {
            assertEquals("d7c1a3f0-5b2e-4c8d-9e6f-0a1b2c3d4e5f",
                    source.deliveryId(request(body, "X-Webhook-Id", "d7c1a3f0-5b2e-4c8d-9e6f-0a1b2c3d4e5f")));
            assertEquals("01FQ8ZXK3M2N4P5R6S7T8V9W0X", source.deliveryId(request(body)));
            assertNull(source.deliveryId(request("not json".getBytes(StandardCharsets.UTF_8))));
        }
    }

    @Nested
    class Mapping_ {

        @Test
        void triggeredOpensTheIncident() {
            final Mapping mapping = revalidated(source.map(request(bytes("incident.triggered.json")),
                    ServiceCatalog.empty()));
            final IncidentEvent incident = (IncidentEvent) mapping.events().get(0);
            assertEquals(INCIDENT, incident.getId());
            assertEquals(IncidentStatus.open, incident.getStatus());
            assertEquals("production", incident.getEnvironment());
            assertEquals(Instant.parse("2026-03-02T13:04:58Z"), incident.getOpenedAt(), "data.created_at");
            assertEquals(Instant.parse("2026-03-02T13:04:58.613Z"), incident.getOccurredAt(), "event.occurred_at");
            assertNull(incident.getResolvedAt());
            assertEquals(Severity.SEV2, incident.getSeverity(), "no priority, urgency high");
            assertEquals("Checkout API", incident.getService());
            assertNull(incident.getTeam());
            assertEquals("pagerduty", incident.getSource());
            assertNull(incident.getCauseSha());
            assertNull(incident.getCauseDeploymentId());
            assertEquals(List.of("Checkout API"), mapping.unmappedServices());
        }

        @Test
        void triggeredWithoutCreatedAtOpensAtTheEvent() {
            final IncidentEvent incident = incident("incident.triggered.json", b -> data(b).remove("created_at"));
            assertEquals(Instant.parse("2026-03-02T13:04:58.613Z"), incident.getOpenedAt());
        }

        @Test
        void resolvedAtTheEventsOccurrence() {
            final IncidentEvent incident = incident("incident.resolved.json", b -> { });
            assertEquals(INCIDENT, incident.getId());
            assertEquals(IncidentStatus.resolved, incident.getStatus());
            assertEquals(Instant.parse("2026-03-02T13:04:58Z"), incident.getOpenedAt());
            assertEquals(Instant.parse("2026-03-02T14:39:15.237Z"), incident.getResolvedAt());
            assertEquals(Instant.parse("2026-03-02T14:39:15.237Z"), incident.getOccurredAt());
            assertEquals(Severity.SEV1, incident.getSeverity(), "priority P1");
        }

        @Test
        void reopenedOpensAgain() {
            final IncidentEvent incident = incident("incident.resolved.json", b -> {
                ((ObjectNode) b.get("event")).put("event_type", "incident.reopened")
                        .put("occurred_at", "2026-03-02T16:10:00.000Z");
                data(b).put("status", "triggered");
            });
            assertEquals(IncidentStatus.open, incident.getStatus());
            assertEquals(Instant.parse("2026-03-02T16:10:00Z"), incident.getOccurredAt());
            assertEquals(Instant.parse("2026-03-02T13:04:58Z"), incident.getOpenedAt());
            assertNull(incident.getResolvedAt());
        }

        @Test
        void aRedeliveryMapsToTheSameEvent() {
            final byte[] body = bytes("incident.resolved.json");
            final Mapping first = source.map(request(body), ServiceCatalog.empty());
            final Mapping again = source.map(new WebhookRequest(Map.of("X-Webhook-Id", "x"), body),
                    ServiceCatalog.empty());
            assertEquals(first, again);
        }

        @Test
        void usesTheCatalog() {
            final Mapping mapping = revalidated(source.map(request(bytes("incident.triggered.json")), CATALOG));
            final IncidentEvent incident = (IncidentEvent) mapping.events().get(0);
            assertEquals("checkout", incident.getService());
            assertEquals("payments", incident.getTeam());
            assertEquals(List.of(), mapping.unmappedServices());
        }

        @ParameterizedTest
        @CsvSource(nullValues = "-", value = {
                "P1, high, SEV1", "P2, low, SEV2", "P3, high, SEV3", "p4, -, SEV4", "P5, high, SEV5",
                "-, high, SEV2", "-, low, SEV4", "-, -, -", "Critical, low, SEV4", "P0, high, SEV2", "-, medium, -"})
        void severityFromPriorityElseUrgency(final String priority, final String urgency, final Severity expected) {
            final IncidentEvent incident = incident("incident.triggered.json", b -> {
                if (priority == null) {
                    data(b).putNull("priority");
                } else {
                    data(b).putObject("priority").put("id", "PPRIO09").put("summary", priority)
                            .put("type", "priority_reference");
                }
                if (urgency == null) {
                    data(b).remove("urgency");
                } else {
                    data(b).put("urgency", urgency);
                }
            });
            assertEquals(expected, incident.getSeverity());
        }

        @Test
        void ignoresOtherEventTypesNamingThem() {
            final Mapping acknowledged = source.map(request(bytes("incident.acknowledged.json")),
                    ServiceCatalog.empty());
            assertEquals(List.of(), acknowledged.events());
            assertTrue(acknowledged.ignored().contains("'incident.acknowledged'"), acknowledged.ignored());
            for (final String type : List.of("incident.annotated", "incident.priority_updated", "pagey.ping",
                    "service.updated")) {
                final Mapping mapping = map("incident.acknowledged.json",
                        b -> ((ObjectNode) b.get("event")).put("event_type", type));
                assertTrue(mapping.ignored().contains("'" + type + "'"), mapping.ignored());
            }
        }

        @Test
        void rejectsMalformedPayloadsNamingTheField() {
            assertEquals("event.data.created_at", rejected("incident.resolved.json",
                    b -> data(b).remove("created_at")).field());
            assertEquals("event.data.created_at", rejected("incident.resolved.json",
                    b -> data(b).put("created_at", "2026-03-02 13:04:58")).field());
            assertEquals("event.occurred_at", rejected("incident.triggered.json",
                    b -> ((ObjectNode) b.get("event")).put("occurred_at", "2026-03-02 13:04:58 UTC")).field());
            assertEquals("event.occurred_at", rejected("incident.triggered.json",
                    b -> ((ObjectNode) b.get("event")).remove("occurred_at")).field());
            assertEquals("event.data.service.summary", rejected("incident.triggered.json",
                    b -> ((ObjectNode) data(b).get("service")).remove("summary")).field());
            assertEquals("event.data.id", rejected("incident.triggered.json", b -> data(b).put("id", 42)).field());
            assertEquals("event.data", rejected("incident.triggered.json",
                    b -> ((ObjectNode) b.get("event")).remove("data")).field());
            assertEquals("event.event_type", rejected("incident.triggered.json",
                    b -> ((ObjectNode) b.get("event")).remove("event_type")).field());
            assertEquals("event", rejected("incident.triggered.json", b -> b.remove("event")).field());
            assertEquals("body", assertThrows(InvalidEventException.class, () -> source.map(
                    request("{\"event\":".getBytes(StandardCharsets.UTF_8)), ServiceCatalog.empty())).field());
        }
    }
}
