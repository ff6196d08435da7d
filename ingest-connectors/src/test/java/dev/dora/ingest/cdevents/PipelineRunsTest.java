package dev.dora.ingest.cdevents;

import static dev.dora.ingest.cdevents.CDEventsSourceTest.binary;
import static dev.dora.ingest.cdevents.CDEventsSourceTest.load;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dora.events.BuildEvent;
import dev.dora.events.BuildStatus;
import dev.dora.ingest.CanonicalEvents;
import dev.dora.ingest.InvalidEventException;
import dev.dora.ingest.catalog.ServiceCatalog;
import dev.dora.ingest.catalog.ServiceCatalogYaml;
import dev.dora.ingest.webhook.Mapping;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** CDEvents {@code pipelineRun.started}/{@code finished} as builds, on the spec's conformance event and its kin. */
@Tag("unit")
class PipelineRunsTest {

    private static final String SHA = "fc95a768cd3969583f8086152319430b2405a3b1";
    private static final Instant STARTED = Instant.parse("2023-03-20T14:19:41Z");
    private static final Instant FINISHED = Instant.parse("2023-03-20T14:27:05.315Z");
    private static final ServiceCatalog CATALOG = ServiceCatalogYaml.parse("""
            services:
              - name: shop
                team: retail
                repositories: [acme/shop]
                applications: [shop-app]
                defaultBranch: trunk
            """);

    private final CDEventsSource source = new CDEventsSource();

    @Test
    void theSpecsConformanceEventNamesNoBranchAndIsIgnoredAsBefore() {
        final Mapping mapping = source.map(binary(load("binary/pipelinerun-finished.conformance.json")), CATALOG);
        assertEquals(List.of(), mapping.events());
        assertEquals("dev.cdevents.pipelinerun.finished.0.3.0 names no branch (set customData.branch): no build to"
                + " record", mapping.ignored());
    }

    @Test
    void aFinishedRunWithItsBranchIsAFinishedBuild() {
        final Mapping mapping = map("binary/pipelinerun-finished.with-branch.json", d -> { });
        assertEquals(List.of(), mapping.unmappedServices());
        assertEquals(BuildEvent.newBuilder()
                .setId("mySubject123").setService("shop").setTeam("retail").setSource("cdevents")
                .setOccurredAt(FINISHED).setStatus(BuildStatus.failure).setStartedAt(STARTED).setFinishedAt(FINISHED)
                .setBranch("main").setSha(SHA).setPipeline("myPipeline").setCoverage(0.82).setDefaultBranch(null)
                .build(), only(mapping));
    }

    @Test
    void aStartedRunIsARunningBuildOfTheSameId() {
        final BuildEvent build = only(map("binary/pipelinerun-started.with-branch.json", d -> { }));
        assertEquals("mySubject123", build.getId());
        assertEquals(BuildStatus.in_progress, build.getStatus());
        assertEquals(STARTED, build.getStartedAt());
        assertEquals(STARTED, build.getOccurredAt());
        assertNull(build.getFinishedAt());
        assertNull(build.getCoverage());
    }

    @ParameterizedTest
    @CsvSource({"success, success", "failure, failure", "error, failure", "cancel, cancelled"})
    void eachOutcomeIsAStatus(final String outcome, final BuildStatus status) {
        assertEquals(status, only(map("binary/pipelinerun-finished.with-branch.json",
                d -> content(d).put("outcome", outcome))).getStatus());
    }

    @Test
    void aFinishedRunWithoutOrWithAnotherOutcomeIsIgnored() {
        assertEquals("dev.cdevents.pipelinerun.finished.0.3.0 with outcome 'null' is not a build (outcomes:"
                + " success, failure, error, cancel)", map("binary/pipelinerun-finished.with-branch.json",
                d -> content(d).remove("outcome")).ignored());
        assertTrue(map("binary/pipelinerun-finished.with-branch.json", d -> content(d).put("outcome", "skipped"))
                .ignored().contains("outcome 'skipped'"));
    }

    @Test
    void theIdMayBeGivenAndThePipelineDefaultsToCi() {
        final BuildEvent build = only(map("binary/pipelinerun-finished.with-branch.json", d -> {
            custom(d).put("buildId", "tekton-run-42");
            content(d).remove("pipelineName");
        }));
        assertEquals("tekton-run-42", build.getId());
        assertEquals("ci", build.getPipeline());
    }

    @Test
    void theServiceComesFromTheCatalogByApplicationOrRepositoryElseAsNamed() {
        assertEquals("shop", only(map("binary/pipelinerun-finished.with-branch.json",
                d -> custom(d).put("service", "shop-app"))).getService());
        final Mapping byRepository = map("binary/pipelinerun-finished.with-branch.json", d -> {
            custom(d).remove("service");
            custom(d).put("repository", "https://git.example.com/acme/shop.git");
        });
        assertEquals("shop", only(byRepository).getService());
        assertEquals(List.of(), byRepository.unmappedServices());
        final Mapping unmapped = map("binary/pipelinerun-finished.with-branch.json", d -> {
            custom(d).remove("service");
            custom(d).put("repository", "acme/search");
            custom(d).put("team", "discovery");
        });
        assertEquals("search", only(unmapped).getService());
        assertEquals("discovery", only(unmapped).getTeam());
        assertEquals(List.of("search"), unmapped.unmappedServices());
    }

    @Test
    void malformedRunsAreRefusedNamingTheCDEventField() {
        assertEquals("customData.startedAt", refused(d -> custom(d).remove("startedAt")));
        assertEquals("customData.startedAt", refused(d -> custom(d).put("startedAt", "2023-03-20T14:30:00Z")));
        assertEquals("customData.startedAt", refused(d -> custom(d).put("startedAt", "yesterday")));
        assertEquals("customData.service", refused(d -> custom(d).remove("service")));
        assertEquals("customData.sha", refused(d -> custom(d).put("sha", "fc95a76")));
        assertEquals("customData.coverage", refused(d -> custom(d).put("coverage", 82)));
        assertEquals("customData.branch", refused(d -> custom(d).put("branch", "b".repeat(1025))));
        assertEquals("subject.content.pipelineName", refused(d -> content(d).put("pipelineName", "p".repeat(201))));
        assertEquals("subject.id", refused(d -> ((ObjectNode) d.get("subject")).remove("id")));
    }

    @Test
    void otherPipelineRunPredicatesStayIgnored() {
        final Mapping mapping = map("binary/pipelinerun-started.with-branch.json",
                d -> ((ObjectNode) d.get("context")).put("type", "dev.cdevents.pipelinerun.queued.0.2.0"));
        assertTrue(mapping.ignored().startsWith("CDEvent type dev.cdevents.pipelinerun.queued.0.2.0 is not mapped"),
                mapping.ignored());
    }

    private String refused(final Consumer<ObjectNode> change) {
        final InvalidEventException e = assertThrows(InvalidEventException.class,
                () -> map("binary/pipelinerun-finished.with-branch.json", change));
        return e.field();
    }

    private Mapping map(final String fixture, final Consumer<ObjectNode> change) {
        final ObjectNode data = load(fixture);
        change.accept(data);
        return source.map(binary(data), CATALOG);
    }

    private static BuildEvent only(final Mapping mapping) {
        assertNull(mapping.ignored(), mapping.ignored());
        assertEquals(1, mapping.events().size());
        final BuildEvent build = (BuildEvent) mapping.events().get(0);
        assertEquals(build, CanonicalEvents.parse(CanonicalEvents.toJson(build)));
        return build;
    }

    private static ObjectNode content(final ObjectNode data) {
        return (ObjectNode) data.get("subject").get("content");
    }

    private static ObjectNode custom(final ObjectNode data) {
        return (ObjectNode) data.get("customData");
    }
}
