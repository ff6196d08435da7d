package dev.dora.streams.topology;

import static dev.dora.streams.topology.PipelineDriver.commit;
import static dev.dora.streams.topology.PipelineDriver.deploy;
import static dev.dora.streams.topology.PipelineDriver.deployment;
import static dev.dora.streams.topology.PipelineDriver.incident;
import static dev.dora.streams.topology.PipelineDriver.incidentBuilder;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dora.events.ChangeEvent;
import dev.dora.facts.IncidentFact;
import dev.dora.streams.config.MetricsConfig;
import dev.dora.streams.query.WindowMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Environment groups, the attribution of incidents (and the count of those nobody is charged with) and the hotfix
 * rule, on hand-built histories through the whole topology.
 */
@Tag("topology")
class EnvironmentsTopologyTest {

    private static final Instant T0 = Instant.parse("2026-10-05T09:00:00Z");
    private static final Instant FROM = Instant.parse("2026-10-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2026-10-15T00:00:00Z");

    private static Instant h(final long hours) {
        return T0.plus(Duration.ofHours(hours));
    }

    private static WindowMetrics metrics(final PipelineDriver driver, final String environment) {
        return driver.metrics("shop", null, environment, FROM, TO);
    }

    /** Staging deploys c1 then c2 and has an incident; production deploys c2 only, later, and has none. */
    private static List<SpecificRecord> twoEnvironments() {
        return List.of(
                commit("shop", "c0", h(-48)),
                commit("shop", "c1", h(-4), "c0"),
                commit("shop", "c2", h(-2), "c1"),
                deployment("s0", "shop", "c0", h(-47)).setEnvironment("staging").build(),
                deployment("s1", "shop", "c1", h(-3)).setEnvironment("Staging").build(),
                deployment("s2", "shop", "c2", h(-1)).setEnvironment("staging").build(),
                deploy("p0", "shop", "c0", h(-46)),
                deploy("p2", "shop", "c2", h(5)),
                incidentBuilder("i-staging", "shop", h(0), h(1)).setEnvironment("STAGING").build());
    }

    @Test
    void eachEnvironmentIsItsOwnTimelineAndIncidentsChargeOnlyTheirOwn() {
        try (PipelineDriver driver = new PipelineDriver().pipe(twoEnvironments())) {
            final WindowMetrics staging = metrics(driver, "staging");
            assertEquals(3, staging.deploymentFrequency().deployments(), "Staging, staging and STAGING are one environment");
            assertEquals(1, staging.dataQuality().baselineDeployments());
            assertEquals(1, staging.changeFailureRate().failed(), "the staging incident charges the staging deployment before it");
            assertEquals(1, staging.incidents().opened());
            assertEquals(0, staging.dataQuality().incidentsNotAttributed());
            // c1 went to staging 1 h after its commit, c2 likewise: staging's own lead times
            assertEquals(2, staging.leadTime().samples());
            assertEquals(3_600.0, staging.leadTime().medianSeconds(), 36);

            final WindowMetrics production = metrics(driver, MetricsConfig.PRODUCTION);
            assertEquals(2, production.deploymentFrequency().deployments());
            assertEquals(0, production.changeFailureRate().failed(), "a staging incident never charges a production deployment");
            assertEquals(0, production.incidents().opened());
            // p2 delivers c1 and c2 to production for the first time: lead times from their commits
            assertEquals(2, production.leadTime().samples());
            assertEquals(0, production.dataQuality().changesNeverDeployed());

            assertTrue(driver.ledger().deployment("shop", "s2").orElseThrow().getFailed());
            assertFalse(driver.deploymentFacts().containsKey("s2"), "only production facts are published");
            assertTrue(driver.deploymentFacts().containsKey("p2"));
            assertEquals(List.of("production", "staging"), driver.query().service("shop").orElseThrow()
                    .getEnvironments());
        }
    }

    @Test
    void aDeploymentCorrectedFromStagingToProductionMovesItsNumbers() {
        try (PipelineDriver driver = new PipelineDriver().pipe(twoEnvironments())) {
            driver.pipe(deployment("s2", "shop", "c2", h(-1)).setEnvironment("prod")
                    .setOccurredAt(h(10)).build());
            assertEquals(2, metrics(driver, "staging").deploymentFrequency().deployments());
            assertEquals(1, metrics(driver, "staging").changeFailureRate().failed());
            assertEquals(List.of("s1"), incidentFact(driver, "shop", "i-staging").getAttributedDeployments(),
                    "the incident is now charged to the staging deployment before s2");
            final WindowMetrics production = metrics(driver, MetricsConfig.PRODUCTION);
            assertEquals(3, production.deploymentFrequency().deployments(), "prod is a production environment");
            assertEquals(0, production.changeFailureRate().failed());
            assertEquals(0, driver.ledger().deployment("shop", "p2").orElseThrow().getDeployedChanges(),
                    "s2 now delivered c1 and c2 to production first");
        }
    }

    @Test
    void anIncidentNamingAnotherServicesDeploymentCountsAsUnattributedUntilThatDeploymentArrives() {
        final List<SpecificRecord> events = List.of(
                commit("shop", "c0", h(-48)),
                deploy("p0", "shop", "c0", h(-40)),
                commit("cart", "k0", h(-30)),
                deploy("cart-1", "cart", "k0", h(-20)),
                incidentBuilder("i-1", "shop", h(0), h(2)).setCauseDeploymentId("cart-2").build());
        try (PipelineDriver driver = new PipelineDriver().pipe(events)) {
            assertEquals(1, metrics(driver, MetricsConfig.PRODUCTION).dataQuality().incidentsNotAttributed(),
                    "cart-2 is not known yet");
            // the named deployment arrives late, after the incident
            driver.pipe(commit("cart", "k1", h(-2), "k0"), deploy("cart-2", "cart", "k1", h(-1)));
            assertEquals(0, metrics(driver, MetricsConfig.PRODUCTION).dataQuality().incidentsNotAttributed());
            assertEquals(List.of("cart-2"), incidentFact(driver, "shop", "i-1").getAttributedDeployments());
            assertEquals(1, driver.metrics("cart", null, FROM, TO).changeFailureRate().failed(), "cart-2 is the failed change");

            // corrected to name no cause: shop's last deployment before it finished 40 h earlier, past the window
            driver.pipe(incidentBuilder("i-1", "shop", h(0), h(2)).setOccurredAt(h(3)).build());
            assertEquals(1, metrics(driver, MetricsConfig.PRODUCTION).dataQuality().incidentsNotAttributed());
            assertEquals(0, driver.metrics("cart", null, FROM, TO).changeFailureRate().failed());
            assertEquals(List.of(), incidentFact(driver, "shop", "i-1").getAttributedDeployments());
        }
    }

    @Test
    void theUnattributedCountConvergesWhateverTheArrivalOrder() {
        final List<SpecificRecord> events = new ArrayList<>(List.of(
                commit("shop", "c0", h(-48)),
                commit("shop", "c1", h(-10), "c0"),
                deploy("p0", "shop", "c0", h(-40)),
                deploy("p1", "shop", "c1", h(-1)),
                incident("i-window", "shop", h(1), h(2)),
                incident("i-late", "shop", h(30), h(31)),
                incidentBuilder("i-sha", "shop", h(3), h(4)).setCauseSha(PipelineDriver.sha("c1")).build(),
                incidentBuilder("i-undelivered", "shop", h(5), h(6)).setCauseSha(PipelineDriver.sha("c9")).build(),
                commit("cart", "k0", h(-30)),
                deploy("cart-1", "cart", "k0", h(-20)),
                incidentBuilder("i-cross", "shop", h(7), h(8)).setCauseDeploymentId("cart-1").build()));
        long expected = -1;
        for (int seed = 0; seed < 6; seed++) {
            final List<SpecificRecord> order = new ArrayList<>(events);
            Collections.shuffle(order, new java.util.Random(seed));
            try (PipelineDriver driver = new PipelineDriver().pipe(order)) {
                final long unattributed = metrics(driver, MetricsConfig.PRODUCTION).dataQuality().incidentsNotAttributed();
                if (expected < 0) {
                    expected = unattributed;
                }
                assertEquals(expected, unattributed, "order " + seed);
                final Map<String, List<String>> charged = Map.of(
                        "i-window", List.of("p1"), "i-late", List.of(), "i-sha", List.of("p1"),
                        "i-undelivered", List.of(), "i-cross", List.of("cart-1"));
                charged.forEach((incident, deployments) -> assertEquals(deployments,
                        incidentFact(driver, "shop", incident).getAttributedDeployments(), incident));
            }
        }
        assertEquals(2, expected, "i-late is 31 h after p1, past the 24 h window; c9 is not a known commit");
    }

    @Test
    void aChangeOnAHotfixBranchOrLabelledHotfixMakesItsDeploymentRework() {
        final ChangeEvent labelled = ChangeEvent.newBuilder(commit("shop", "c2", h(-3), "c1"))
                .setLabels(List.of("Hotfix")).setOccurredAt(h(-3)).build();
        final ChangeEvent push = ChangeEvent.newBuilder(commit("shop", "c2", h(-3), "c1"))
                .setOccurredAt(h(-2)).build();
        final List<SpecificRecord> events = List.of(
                commit("shop", "c0", h(-48)),
                ChangeEvent.newBuilder(commit("shop", "c1", h(-10), "c0")).setBranch("hotfix/login").build(),
                deploy("p0", "shop", "c0", h(-40)),
                deploy("p1", "shop", "c1", h(-5)),
                labelled,
                push,
                deploy("p2", "shop", "c2", h(-1)),
                commit("shop", "c3", h(0), "c2"),
                deploy("p3", "shop", "c3", h(1)));
        for (final List<SpecificRecord> order : List.of(events, reversed(events))) {
            try (PipelineDriver driver = new PipelineDriver().pipe(order)) {
                assertTrue(driver.ledger().deployment("shop", "p1").orElseThrow().getRework(), "branch hotfix/login");
                assertTrue(driver.ledger().deployment("shop", "p2").orElseThrow().getRework(),
                        "the pull request's label counts though its push event won");
                assertFalse(driver.ledger().deployment("shop", "p3").orElseThrow().getRework());
                assertEquals(2, metrics(driver, MetricsConfig.PRODUCTION).reworkRate().rework());
            }
        }
        final MetricsConfig noRule = MetricsConfig.defaults("unused:9092", java.nio.file.Path.of(
                System.getProperty("java.io.tmpdir"))).withHotfixRule(dev.dora.streams.config.HotfixRule.none());
        try (PipelineDriver driver = new PipelineDriver(noRule).pipe(events)) {
            assertEquals(0, metrics(driver, MetricsConfig.PRODUCTION).reworkRate().rework(), "without a rule, none");
        }
    }

    private static List<SpecificRecord> reversed(final List<SpecificRecord> events) {
        final List<SpecificRecord> out = new ArrayList<>(events);
        Collections.reverse(out);
        return out;
    }

    private static IncidentFact incidentFact(final PipelineDriver driver, final String service, final String id) {
        return driver.ledger().incident(service, id).orElseThrow();
    }
}
