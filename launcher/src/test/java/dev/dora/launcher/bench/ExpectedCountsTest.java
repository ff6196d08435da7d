package dev.dora.launcher.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dora.events.DeploymentEvent;
import dev.dora.events.DeploymentStatus;
import dev.dora.events.IncidentEvent;
import dev.dora.events.IncidentStatus;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The harness's own check follows docs/METRICS.md: latest event wins, production only, windows [from, to). */
@Tag("unit")
class ExpectedCountsTest {

    private static final Instant T = Instant.parse("2026-10-01T10:00:00Z");
    private static final long FROM = Instant.parse("2026-10-01T00:00:00Z").toEpochMilli();
    private static final long TO = Instant.parse("2026-10-03T00:00:00Z").toEpochMilli();

    @Test
    void latestEventWinsPerDeploymentAndOnlyProductionSuccessesCount() {
        final ExpectedCounts counts = new ExpectedCounts();
        counts.add(deployment("d1", "shop", "team-a", T, DeploymentStatus.in_progress, "production"));
        counts.add(deployment("d1", "shop", "team-a", T.plusSeconds(60), DeploymentStatus.success, "production"));
        // the in_progress event arriving late does not undo the success
        counts.add(deployment("d1", "shop", "team-a", T, DeploymentStatus.in_progress, "production"));
        counts.add(deployment("d2", "shop", null, T.plusSeconds(120), DeploymentStatus.success, "PROD"));
        counts.add(deployment("d3", "shop", "team-a", T.plusSeconds(180), DeploymentStatus.failure, "production"));
        counts.add(deployment("d4", "shop", "team-a", T.plusSeconds(240), DeploymentStatus.success, "staging"));
        // d5 moves to another service with its latest event
        counts.add(deployment("d5", "shop", "team-a", T.plusSeconds(300), DeploymentStatus.success, "production"));
        counts.add(deployment("d5", "cart", "team-b", T.plusSeconds(360), DeploymentStatus.success, "production"));
        // outside the window
        counts.add(deployment("d6", "shop", "team-a", T.plusSeconds(86_400 * 3), DeploymentStatus.success,
                "production"));
        final Map<String, ExpectedCounts.Counts> perService = counts.perService(FROM, TO);
        assertEquals(2, perService.get("shop").deployments());
        assertEquals(1, perService.get("cart").deployments());
        assertEquals(Map.of("shop", "team-a", "cart", "team-b"), counts.teams());
        assertEquals(0, counts.ambiguousTies());
    }

    @Test
    void incidentsOpenedResolvedAndOpenAtTheEnd() {
        final ExpectedCounts counts = new ExpectedCounts();
        counts.add(incident("i1", T, null, "production"));
        counts.add(incident("i1", T, T.plusSeconds(3600), "production"));
        counts.add(incident("i2", T.plusSeconds(7200), null, "production"));
        counts.add(incident("i3", T.minusSeconds(86_400 * 2), T.plusSeconds(60), "prod"));
        counts.add(incident("i4", T, T.plusSeconds(86_400 * 5), "production"));
        counts.add(incident("i5", T, null, "staging"));
        final ExpectedCounts.Counts shop = counts.perService(FROM, TO).get("shop");
        assertEquals(3, shop.incidentsOpened(), "i1, i2, i4");
        assertEquals(2, shop.incidentsResolved(), "i1, i3");
        assertEquals(2, shop.openAtEnd(), "i2 still open, i4 resolved after the window");
    }

    @Test
    void twoDifferentLatestEventsAreReportedNotGuessed() {
        final ExpectedCounts counts = new ExpectedCounts();
        counts.add(deployment("d1", "shop", "team-a", T, DeploymentStatus.success, "production"));
        counts.add(deployment("d1", "shop", "team-a", T, DeploymentStatus.success, "production"));
        assertEquals(0, counts.ambiguousTies(), "an exact duplicate is no tie");
        counts.add(deployment("d1", "shop", "team-a", T, DeploymentStatus.failure, "production"));
        assertEquals(1, counts.ambiguousTies());
    }

    private static DeploymentEvent deployment(final String id, final String service, final String team,
                                              final Instant at, final DeploymentStatus status, final String env) {
        final boolean terminal = status != DeploymentStatus.in_progress;
        return DeploymentEvent.newBuilder().setId(id).setService(service).setTeam(team).setSource("test")
                .setOccurredAt(at).setEnvironment(env).setStatus(status).setFinishedAt(terminal ? at : null)
                .setSha(null).setStartedAt(at.minusSeconds(30)).setRollbackOf(null).setStrategy(null).build();
    }

    private static IncidentEvent incident(final String id, final Instant opened, final Instant resolved,
                                          final String env) {
        return IncidentEvent.newBuilder().setId(id).setService("shop").setTeam("team-a").setSource("test")
                .setOccurredAt(resolved != null ? resolved : opened).setEnvironment(env)
                .setStatus(resolved != null ? IncidentStatus.resolved : IncidentStatus.open).setOpenedAt(opened)
                .setResolvedAt(resolved).setSeverity(null).setCauseDeploymentId(null).setCauseSha(null).build();
    }
}
