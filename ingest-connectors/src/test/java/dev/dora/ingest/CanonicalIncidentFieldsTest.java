package dev.dora.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dora.events.DeploymentEvent;
import dev.dora.events.IncidentEvent;
import java.time.Instant;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The optional fields added for the incident and rework metrics: detectedAt on incidents, hotfix on deployments. */
@Tag("unit")
class CanonicalIncidentFieldsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Object parse(final String json) throws Exception {
        return CanonicalEvents.parse(JSON.readTree(json));
    }

    @Test
    void detectedAtIsKeptAndMustNotPrecedeTheOpening() throws Exception {
        final String incident = "{\"type\":\"incident\",\"id\":\"i1\",\"service\":\"shop\","
                + "\"occurredAt\":\"2026-10-01T12:00:00Z\",\"environment\":\"production\",\"status\":\"open\","
                + "\"openedAt\":\"2026-10-01T11:00:00Z\",\"detectedAt\":\"%s\"}";
        final IncidentEvent event = (IncidentEvent) parse(String.format(incident, "2026-10-01T13:30:00+02:00"));
        assertEquals(Instant.parse("2026-10-01T11:30:00Z"), event.getDetectedAt());
        assertEquals(event, CanonicalEvents.parse(CanonicalEvents.toJson(event)));
        final InvalidEventException e = assertThrows(InvalidEventException.class,
                () -> parse(String.format(incident, "2026-10-01T10:00:00Z")));
        assertTrue(e.getMessage().startsWith("detectedAt: must not be before openedAt"), e.getMessage());
    }

    @Test
    void hotfixIsABooleanAndDefaultsToFalse() throws Exception {
        final String deployment = "{\"type\":\"deployment\",\"id\":\"d1\",\"service\":\"shop\","
                + "\"occurredAt\":\"2026-10-01T12:00:00Z\",\"environment\":\"production\",\"status\":\"success\","
                + "\"finishedAt\":\"2026-10-01T12:00:00Z\"%s}";
        assertEquals(false, ((DeploymentEvent) parse(String.format(deployment, ""))).getHotfix());
        final DeploymentEvent hotfix = (DeploymentEvent) parse(String.format(deployment, ",\"hotfix\":true"));
        assertEquals(true, hotfix.getHotfix());
        assertEquals(hotfix, CanonicalEvents.parse(CanonicalEvents.toJson(hotfix)));
        final InvalidEventException e = assertThrows(InvalidEventException.class,
                () -> parse(String.format(deployment, ",\"hotfix\":\"yes\"")));
        assertTrue(e.getMessage().startsWith("hotfix: must be true or false"), e.getMessage());
    }
}
