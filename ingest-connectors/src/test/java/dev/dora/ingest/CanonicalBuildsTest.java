package dev.dora.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dora.events.BuildEvent;
import dev.dora.events.BuildStatus;
import dev.dora.ingest.catalog.ServiceCatalog;
import dev.dora.ingest.catalog.ServiceCatalogYaml;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The canonical {@code build} event: what it accepts, what it refuses (naming the field), and its stamp. */
@Tag("unit")
class CanonicalBuildsTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String SHA = "0123456789abcdef0123456789abcdef01234567";

    static ObjectNode build() {
        return CanonicalEventsTest.json("""
                {"type": "build", "id": "run-7-1", "service": "checkout", "team": "commerce", "source": "ci",
                 "occurredAt": "2026-10-01T12:09:00Z", "status": "failure", "startedAt": "2026-10-01T12:00:00+02:00",
                 "finishedAt": "2026-10-01T12:09:00Z", "branch": "main", "sha": "%s", "pipeline": "test",
                 "coverage": 0.875}""".formatted(SHA.toUpperCase()));
    }

    private static BuildEvent parse(final ObjectNode json) {
        return (BuildEvent) CanonicalEvents.parse(json);
    }

    @Test
    void readsEveryField() {
        final BuildEvent event = parse(build());
        assertEquals(BuildEvent.newBuilder()
                .setId("run-7-1").setService("checkout").setTeam("commerce").setSource("ci")
                .setOccurredAt(Instant.parse("2026-10-01T12:09:00Z")).setStatus(BuildStatus.failure)
                .setStartedAt(Instant.parse("2026-10-01T10:00:00Z")).setFinishedAt(Instant.parse("2026-10-01T12:09:00Z"))
                .setBranch("main").setSha(SHA).setPipeline("test").setCoverage(0.875).setDefaultBranch(null)
                .build(), event);
        assertEquals(event, CanonicalEvents.parse(CanonicalEvents.toJson(event)));
        assertEquals("build", CanonicalEvents.toJson(event).get("type").textValue());
    }

    @Test
    void aRunningBuildHasNoEndAndThePipelineDefaultsToCi() {
        final ObjectNode running = CanonicalEventsTest.json("""
                {"type": "build", "id": "b1", "service": "checkout", "occurredAt": "2026-10-01T12:00:00Z",
                 "status": "in_progress", "startedAt": "2026-10-01T12:00:00Z", "branch": "feature/x"}""");
        final BuildEvent event = parse(running);
        assertEquals(BuildStatus.in_progress, event.getStatus());
        assertNull(event.getFinishedAt());
        assertEquals("ci", event.getPipeline());
        assertNull(event.getCoverage());
        assertNull(event.getSha());
        assertEquals(event, CanonicalEvents.parse(CanonicalEvents.toJson(event)));
    }

    @Test
    void aBuildThatEndsWhenItStartsIsValidAndCoverageMayBeZeroOrOne() {
        assertEquals(0.0, parse(CanonicalEventsTest.with(CanonicalEventsTest.with(build(), "coverage", 0),
                "startedAt", "2026-10-01T12:09:00Z")).getCoverage());
        assertEquals(1.0, parse(CanonicalEventsTest.with(build(), "coverage", 1)).getCoverage());
        assertEquals(BuildStatus.cancelled, parse(CanonicalEventsTest.with(build(), "status", "cancelled")).getStatus());
    }

    @Test
    void neverKeepsAnAuthorNorADefaultBranchASenderSets() {
        final ObjectNode withExtras = build();
        withExtras.put("author", "Jane Doe").put("authorEmail", "jane@example.com").put("defaultBranch", "trunk");
        withExtras.putObject("actor").put("login", "jane");
        final BuildEvent event = parse(withExtras);
        assertEquals(parse(build()), event);
        assertNull(event.getDefaultBranch());
        final String stored = event.toString() + CanonicalEvents.toJson(event);
        assertFalse(stored.contains("Jane") || stored.contains("jane") || stored.contains("trunk"), stored);
    }

    static Stream<Arguments> invalidBuilds() {
        final ObjectNode running = CanonicalEventsTest.with(CanonicalEventsTest.without(build(), "finishedAt"),
                "status", "in_progress");
        return Stream.of(
                Arguments.of(CanonicalEventsTest.without(build(), "id"), "id: required"),
                Arguments.of(CanonicalEventsTest.with(build(), "id", "x".repeat(257)),
                        "id: must be at most 256 characters (got 257)"),
                Arguments.of(CanonicalEventsTest.without(build(), "service"), "service: required"),
                Arguments.of(CanonicalEventsTest.with(build(), "team", "t\u0007"),
                        "team: must not contain control characters (found U+0007 at position 1)"),
                Arguments.of(CanonicalEventsTest.without(build(), "occurredAt"),
                        "occurredAt: required; an ISO-8601 instant with a UTC offset, e.g. 2026-10-01T12:00:00Z"),
                Arguments.of(CanonicalEventsTest.without(build(), "status"),
                        "status: required; one of in_progress, success, failure, cancelled"),
                Arguments.of(CanonicalEventsTest.with(build(), "status", "failed"),
                        "status: must be one of in_progress, success, failure, cancelled (got 'failed')"),
                Arguments.of(CanonicalEventsTest.without(build(), "startedAt"),
                        "startedAt: required; an ISO-8601 instant with a UTC offset, e.g. 2026-10-01T12:00:00Z"),
                Arguments.of(CanonicalEventsTest.with(build(), "startedAt", "2026-10-01 12:00:00"),
                        "startedAt: must be an ISO-8601 instant with a UTC offset, e.g. 2026-10-01T12:00:00Z"
                                + " (got '2026-10-01 12:00:00')"),
                Arguments.of(CanonicalEventsTest.without(build(), "finishedAt"),
                        "finishedAt: required when status is failure"),
                Arguments.of(CanonicalEventsTest.with(running, "finishedAt", "2026-10-01T12:09:00Z"),
                        "finishedAt: must be absent when status is in_progress"),
                Arguments.of(CanonicalEventsTest.with(build(), "finishedAt", "2026-10-01T09:59:59.999Z"),
                        "finishedAt: must not be before startedAt (got 2026-10-01T09:59:59.999Z where startedAt is"
                                + " 2026-10-01T10:00:00Z)"),
                Arguments.of(CanonicalEventsTest.without(build(), "branch"), "branch: required"),
                Arguments.of(CanonicalEventsTest.with(build(), "branch", ""), "branch: must not be empty"),
                Arguments.of(CanonicalEventsTest.with(build(), "branch", "b".repeat(1025)),
                        "branch: must be at most 1024 characters (got 1025)"),
                Arguments.of(CanonicalEventsTest.with(build(), "sha", "abc"),
                        "sha: must be 40 hexadecimal digits (got 'abc')"),
                Arguments.of(CanonicalEventsTest.with(build(), "pipeline", "p".repeat(201)),
                        "pipeline: must be at most 200 characters (got 201)"),
                Arguments.of(CanonicalEventsTest.with(build(), "pipeline", 7), "pipeline: must be a string (got 7)"),
                Arguments.of(CanonicalEventsTest.with(build(), "coverage", 87.5),
                        "coverage: must be from 0 to 1, a fraction of the lines covered (got 87.5)"),
                Arguments.of(CanonicalEventsTest.with(build(), "coverage", -0.01),
                        "coverage: must be from 0 to 1, a fraction of the lines covered (got -0.01)"),
                Arguments.of(CanonicalEventsTest.with(build(), "coverage", "0.5"),
                        "coverage: must be a number from 0 to 1 (got '0.5')"));
    }

    @ParameterizedTest
    @MethodSource("invalidBuilds")
    void refusesNamingTheField(final ObjectNode event, final String error) {
        assertEquals(error, assertThrows(InvalidEventException.class, () -> CanonicalEvents.parse(event))
                .getMessage());
    }

    @Test
    void stampsEachBuildWithTheDefaultBranchOfItsServiceInTheCatalog() {
        final ServiceCatalog catalog = ServiceCatalogYaml.parse("""
                services:
                  - name: checkout
                    defaultBranch: trunk
                  - name: search
                """);
        final BuildEvent checkout = parse(build());
        final BuildEvent search = BuildEvent.newBuilder(checkout).setService("search").build();
        final SpecificRecord change = CanonicalEvents.parse(CanonicalEventsTest.change());

        final List<SpecificRecord> stamped = DefaultBranches.stamp(List.of(change, checkout, search), catalog);

        assertSame(change, stamped.get(0));
        assertEquals("trunk", ((BuildEvent) stamped.get(1)).getDefaultBranch());
        assertNull(((BuildEvent) stamped.get(2)).getDefaultBranch(), "the catalog names none: main or master");
        assertNull(DefaultBranches.stamp(BuildEvent.newBuilder(checkout).setDefaultBranch("x").build(),
                ServiceCatalog.empty()).getDefaultBranch());
        assertNull(DefaultBranches.stamp(checkout, null).getDefaultBranch());
        final List<SpecificRecord> noBuilds = List.of(change);
        assertSame(noBuilds, DefaultBranches.stamp(noBuilds, catalog));
        assertEquals(parse(build()), CanonicalEvents.parse(CanonicalEvents.toJson(stamped.get(1))),
                "defaultBranch is not part of the canonical form");
        assertEquals("build", MAPPER.valueToTree(CanonicalEvents.toJson(stamped.get(1))).get("type").asText());
    }
}
