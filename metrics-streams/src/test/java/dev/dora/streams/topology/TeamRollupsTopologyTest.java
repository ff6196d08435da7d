package dev.dora.streams.topology;

import static dev.dora.streams.topology.PipelineDriver.commit;
import static dev.dora.streams.topology.PipelineDriver.deployment;
import static dev.dora.streams.topology.PipelineDriver.incidentBuilder;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dora.events.ChangeEvent;
import dev.dora.streams.query.WindowMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A team's and the organisation's answers come from rows the ledgers keep for them; they must always equal the sum
 * of their current services' answers, whole history included, also when a service changes hands, in any order.
 */
@Tag("topology")
class TeamRollupsTopologyTest {

    private static final Instant T0 = Instant.parse("2026-10-01T00:00:00Z");
    private static final Instant FROM = T0.minus(Duration.ofDays(10));
    private static final Instant TO = T0.plus(Duration.ofDays(10));

    private static Instant h(final int hours) {
        return T0.plus(Duration.ofHours(hours));
    }

    private static ChangeEvent commitOf(final String service, final String team, final String name, final int hour,
                                        final String... parents) {
        return ChangeEvent.newBuilder(commit(service, name, h(hour), parents)).setTeam(team).build();
    }

    /** shop moves from legacy to retail at hour 30; cart stays in retail; both deploy, fail and restore. */
    private static List<SpecificRecord> history() {
        return List.of(
                commitOf("shop", "legacy", "a", 0), commitOf("shop", "legacy", "b", 2, "a"),
                deployment("s1", "shop", "a", h(1)).setTeam("legacy").build(),
                deployment("s2", "shop", "b", h(3)).setTeam("legacy").build(),
                incidentBuilder("i1", "shop", h(4), h(6)).setTeam("legacy").build(),
                commitOf("shop", "retail", "c", 30, "b"),
                deployment("s3", "shop", "c", h(31)).setTeam("retail").build(),
                commitOf("cart", "retail", "x", 0), commitOf("cart", "retail", "y", 5, "x"),
                deployment("c1", "cart", "x", h(1)).setTeam("retail").build(),
                deployment("c2", "cart", "y", h(6)).setTeam("retail").build(),
                incidentBuilder("k1", "cart", h(7), null).setTeam("retail").build());
    }

    @Test
    void aServiceTakesItsWholeHistoryToItsNewTeamInAnyOrder() {
        final List<SpecificRecord> reversed = new ArrayList<>(history());
        Collections.reverse(reversed);
        final List<SpecificRecord> shuffled = new ArrayList<>(history());
        Collections.shuffle(shuffled, new Random(5));
        for (final List<SpecificRecord> order : List.of(history(), reversed, shuffled)) {
            try (PipelineDriver driver = new PipelineDriver().pipe(order)) {
                final WindowMetrics retail = driver.metrics(null, "retail", FROM, TO);
                final WindowMetrics legacy = driver.metrics(null, "legacy", FROM, TO);
                final WindowMetrics shop = driver.metrics("shop", null, FROM, TO);
                final WindowMetrics cart = driver.metrics("cart", null, FROM, TO);
                final WindowMetrics all = driver.metrics(null, null, FROM, TO);
                assertEquals("retail", driver.query().service("shop").orElseThrow().getTeam());
                assertEquals(5, retail.deploymentFrequency().deployments(), "shop's three and cart's two");
                assertEquals(0, legacy.deploymentFrequency().deployments(), "legacy has no service any more");
                assertEquals(shop.deploymentFrequency().deployments() + cart.deploymentFrequency().deployments(),
                        all.deploymentFrequency().deployments());
                assertEquals(shop.leadTime().samples() + cart.leadTime().samples(), retail.leadTime().samples());
                assertEquals(shop.changeFailureRate().failed() + cart.changeFailureRate().failed(),
                        retail.changeFailureRate().failed());
                assertEquals(1, retail.timeToRestore().incidents(), "shop's restored incident came along");
                assertEquals(1, retail.timeToRestore().openIncidents(), "cart's incident is still open");
                assertEquals(all, retail, "retail is now everything");
                assertEquals(0, legacy.timeToRestore().incidents() + legacy.timeToRestore().openIncidents());
            }
        }
    }
}
