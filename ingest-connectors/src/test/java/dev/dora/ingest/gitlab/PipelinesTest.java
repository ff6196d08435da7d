package dev.dora.ingest.gitlab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dora.events.BuildEvent;
import dev.dora.events.BuildStatus;
import dev.dora.ingest.CanonicalEvents;
import dev.dora.ingest.InvalidEventException;
import dev.dora.ingest.catalog.ServiceCatalog;
import dev.dora.ingest.webhook.Mapping;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** GitLab's Pipeline Hook as builds, on GitLab's documented payload and states derived from it. */
@Tag("unit")
class PipelinesTest {

    private static final String SHA = "bcbb5ec396a2c0f828686f14fac9b80b780504f2";
    private static final Instant CREATED = Instant.parse("2016-08-12T15:23:28Z");
    private static final Instant FINISHED = Instant.parse("2016-08-12T15:26:29Z");
    private static final ServiceCatalog CATALOG = new ServiceCatalog(List.of(new ServiceCatalog.Entry(
            "gitlab-test", "platform", List.of("gitlab-org/gitlab-test"), List.of(), List.of())), List.of());

    private final GitLabSource source = new GitLabSource();

    @Test
    void aSuccessfulPipelineOfGitLabsExampleIsASuccessfulBuild() {
        final Mapping mapping = source.map(Webhooks.request("Pipeline Hook", Webhooks.bytes("pipeline.success.json")),
                ServiceCatalog.empty());
        assertEquals(List.of("gitlab-test"), mapping.unmappedServices());
        assertEquals(BuildEvent.newBuilder()
                .setId("31").setService("gitlab-test").setTeam(null).setSource("gitlab")
                .setOccurredAt(FINISHED).setStatus(BuildStatus.success).setStartedAt(CREATED).setFinishedAt(FINISHED)
                .setBranch("master").setSha(SHA).setPipeline("ci").setCoverage(null).setDefaultBranch(null)
                .build(), only(mapping));
    }

    @Test
    void theCatalogNamesTheServiceAndNoUserOrAuthorIsRead() {
        final BuildEvent build = only(map("pipeline.success.json", p -> { }));
        assertEquals("gitlab-test", build.getService());
        assertEquals("platform", build.getTeam());
        final String stored = build + CanonicalEvents.toJson(build).toString();
        for (final String personal : List.of("User1", "user1", "user@gitlab.com")) {
            assertFalse(stored.contains(personal), stored);
        }
    }

    @Test
    void aFailedPipelineIsAFailure() {
        final BuildEvent build = only(map("pipeline.failed.json", p -> { }));
        assertEquals(BuildStatus.failure, build.getStatus());
        assertEquals(FINISHED, build.getFinishedAt());
    }

    @Test
    void aCanceledPipelineIsCancelled() {
        final BuildEvent build = only(map("pipeline.canceled.json", p -> { }));
        assertEquals(BuildStatus.cancelled, build.getStatus());
        assertEquals(FINISHED, build.getFinishedAt());
    }

    @Test
    void aRunningPipelineIsABuildInProgressOccurringWhenItStarted() {
        final BuildEvent build = only(map("pipeline.running.json", p -> { }));
        assertEquals(BuildStatus.in_progress, build.getStatus());
        assertNull(build.getFinishedAt());
        assertEquals(CREATED, build.getStartedAt());
        assertEquals(CREATED, build.getOccurredAt());
        assertEquals("31", build.getId(), "one pipeline, one build: its end wins over its start");
    }

    @ParameterizedTest
    @ValueSource(strings = {"created", "waiting_for_resource", "preparing", "pending", "skipped", "manual",
            "scheduled", "canceling"})
    void statesThatAreNotABuildAreIgnoredNamingThem(final String state) {
        final Mapping mapping = map("pipeline.running.json", p -> p.put("status", state));
        assertEquals(List.of(), mapping.events());
        assertEquals("pipeline 31 is '" + state + "': only running, success, failed and canceled pipelines are"
                + " builds", mapping.ignored());
    }

    @Test
    void aTagPipelineIsNotABranchBuild() {
        final Mapping mapping = map("pipeline.success.json", p -> p.put("tag", true).put("ref", "v1.2.0"));
        assertEquals("pipeline 31 ran for tag 'v1.2.0', not a branch", mapping.ignored());
    }

    @Test
    void startedAtWhenPresentWinsOverCreatedAt() {
        final BuildEvent build = only(map("pipeline.success.json", p -> p.put("started_at", "2016-08-12 15:24:10 UTC")));
        assertEquals(Instant.parse("2016-08-12T15:24:10Z"), build.getStartedAt());
    }

    @Test
    void withoutFinishedAtTheDurationGivesTheEnd() {
        final BuildEvent build = only(map("pipeline.success.json", p -> p.putNull("finished_at")));
        assertEquals(CREATED.plusSeconds(63), build.getFinishedAt());
        assertEquals("object_attributes.finished_at", refused(p -> p.putNull("finished_at").putNull("duration")));
        assertEquals("object_attributes.duration", refused(p -> p.putNull("finished_at").put("duration", "long")));
    }

    @Test
    void theNameOfThePipelineIsItsWorkflowName() {
        assertEquals("nightly", only(map("pipeline.success.json", p -> p.put("name", "nightly"))).getPipeline());
    }

    @Test
    void coverageIsAPercentageAsANumberOrAString() {
        assertEquals(0.875, only(map("pipeline.success.json", p -> p.put("coverage", 87.5))).getCoverage());
        assertEquals(0.3, only(map("pipeline.success.json", p -> p.put("coverage", "30.0"))).getCoverage());
        assertEquals(1.0, only(map("pipeline.success.json", p -> p.put("coverage", "100%"))).getCoverage());
        assertEquals(0.0, only(map("pipeline.success.json", p -> p.put("coverage", 0))).getCoverage());
        assertNull(only(map("pipeline.success.json", p -> p.putNull("coverage"))).getCoverage());
        for (final Consumer<ObjectNode> wrong : List.<Consumer<ObjectNode>>of(p -> p.put("coverage", 100.5),
                p -> p.put("coverage", "-1"), p -> p.put("coverage", "n/a"), p -> p.put("coverage", true))) {
            final InvalidEventException e = assertThrows(InvalidEventException.class,
                    () -> map("pipeline.success.json", wrong));
            assertEquals("object_attributes.coverage", e.field(), e.getMessage());
        }
    }

    @Test
    void malformedPipelinesAreRefusedNamingTheField() {
        assertEquals("object_attributes.created_at", refused(p -> p.put("created_at", "12 Aug 2016")));
        assertEquals("object_attributes.sha", refused(p -> p.put("sha", "bcbb5ec")));
        assertEquals("object_attributes.ref", refused(p -> p.remove("ref")));
        assertEquals("object_attributes.id", refused(p -> p.remove("id")));
        assertEquals("object_attributes.status", refused(p -> p.remove("status")));
    }

    @Test
    void theObjectKindMustMatchTheHeader() {
        final ObjectNode push = Webhooks.json("pipeline.success.json").put("object_kind", "push");
        assertEquals("object_kind", assertThrows(InvalidEventException.class,
                () -> source.map(Webhooks.request("Pipeline Hook", push), CATALOG)).field());
    }

    private String refused(final Consumer<ObjectNode> change) {
        return assertThrows(InvalidEventException.class, () -> map("pipeline.success.json", change)).field();
    }

    /** A fixture with a change to its {@code object_attributes}, mapped with the catalog. */
    private Mapping map(final String fixture, final Consumer<ObjectNode> change) {
        final ObjectNode body = Webhooks.json(fixture);
        change.accept((ObjectNode) body.get("object_attributes"));
        return source.map(Webhooks.request("Pipeline Hook", body), CATALOG);
    }

    private static BuildEvent only(final Mapping mapping) {
        Webhooks.revalidated(mapping);
        assertEquals(1, mapping.events().size());
        return (BuildEvent) mapping.events().get(0);
    }
}
