package dev.dora.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dora.events.ChangeEvent;
import dev.dora.events.DeploymentEvent;
import dev.dora.events.DeploymentStatus;
import dev.dora.events.DeploymentStrategy;
import dev.dora.events.IncidentEvent;
import dev.dora.events.IncidentStatus;
import dev.dora.events.Severity;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

@Tag("unit")
class CanonicalEventsTest {

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final String SHA = "0123456789abcdef0123456789abcdef01234567";
    static final String PARENT = "89abcdef0123456789abcdef0123456789abcdef";

    static ObjectNode change() {
        return json("""
                {"type": "change", "id": "%s", "service": "checkout", "occurredAt": "2026-10-01T12:00:00Z",
                 "sha": "%s", "parents": ["%s"], "committedAt": "2026-10-01T11:59:00Z"}""".formatted(SHA, SHA, PARENT));
    }

    static ObjectNode deployment() {
        return json("""
                {"type": "deployment", "id": "deploy-1", "service": "checkout", "occurredAt": "2026-10-01T12:10:00Z",
                 "environment": "production", "status": "success", "finishedAt": "2026-10-01T12:09:00Z"}""");
    }

    static ObjectNode incident() {
        return json("""
                {"type": "incident", "id": "inc-1", "service": "checkout", "occurredAt": "2026-10-01T14:00:00Z",
                 "environment": "production", "status": "resolved", "openedAt": "2026-10-01T13:00:00Z",
                 "resolvedAt": "2026-10-01T13:30:00Z"}""");
    }

    static ObjectNode json(final String text) {
        try {
            return (ObjectNode) MAPPER.readTree(text);
        } catch (final Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    static ObjectNode with(final ObjectNode base, final String field, final Object value) {
        final ObjectNode copy = base.deepCopy();
        copy.set(field, MAPPER.valueToTree(value));
        return copy;
    }

    static ObjectNode without(final ObjectNode base, final String field) {
        final ObjectNode copy = base.deepCopy();
        copy.remove(field);
        return copy;
    }

    static String rejection(final JsonNode event) {
        return assertThrows(InvalidEventException.class, () -> CanonicalEvents.parse(event)).getMessage();
    }

    @Test
    void parsesMinimalChange() {
        final ChangeEvent change = assertInstanceOf(ChangeEvent.class, CanonicalEvents.parse(change()));
        assertEquals(SHA, change.getId());
        assertEquals(SHA, change.getSha());
        assertEquals("checkout", change.getService());
        assertEquals(Instant.parse("2026-10-01T12:00:00Z"), change.getOccurredAt());
        assertEquals(Instant.parse("2026-10-01T11:59:00Z"), change.getCommittedAt());
        assertEquals(List.of(PARENT), change.getParents());
        assertNull(change.getTeam());
        assertNull(change.getAuthoredAt());
        assertEquals(List.of(), change.getLabels(), "no labels when none are given");
    }

    @Test
    void parsesFullChangeAndNormalizesShasToLowerCase() {
        final ObjectNode event = change();
        event.put("id", SHA.toUpperCase());
        event.put("sha", SHA.toUpperCase());
        event.putArray("parents").add(PARENT.toUpperCase()).add(SHA);
        event.put("team", "payments").put("source", "github").put("repo", "acme/checkout").put("branch", "main")
                .put("authoredAt", "2026-10-01T11:58:00.5+01:00");
        event.putArray("labels").add("hotfix").add("Team: Payments");
        final ChangeEvent change = (ChangeEvent) CanonicalEvents.parse(event);
        assertEquals(SHA, change.getId());
        assertEquals(SHA, change.getSha());
        assertEquals(List.of(PARENT, SHA), change.getParents());
        assertEquals("payments", change.getTeam());
        assertEquals("github", change.getSource());
        assertEquals("acme/checkout", change.getRepo());
        assertEquals("main", change.getBranch());
        assertEquals(Instant.parse("2026-10-01T10:58:00.500Z"), change.getAuthoredAt());
        assertEquals(List.of("hotfix", "Team: Payments"), change.getLabels(), "labels as given, in order");
    }

    @Test
    void acceptsLabelsUpToTheLimits() {
        final List<String> many = IntStream.range(0, CanonicalEvents.MAX_LABELS)
                .mapToObj(i -> "label-" + i).toList();
        assertEquals(many, ((ChangeEvent) CanonicalEvents.parse(with(change(), "labels", many))).getLabels());
        final String longest = "l".repeat(CanonicalEvents.MAX_LABEL_CHARS);
        assertEquals(List.of(longest),
                ((ChangeEvent) CanonicalEvents.parse(with(change(), "labels", List.of(longest)))).getLabels());
        assertEquals(List.of(), ((ChangeEvent) CanonicalEvents.parse(with(change(), "labels", List.of()))).getLabels());
        final ObjectNode nullLabels = change();
        nullLabels.putNull("labels");
        assertEquals(List.of(), ((ChangeEvent) CanonicalEvents.parse(nullLabels)).getLabels(), "null is absent");
    }

    @Test
    void acceptableLabelsLeaveOutWhatTheContractRefuses() {
        final List<String> names = new ArrayList<>(List.of("hotfix", " ", "HotFix", "a\tb",
                "x".repeat(CanonicalEvents.MAX_LABEL_CHARS + 1), "backend"));
        names.add(null);
        names.add("a\nb");
        assertEquals(List.of("hotfix", "backend"), CanonicalEvents.acceptableLabels(names));
        final List<String> many = IntStream.range(0, CanonicalEvents.MAX_LABELS + 5)
                .mapToObj(i -> "label-" + i).toList();
        assertEquals(many.subList(0, CanonicalEvents.MAX_LABELS), CanonicalEvents.acceptableLabels(many));
        final ObjectNode event = change();
        event.set("labels", MAPPER.valueToTree(CanonicalEvents.acceptableLabels(names)));
        assertEquals(List.of("hotfix", "backend"), ((ChangeEvent) CanonicalEvents.parse(event)).getLabels());
    }

    @Test
    void acceptsRootCommitWithoutParents() {
        final ChangeEvent change = (ChangeEvent) CanonicalEvents.parse(with(change(), "parents", List.of()));
        assertEquals(List.of(), change.getParents());
    }

    @Test
    void dropsUnknownAndPersonalFields() {
        final ObjectNode event = change();
        event.put("authorName", "Someone").put("authorEmail", "someone@example.com").put("message", "fix\nbug");
        event.putObject("committer").put("email", "someone@example.com");
        final ChangeEvent change = (ChangeEvent) CanonicalEvents.parse(event);
        final String stored = CanonicalEvents.toJson(change).toString() + change;
        assertFalse(stored.contains("Someone"), stored);
        assertFalse(stored.contains("example.com"), stored);
        assertFalse(stored.contains("fix"), stored);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "2026-10-01T12:00:00Z", "2026-10-01T14:00:00+02:00", "2026-10-01T07:00:00-05:00",
        "2026-10-01T12:00:00.000Z", "2026-10-01T12:00:00.0004Z", "2026-10-01T14:00:00.000999999+02:00"})
    void acceptsInstantsWithOffsetsAndFractionsAsUtcMillis(final String timestamp) {
        final DeploymentEvent event = (DeploymentEvent) CanonicalEvents.parse(with(deployment(), "occurredAt", timestamp));
        assertEquals(Instant.parse("2026-10-01T12:00:00Z"), event.getOccurredAt());
    }

    @Test
    void truncatesFractionsToMilliseconds() {
        final DeploymentEvent event = (DeploymentEvent) CanonicalEvents.parse(
                with(deployment(), "occurredAt", "2026-10-01T14:00:00.123987+02:00"));
        assertEquals(Instant.parse("2026-10-01T12:00:00.123Z"), event.getOccurredAt());
    }

    @Test
    void acceptsTheEdgesOfTheTimeRange() {
        assertEquals(Instant.EPOCH, ((DeploymentEvent) CanonicalEvents.parse(
                with(deployment(), "occurredAt", "1970-01-01T00:00:00Z"))).getOccurredAt());
        assertEquals(Instant.parse("2199-12-31T23:59:59.999Z"), ((DeploymentEvent) CanonicalEvents.parse(
                with(deployment(), "occurredAt", "2199-12-31T23:59:59.999Z"))).getOccurredAt());
    }

    @Test
    void parsesFullDeployment() {
        final ObjectNode event = deployment();
        event.put("sha", SHA.toUpperCase()).put("startedAt", "2026-10-01T12:00:00Z").put("rollbackOf", "deploy-0")
                .put("strategy", "blue_green").put("team", "payments").put("source", "argo");
        final DeploymentEvent deployment = (DeploymentEvent) CanonicalEvents.parse(event);
        assertEquals("deploy-1", deployment.getId());
        assertEquals("production", deployment.getEnvironment());
        assertEquals(DeploymentStatus.success, deployment.getStatus());
        assertEquals(Instant.parse("2026-10-01T12:09:00Z"), deployment.getFinishedAt());
        assertEquals(SHA, deployment.getSha());
        assertEquals(Instant.parse("2026-10-01T12:00:00Z"), deployment.getStartedAt());
        assertEquals("deploy-0", deployment.getRollbackOf());
        assertEquals(DeploymentStrategy.blue_green, deployment.getStrategy());
    }

    @ParameterizedTest
    @ValueSource(strings = {"pending", "in_progress"})
    void acceptsNonTerminalDeploymentWithoutFinishedAt(final String status) {
        final DeploymentEvent deployment = (DeploymentEvent) CanonicalEvents.parse(
                with(without(deployment(), "finishedAt"), "status", status));
        assertEquals(status, deployment.getStatus().name());
        assertNull(deployment.getFinishedAt());
    }

    @Test
    void treatsJsonNullAsAbsent() {
        final ObjectNode event = with(without(deployment(), "finishedAt"), "status", "pending");
        event.putNull("finishedAt").putNull("team").putNull("strategy");
        final DeploymentEvent deployment = (DeploymentEvent) CanonicalEvents.parse(event);
        assertNull(deployment.getFinishedAt());
        assertNull(deployment.getTeam());
    }

    @Test
    void parsesOpenAndResolvedIncidents() {
        final IncidentEvent resolved = (IncidentEvent) CanonicalEvents.parse(incident());
        assertEquals(IncidentStatus.resolved, resolved.getStatus());
        assertEquals(Instant.parse("2026-10-01T13:30:00Z"), resolved.getResolvedAt());

        final ObjectNode open = with(without(incident(), "resolvedAt"), "status", "open");
        open.put("severity", "sev2").put("causeDeploymentId", "deploy-1").put("causeSha", SHA.toUpperCase());
        final IncidentEvent incident = (IncidentEvent) CanonicalEvents.parse(open);
        assertEquals(IncidentStatus.open, incident.getStatus());
        assertEquals(Instant.parse("2026-10-01T13:00:00Z"), incident.getOpenedAt());
        assertNull(incident.getResolvedAt());
        assertEquals(Severity.SEV2, incident.getSeverity());
        assertEquals("deploy-1", incident.getCauseDeploymentId());
        assertEquals(SHA, incident.getCauseSha());
    }

    @Test
    void acceptsIncidentResolvedWhenOpened() {
        final IncidentEvent incident = (IncidentEvent) CanonicalEvents.parse(
                with(incident(), "resolvedAt", "2026-10-01T15:00:00+02:00"));
        assertEquals(incident.getOpenedAt(), incident.getResolvedAt());
    }

    static Stream<Arguments> invalidEvents() {
        final String longId = "x".repeat(257);
        return Stream.of(
                Arguments.of(MAPPER.valueToTree(List.of(1)), "event: must be a JSON object"),
                Arguments.of(MAPPER.getNodeFactory().textNode("change"), "event: must be a JSON object"),
                Arguments.of(without(change(), "type"),
                        "type: required; must be one of change, deployment, incident, build"),
                Arguments.of(with(change(), "type", "deploy"),
                        "type: must be one of change, deployment, incident, build (got 'deploy')"),
                Arguments.of(with(change(), "type", 3),
                        "type: must be one of change, deployment, incident, build (got 3)"),
                Arguments.of(without(deployment(), "id"), "id: required"),
                Arguments.of(with(deployment(), "id", ""), "id: must not be empty"),
                Arguments.of(with(deployment(), "id", 12), "id: must be a string (got 12)"),
                Arguments.of(with(deployment(), "id", longId), "id: must be at most 256 characters (got 257)"),
                Arguments.of(without(deployment(), "service"), "service: required"),
                Arguments.of(with(deployment(), "service", "  "), "service: must not be empty"),
                Arguments.of(with(deployment(), "service", "s".repeat(201)),
                        "service: must be at most 200 characters (got 201)"),
                Arguments.of(with(deployment(), "service", "check\nout"),
                        "service: must not contain control characters (found U+000A at position 5)"),
                Arguments.of(with(deployment(), "team", "pay\u007Fments"),
                        "team: must not contain control characters (found U+007F at position 3)"),
                Arguments.of(with(deployment(), "team", "t".repeat(201)),
                        "team: must be at most 200 characters (got 201)"),
                Arguments.of(with(deployment(), "source", "\u0000"),
                        "source: must not contain control characters (found U+0000 at position 0)"),
                Arguments.of(with(deployment(), "source", List.of("github")), "source: must be a string (got [\"github\"])"),
                Arguments.of(without(deployment(), "occurredAt"), "occurredAt: required"),
                Arguments.of(with(deployment(), "occurredAt", "2026-10-01T12:00:00"),
                        "occurredAt: must be an ISO-8601 instant with a UTC offset, e.g. 2026-10-01T12:00:00Z"
                                + " (got '2026-10-01T12:00:00')"),
                Arguments.of(with(deployment(), "occurredAt", 1790000000000L),
                        "occurredAt: must be an ISO-8601 instant with a UTC offset, e.g. 2026-10-01T12:00:00Z"
                                + " (got 1790000000000)"),
                Arguments.of(with(deployment(), "occurredAt", "2026-10-01"), "occurredAt: must be an ISO-8601 instant"),
                Arguments.of(with(deployment(), "occurredAt", "yesterday"), "occurredAt: must be an ISO-8601 instant"),
                Arguments.of(with(deployment(), "occurredAt", "1969-12-31T23:59:59.999Z"),
                        "occurredAt: must be between 1970-01-01T00:00:00Z and 2199-12-31T23:59:59Z"),
                Arguments.of(with(deployment(), "occurredAt", "2200-01-01T00:00:00Z"),
                        "occurredAt: must be between 1970-01-01T00:00:00Z and 2199-12-31T23:59:59Z"),
                Arguments.of(with(deployment(), "occurredAt", "2199-12-31T23:00:00-05:00"),
                        "occurredAt: must be between"),
                // change
                Arguments.of(without(change(), "sha"), "sha: required"),
                Arguments.of(with(change(), "sha", "abc"), "sha: must be 40 hexadecimal digits (got 'abc')"),
                Arguments.of(with(change(), "sha", SHA.replace('a', 'g')), "sha: must be 40 hexadecimal digits"),
                Arguments.of(with(change(), "sha", SHA + "0"), "sha: must be 40 hexadecimal digits"),
                Arguments.of(with(change(), "id", PARENT), "id: must equal sha for a change"),
                Arguments.of(without(change(), "parents"), "parents: required"),
                Arguments.of(with(change(), "parents", PARENT), "parents: must be an array"),
                Arguments.of(with(change(), "parents", List.of(PARENT, "xyz")),
                        "parents[1]: must be 40 hexadecimal digits (got 'xyz')"),
                Arguments.of(without(change(), "committedAt"), "committedAt: required"),
                Arguments.of(with(change(), "committedAt", "2026-10-01 11:59:00Z"), "committedAt: must be an ISO-8601"),
                Arguments.of(with(change(), "authoredAt", "2026-10-01T11:59:00"), "authoredAt: must be an ISO-8601"),
                Arguments.of(with(change(), "repo", 5), "repo: must be a string"),
                Arguments.of(with(change(), "branch", "ma\tin"), "branch: must not contain control characters"),
                Arguments.of(with(change(), "labels", "hotfix"), "labels: must be an array of strings (got 'hotfix')"),
                Arguments.of(with(change(), "labels", Map.of("name", "hotfix")),
                        "labels: must be an array of strings (got {\"name\":\"hotfix\"})"),
                Arguments.of(with(change(), "labels", Collections.nCopies(101, "x")),
                        "labels: must have at most 100 entries (got 101)"),
                Arguments.of(with(change(), "labels", List.of("hotfix", 7)), "labels[1]: must be a string (got 7)"),
                Arguments.of(with(change(), "labels", Arrays.asList("hotfix", null)),
                        "labels[1]: must be a string (got null)"),
                Arguments.of(with(change(), "labels", List.of(Map.of("name", "hotfix"))),
                        "labels[0]: must be a string (got {\"name\":\"hotfix\"})"),
                Arguments.of(with(change(), "labels", List.of(" ")), "labels[0]: must not be empty"),
                Arguments.of(with(change(), "labels", List.of("ok", "hot\nfix")),
                        "labels[1]: must not contain control characters (found U+000A at position 3)"),
                Arguments.of(with(change(), "labels", List.of("l".repeat(257))),
                        "labels[0]: must be at most 256 characters (got 257)"),
                // deployment
                Arguments.of(without(deployment(), "environment"), "environment: required"),
                Arguments.of(with(deployment(), "environment", ""), "environment: must not be empty"),
                Arguments.of(without(deployment(), "status"),
                        "status: required; one of pending, in_progress, success, failure, error, cancelled"),
                Arguments.of(with(deployment(), "status", "done"),
                        "status: must be one of pending, in_progress, success, failure, error, cancelled (got 'done')"),
                Arguments.of(with(deployment(), "status", "SUCCESS"), "status: must be one of"),
                Arguments.of(without(deployment(), "finishedAt"), "finishedAt: required when status is success"),
                Arguments.of(with(without(deployment(), "finishedAt"), "status", "failure"),
                        "finishedAt: required when status is failure"),
                Arguments.of(with(without(deployment(), "finishedAt"), "status", "error"),
                        "finishedAt: required when status is error"),
                Arguments.of(with(without(deployment(), "finishedAt"), "status", "cancelled"),
                        "finishedAt: required when status is cancelled"),
                Arguments.of(with(deployment(), "status", "pending"), "finishedAt: must be absent when status is pending"),
                Arguments.of(with(deployment(), "status", "in_progress"),
                        "finishedAt: must be absent when status is in_progress"),
                Arguments.of(with(deployment(), "finishedAt", "soon"), "finishedAt: must be an ISO-8601 instant"),
                Arguments.of(with(deployment(), "sha", "abc"), "sha: must be 40 hexadecimal digits (got 'abc')"),
                Arguments.of(with(deployment(), "startedAt", "2026-10-01T12:09:00.001Z"),
                        "startedAt: must not be after finishedAt"),
                Arguments.of(with(deployment(), "rollbackOf", "deploy-1"), "rollbackOf: must differ from id"),
                Arguments.of(with(deployment(), "strategy", "big_bang"),
                        "strategy: must be one of rolling, blue_green, canary, recreate, feature_flag (got 'big_bang')"),
                // incident
                Arguments.of(without(incident(), "environment"), "environment: required"),
                Arguments.of(with(incident(), "status", "closed"), "status: must be one of open, resolved (got 'closed')"),
                Arguments.of(without(incident(), "openedAt"), "openedAt: required"),
                Arguments.of(without(incident(), "resolvedAt"), "resolvedAt: required when status is resolved"),
                Arguments.of(with(incident(), "status", "open"), "resolvedAt: must be absent when status is open"),
                Arguments.of(with(incident(), "resolvedAt", "2026-10-01T12:59:59.999Z"),
                        "resolvedAt: must not be before openedAt"),
                Arguments.of(with(incident(), "severity", "P1"),
                        "severity: must be one of SEV1, SEV2, SEV3, SEV4, SEV5 (got 'P1')"),
                Arguments.of(with(incident(), "severity", 1), "severity: must be one of SEV1, SEV2, SEV3, SEV4, SEV5"),
                Arguments.of(with(incident(), "causeSha", "123"), "causeSha: must be 40 hexadecimal digits (got '123')"),
                Arguments.of(with(incident(), "causeDeploymentId", "a\rb"),
                        "causeDeploymentId: must not contain control characters"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("invalidEvents")
    void rejectsNamingTheField(final JsonNode event, final String expected) {
        final String message = rejection(event);
        assertTrue(message.startsWith(expected), () -> "expected '" + expected + "...' but got '" + message + "'");
    }

    @Test
    void rejectsOversizedEvents() {
        final ObjectNode event = deployment();
        event.put("notes", "n".repeat(CanonicalEvents.MAX_EVENT_BYTES));
        final int size = event.toString().getBytes(StandardCharsets.UTF_8).length;
        assertEquals("event: " + size + " bytes; the limit is 262144", rejection(event));
    }

    @Test
    void echoesLongAndControlValuesSafely() {
        final String message = rejection(with(change(), "sha", "\n" + "z".repeat(500)));
        assertTrue(message.startsWith("sha: must be 40 hexadecimal digits (got '\\u000A"), message);
        assertTrue(message.length() < 250, message);
    }

    static Stream<SpecificRecord> validEvents() {
        final ObjectNode fullChange = change();
        fullChange.put("team", "payments").put("source", "github").put("repo", "acme/checkout").put("branch", "main")
                .put("authoredAt", "2026-10-01T11:58:00.123+05:30");
        fullChange.putArray("labels").add("hotfix").add("Sev 1");
        final ObjectNode fullDeployment = deployment();
        fullDeployment.put("sha", SHA).put("startedAt", "2026-10-01T12:00:00Z").put("rollbackOf", "deploy-0")
                .put("strategy", "canary").put("team", "payments");
        final ObjectNode openIncident = with(without(incident(), "resolvedAt"), "status", "open");
        openIncident.put("severity", "sev1").put("causeDeploymentId", "deploy-1").put("causeSha", SHA);
        return Stream.of(change(), fullChange, with(change(), "parents", List.of()), deployment(), fullDeployment,
                        with(without(deployment(), "finishedAt"), "status", "in_progress"), incident(), openIncident)
                .map(CanonicalEvents::parse);
    }

    @ParameterizedTest
    @MethodSource("validEvents")
    void roundTrips(final SpecificRecord event) {
        final ObjectNode json = CanonicalEvents.toJson(event);
        assertEquals("type", json.fieldNames().next());
        assertEquals(event, CanonicalEvents.parse(json));
        for (final Iterator<JsonNode> values = json.elements(); values.hasNext(); ) {
            assertFalse(values.next().isNull());
        }
    }

    @Test
    void writesCanonicalJson() {
        final ObjectNode event = with(without(incident(), "resolvedAt"), "status", "open");
        event.put("severity", "sev3").put("openedAt", "2026-10-01T15:00:00.25+02:00");
        final ObjectNode json = CanonicalEvents.toJson(CanonicalEvents.parse(event));
        assertEquals(json("""
                {"type": "incident", "id": "inc-1", "service": "checkout", "occurredAt": "2026-10-01T14:00:00Z",
                 "environment": "production", "status": "open", "openedAt": "2026-10-01T13:00:00.250Z",
                 "severity": "SEV3"}"""), json);
        assertEquals(List.of("type", "id", "service", "occurredAt", "environment", "status", "openedAt", "severity"),
                List.copyOf(iterable(json.fieldNames())));
    }

    @Test
    void scrubsAuthorCommitterAndEmailFieldsAtAnyDepth() {
        final JsonNode scrubbed = CanonicalEvents.scrub(json("""
                {"type": "change", "authoredAt": "2026-10-01T12:00:00Z", "Author": "a", "authorName": "a",
                 "COMMITTER": {"name": "c"}, "userEmail": "e@x", "keep": 1,
                 "commits": [{"author": {"email": "e@x"}, "id": "c1", "nested": {"e_mail": "ok", "Email": "e@x"}}]}"""));
        assertEquals(json("""
                {"type": "change", "authoredAt": "2026-10-01T12:00:00Z", "keep": 1,
                 "commits": [{"id": "c1", "nested": {"e_mail": "ok"}}]}"""), scrubbed);
    }

    private static <T> List<T> iterable(final Iterator<T> iterator) {
        final List<T> list = new ArrayList<>();
        iterator.forEachRemaining(list::add);
        return list;
    }
}
