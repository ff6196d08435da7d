package dev.dora.streams.topology;

import static dev.dora.streams.topology.PipelineDriver.commit;
import static dev.dora.streams.topology.PipelineDriver.deploy;
import static dev.dora.streams.topology.PipelineDriver.deployment;
import static dev.dora.streams.topology.PipelineDriver.incident;
import static dev.dora.streams.topology.PipelineDriver.incidentBuilder;
import static dev.dora.streams.topology.PipelineDriver.sha;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dora.events.DeploymentStatus;
import dev.dora.facts.DeploymentFact;
import dev.dora.facts.FailureRule;
import dev.dora.streams.config.MetricsConfig;
import dev.dora.streams.query.MetricsQuery;
import dev.dora.streams.query.WindowMetrics;
import dev.dora.streams.store.Scope;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("topology")
class DoraTopologyTest {

    private static final Instant T0 = Instant.parse("2026-10-01T00:00:00Z");
    private static final Instant FROM = Instant.parse("2026-09-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2026-11-01T00:00:00Z");

    private static Instant h(final double hours) {
        return T0.plus(Duration.ofMinutes(Math.round(hours * 60)));
    }

    /** a ← b ← c on main; d1 ships a (baseline), d2 ships c. */
    private static List<SpecificRecord> linear() {
        return List.of(
                commit("shop", "a", h(0)),
                commit("shop", "b", h(1), "a"),
                commit("shop", "c", h(2), "b"),
                deploy("d1", "shop", "a", h(3)),
                deploy("d2", "shop", "c", h(10)));
    }

    private static WindowMetrics shop(final PipelineDriver driver) {
        return driver.metrics("shop", null, FROM, TO);
    }

    @Test
    void baselineCountsButYieldsNoLeadTime() {
        try (PipelineDriver driver = new PipelineDriver().pipe(linear())) {
            final WindowMetrics m = shop(driver);
            assertEquals(2, m.deploymentFrequency().deployments());
            assertEquals(2, m.leadTime().samples());
            assertEquals(28_800.0, m.leadTime().medianSeconds(), 288);
            assertEquals(32_400.0, m.leadTime().p90Seconds(), 324);
            final Map<String, DeploymentFact> facts = driver.deploymentFacts();
            assertTrue(facts.get("d1").getBaseline());
            assertEquals(1, facts.get("d1").getDeployedChanges());
            assertEquals(0, facts.get("d1").getLeadTimeSamples());
            assertFalse(facts.get("d2").getBaseline());
            assertEquals(2, facts.get("d2").getDeployedChanges());
        }
    }

    @Test
    void anyArrivalOrderWithDuplicatesGivesTheSameAnswer() {
        final WindowMetrics expected;
        final Map<String, DeploymentFact> expectedFacts;
        try (PipelineDriver driver = new PipelineDriver().pipe(linear())) {
            expected = shop(driver);
            expectedFacts = Map.copyOf(driver.deploymentFacts());
        }
        final Random random = new Random(7);
        for (int i = 0; i < 10; i++) {
            final List<SpecificRecord> events = new ArrayList<>(linear());
            events.addAll(linear().subList(0, random.nextInt(5)));
            Collections.shuffle(events, random);
            try (PipelineDriver driver = new PipelineDriver().pipe(events)) {
                assertEquals(expected, shop(driver), "order " + events);
                assertEquals(expectedFacts, driver.deploymentFacts());
            }
        }
    }

    @Test
    void aBackfilledEarlierDeploymentBecomesTheBaseline() {
        try (PipelineDriver driver = new PipelineDriver()) {
            driver.pipe(commit("shop", "a", h(0)), commit("shop", "b", h(1), "a"), commit("shop", "c", h(2), "b"),
                    deploy("d2", "shop", "c", h(10)));
            assertEquals(0, shop(driver).leadTime().samples(), "the only deployment is the baseline");
            driver.pipe(deploy("d1", "shop", "a", h(3)));
            assertEquals(2, shop(driver).leadTime().samples());
            assertTrue(driver.deploymentFacts().get("d1").getBaseline());
            assertFalse(driver.deploymentFacts().get("d2").getBaseline());
        }
    }

    @Test
    void aMergeShipsBothParentsHistories() {
        try (PipelineDriver driver = new PipelineDriver().pipe(
                commit("shop", "a", h(0)),
                commit("shop", "b", h(1), "a"),
                commit("shop", "f1", h(2), "a"),
                commit("shop", "f2", h(3), "f1"),
                commit("shop", "m", h(4), "b", "f2"),
                deploy("d1", "shop", "a", h(5)),
                deploy("d2", "shop", "m", h(6)))) {
            assertEquals(4, driver.deploymentFacts().get("d2").getDeployedChanges());
            assertEquals(4, shop(driver).leadTime().samples());
        }
    }

    @Test
    void aDeploymentOfAnOlderShaShipsNothingNew() {
        try (PipelineDriver driver = new PipelineDriver().pipe(linear())
                .pipe(deploy("d3", "shop", "b", h(11)))) {
            assertEquals(0, driver.deploymentFacts().get("d3").getDeployedChanges());
            assertEquals(3, shop(driver).deploymentFrequency().deployments());
        }
    }

    @Test
    void aDeploymentWhoseShaIsUnknownCountsAndGainsSamplesWhenTheCommitArrives() {
        try (PipelineDriver driver = new PipelineDriver()) {
            driver.pipe(commit("shop", "a", h(0)), deploy("d1", "shop", "a", h(1)), deploy("d2", "shop", "c", h(5)),
                    deploy("d0", "shop", null, h(6)));
            assertEquals(3, shop(driver).deploymentFrequency().deployments());
            assertEquals(0, shop(driver).leadTime().samples());
            assertEquals(2, shop(driver).dataQuality().deploymentsWithUnknownSha(), "d2's sha is not known yet, d0 has none");
            assertEquals(1, shop(driver).dataQuality().baselineDeployments());
            driver.pipe(commit("shop", "c", h(3), "b"));
            assertEquals(1, shop(driver).leadTime().samples(), "c is known, its parent b is not: the walk ends at c");
            assertEquals(1, shop(driver).dataQuality().deploymentsWithUnknownSha());
            driver.pipe(commit("shop", "b", h(2), "a"));
            assertEquals(2, shop(driver).leadTime().samples());
        }
    }

    @Test
    void negativeLeadTimesAreDropped() {
        try (PipelineDriver driver = new PipelineDriver().pipe(
                commit("shop", "a", h(0)), deploy("d1", "shop", "a", h(1)),
                commit("shop", "b", h(9), "a"), deploy("d2", "shop", "b", h(8)))) {
            assertEquals(1, driver.deploymentFacts().get("d2").getDeployedChanges());
            assertEquals(0, shop(driver).leadTime().samples());
        }
    }

    @Test
    void onlySuccessfulProductionDeploymentsCountAndTheLatestEventWins() {
        try (PipelineDriver driver = new PipelineDriver().pipe(
                deployment("s1", "shop", null, h(1)).setEnvironment("staging").build(),
                deployment("p1", "shop", null, h(2)).setEnvironment("Production").build(),
                deployment("p2", "shop", null, h(3)).setEnvironment("prod").build(),
                deployment("p3", "shop", null, h(4)).setStatus(DeploymentStatus.failure).build(),
                // p4 succeeded, then a later event says it failed: the later event wins
                deployment("p4", "shop", null, h(5)).setOccurredAt(h(6)).setStatus(DeploymentStatus.failure).build(),
                deployment("p4", "shop", null, h(5)).build(),
                // p5: the in-progress event arrives after the success it preceded
                deployment("p5", "shop", null, h(7)).build(),
                deployment("p5", "shop", null, h(7)).setOccurredAt(h(6.5)).setStatus(DeploymentStatus.in_progress)
                        .setFinishedAt(null).build())) {
            assertEquals(3, shop(driver).deploymentFrequency().deployments());
            assertEquals(Map.of("p1", true, "p2", true, "p5", true),
                    Map.of("p1", driver.deploymentFacts().containsKey("p1"), "p2",
                            driver.deploymentFacts().containsKey("p2"), "p5", driver.deploymentFacts().containsKey("p5")));
        }
    }

    @Test
    void aTieInOccurredAtGoesToTheTerminalStatus() {
        try (PipelineDriver driver = new PipelineDriver().pipe(
                deployment("p1", "shop", null, h(2)).setOccurredAt(h(2)).build(),
                deployment("p1", "shop", null, h(2)).setOccurredAt(h(2)).setStatus(DeploymentStatus.in_progress)
                        .setFinishedAt(null).build())) {
            assertEquals(1, shop(driver).deploymentFrequency().deployments());
        }
    }

    @Test
    void aDeploymentThatMovesServiceLeavesTheOldOne() {
        try (PipelineDriver driver = new PipelineDriver().pipe(
                deploy("d1", "shop-repo", null, h(1)),
                deployment("d1", "shop", null, h(1)).setOccurredAt(h(2)).build())) {
            assertEquals(0, driver.metrics("shop-repo", null, FROM, TO).deploymentFrequency().deployments());
            assertEquals(1, shop(driver).deploymentFrequency().deployments());
            assertEquals("shop", driver.deploymentFacts().get("d1").getService());
        }
    }

    @Test
    void aDeploymentThatMovesAndStopsBeingProductionIsTombstoned() {
        try (PipelineDriver driver = new PipelineDriver().pipe(deploy("d1", "shop-repo", null, h(1)))) {
            assertTrue(driver.deploymentFacts().containsKey("d1"));
            driver.pipe(deployment("d1", "shop", null, h(1)).setOccurredAt(h(2)).setEnvironment("staging").build());
            assertFalse(driver.deploymentFacts().containsKey("d1"));
            assertEquals(0, driver.metrics(null, null, FROM, TO).deploymentFrequency().deployments());
        }
    }

    @Test
    void aServicesTeamIsTheTeamOfItsMostRecentEventThatNamesOne() {
        try (PipelineDriver driver = new PipelineDriver().pipe(
                deployment("d2", "shop", null, h(5)).setTeam("retail").build(),
                deployment("d1", "shop", null, h(1)).setTeam("legacy").build(),
                deployment("d3", "shop", null, h(9)).setTeam(null).build(),
                deployment("d9", "cart", null, h(1)).setTeam("retail").build())) {
            assertEquals("retail", driver.query().service("shop").orElseThrow().getTeam());
            assertEquals(4, driver.metrics(null, "retail", FROM, TO).deploymentFrequency().deployments());
            assertEquals(0, driver.query().servicesIn(null, "legacy").size());
        }
    }

    @Test
    void deployDaysPerWeekIsTheMedianOverTheWindowsWeeks() {
        final Instant monday = Instant.parse("2026-10-05T00:00:00Z");
        final List<SpecificRecord> events = new ArrayList<>();
        final int[] daysOfWeeks = {0, 1, 2, 3, 4, 7, 14, 16, 18};   // five days, one day, three days
        for (final int day : daysOfWeeks) {
            events.add(deploy("d" + day, "shop", null, monday.plus(Duration.ofDays(day)).plusSeconds(3600)));
            events.add(deploy("e" + day, "shop", null, monday.plus(Duration.ofDays(day)).plusSeconds(7200)));
        }
        try (PipelineDriver driver = new PipelineDriver().pipe(events)) {
            final long from = dev.dora.streams.metrics.DayBuckets.epochDay(monday);
            assertEquals(3.0, driver.query().deployDaysPerWeekMedian(Scope.service("shop"), MetricsConfig.PRODUCTION, from,
                    from + 21),
                    "weeks with 5, 1 and 3 deploy days; two deployments a day count once");
        }
    }

    /**
     * A team's and the organisation's whole months come from their month rows, which count the deployments of each
     * day: the days on which any of their services deployed, after a deployment moved to another day, are the same
     * as read day by day.
     */
    @Test
    void aTeamsDeployDaysComeFromItsMonthRowsAsFromItsDays() {
        final Instant monday = Instant.parse("2026-08-03T00:00:00Z");
        assertEquals(java.time.DayOfWeek.MONDAY, monday.atZone(java.time.ZoneOffset.UTC).getDayOfWeek());
        final int days = 91;
        final List<SpecificRecord> events = new ArrayList<>();
        final java.util.Set<Integer> deployDays = new java.util.TreeSet<>();
        for (int day = 0; day < days; day++) {
            final Instant at = monday.plus(Duration.ofDays(day)).plusSeconds(3600);
            if (day % 3 == 0) {
                events.add(deployment("s" + day, "shop", null, at).setTeam("retail").build());
                deployDays.add(day);
            }
            if (day % 7 == 5 || day % 11 == 0) {
                events.add(deployment("c" + day, "cart", null, at).setTeam("retail").build());
                deployDays.add(day);
            }
        }
        // shop's deployment of day 3 (the only one that day) is corrected to day 4
        events.add(deployment("s3", "shop", null, monday.plus(Duration.ofDays(4)).plusSeconds(7200))
                .setTeam("retail").build());
        deployDays.remove(3);
        deployDays.add(4);
        try (PipelineDriver driver = new PipelineDriver().pipe(events)) {
            final long monday0 = dev.dora.streams.metrics.DayBuckets.epochDay(monday);
            // windows with and without whole months (September: days 29-58, October: 59-89), weeks clipped
            for (final int from : List.of(0, 3, 10, 29)) {
                for (final int to : List.of(7, 31, 60, 75, 88, days)) {
                    if (from >= to) {
                        continue;
                    }
                    final double expected = medianDeployDays(deployDays, from, to);
                    for (final Scope scope : List.of(Scope.team("retail"), Scope.ORGANISATION)) {
                        assertEquals(expected, driver.query().deployDaysPerWeekMedian(scope,
                                MetricsConfig.PRODUCTION, monday0 + from, monday0 + to), scope + " " + from + "-" + to);
                        final MetricsQuery.TieredWindow tiered = driver.query().tieredMetrics(scope,
                                MetricsConfig.PRODUCTION, monday0 + from, monday0 + to);
                        assertEquals(expected, tiered.deployDaysPerWeekMedian(), "from the metrics' own read");
                        assertEquals(driver.query().metrics(scope, MetricsConfig.PRODUCTION, monday0 + from,
                                monday0 + to), tiered.metrics());
                    }
                }
            }
        }
    }

    /** September 2026, a month row alone: weeks of 6, 7, 7, 7 and 3 days; each deploy day counts where it lies. */
    @Test
    void aWholeMonthsDeployDaysAreTheDaysItsRowCounts() {
        final LocalDate first = LocalDate.parse("2026-09-01");
        final List<SpecificRecord> events = new ArrayList<>();
        for (final int day : List.of(7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 28, 29, 30)) {
            events.add(deployment("o" + day, "db", null, first.withDayOfMonth(day).atStartOfDay()
                    .toInstant(java.time.ZoneOffset.UTC).plusSeconds(600)).setTeam("ops").build());
        }
        try (PipelineDriver driver = new PipelineDriver().pipe(events)) {
            assertEquals(3.0, driver.query().deployDaysPerWeekMedian(Scope.team("ops"), MetricsConfig.PRODUCTION,
                    first.toEpochDay(), first.plusMonths(1).toEpochDay()), "weeks with 0, 7, 7, 0 and 3 deploy days");
            assertEquals(3.0, driver.query().tieredMetrics(Scope.team("ops"), MetricsConfig.PRODUCTION,
                    first.toEpochDay(), first.plusMonths(1).toEpochDay()).deployDaysPerWeekMedian());
        }
    }

    /** The median over the ISO weeks of [from, to) (days after a Monday, the first and last week clipped). */
    private static double medianDeployDays(final java.util.Set<Integer> deployDays, final int from, final int to) {
        final List<Long> perWeek = new ArrayList<>();
        for (int start = from; start < to; start = (start / 7 + 1) * 7) {
            final int first = start;
            final int end = Math.min(to, (start / 7 + 1) * 7);
            perWeek.add(deployDays.stream().filter(d -> d >= first && d < end).count());
        }
        Collections.sort(perWeek);
        return perWeek.get((int) Math.ceil(0.5 * perWeek.size()) - 1);
    }

    @Test
    void rollbacksAndHotfixesAreRework() {
        try (PipelineDriver driver = new PipelineDriver().pipe(linear()).pipe(
                deployment("d3", "shop", "a", h(11)).setRollbackOf("d2").build(),
                deployment("d4", "shop", "c", h(12)).setHotfix(true).build())) {
            final WindowMetrics m = shop(driver);
            assertEquals(4, m.deploymentFrequency().deployments());
            assertEquals(2, m.reworkRate().rework());
            assertEquals(0.5, m.reworkRate().rate());
            assertTrue(driver.deploymentFacts().get("d4").getRework());
            assertFalse(driver.deploymentFacts().get("d2").getRework());
        }
    }

    @Test
    void meanTimeBetweenFailuresFollowsLateIncidents() {
        try (PipelineDriver driver = new PipelineDriver().pipe(
                incident("i1", "shop", h(0), h(1)), incident("i3", "shop", h(10), null),
                incidentBuilder("s1", "shop", h(5), null).setEnvironment("staging").build())) {
            assertEquals(36_000.0, shop(driver).incidents().meanTimeBetweenFailuresSeconds(), "one gap of 10 h; staging is not a failure");
            driver.pipe(incident("i2", "shop", h(4), null));
            assertEquals(18_000.0, shop(driver).incidents().meanTimeBetweenFailuresSeconds(), "gaps of 4 h and 6 h");
            // every incident opened on the first day: its bucket holds the two gaps
            assertEquals(2, driver.dayBucket("shop", h(0)).getFailureGapSamples());
        }
    }

    @Test
    void windowsIncludeFromAndExcludeTo() {
        final Instant day = Instant.parse("2026-10-05T00:00:00Z");
        try (PipelineDriver driver = new PipelineDriver().pipe(
                deploy("at-from", "shop", null, day),
                deploy("before-to", "shop", null, day.plus(Duration.ofDays(1)).minusMillis(1)),
                deploy("at-to", "shop", null, day.plus(Duration.ofDays(1))))) {
            final WindowMetrics m = driver.metrics("shop", null, day, day.plus(Duration.ofDays(1)));
            assertEquals(2, m.deploymentFrequency().deployments());
            assertEquals(2.0, m.deploymentFrequency().perDay());
        }
    }

    @Nested
    class FailureAttribution {

        private PipelineDriver driverWith(final SpecificRecord... more) {
            return new PipelineDriver().pipe(linear()).pipe(more);
        }

        private DeploymentFact d2(final PipelineDriver driver) {
            return driver.deploymentFacts().get("d2");
        }

        @Test
        void byCauseDeploymentId() {
            try (PipelineDriver driver = driverWith(
                    incidentBuilder("i1", "shop", h(30), null).setCauseDeploymentId("d2").build())) {
                assertEquals(FailureRule.cause_deployment_id, d2(driver).getFailureRule());
                assertEquals(1, shop(driver).changeFailureRate().failed());
                assertEquals(0.5, shop(driver).changeFailureRate().rate());
            }
        }

        @Test
        void byCauseDeploymentIdFromAnotherServicesIncident() {
            try (PipelineDriver driver = driverWith(
                    incidentBuilder("i1", "cart", h(30), h(31)).setCauseDeploymentId("d2").build())) {
                assertEquals(FailureRule.cause_deployment_id, d2(driver).getFailureRule());
                assertEquals(1, shop(driver).changeFailureRate().failed());
                assertEquals(1, driver.metrics("cart", null, FROM, TO).timeToRestore().incidents(), "the incident stays cart's");
            }
        }

        @Test
        void aClaimArrivingBeforeItsDeploymentAndFollowingItsMoves() {
            try (PipelineDriver driver = new PipelineDriver()) {
                driver.pipe(incidentBuilder("i1", "cart", h(30), null).setCauseDeploymentId("d9").build());
                driver.pipe(deploy("d9", "shop-repo", null, h(20)));
                assertEquals(1, driver.metrics("shop-repo", null, FROM, TO).changeFailureRate().failed());
                driver.pipe(deployment("d9", "shop", null, h(20)).setOccurredAt(h(21)).build());
                assertEquals(0, driver.metrics("shop-repo", null, FROM, TO).changeFailureRate().failed());
                assertEquals(1, shop(driver).changeFailureRate().failed());
                driver.pipe(incidentBuilder("i1", "cart", h(30), null).setOccurredAt(h(40))
                        .setCauseDeploymentId(null).build());
                assertEquals(0, shop(driver).changeFailureRate().failed(), "the incident no longer names it");
            }
        }

        @Test
        void anIncidentMovingServiceKeepsItsClaim() {
            try (PipelineDriver driver = driverWith(
                    incidentBuilder("i1", "cart", h(30), null).setCauseDeploymentId("d2").build(),
                    incidentBuilder("i1", "checkout", h(30), null).setOccurredAt(h(31)).setCauseDeploymentId("d2").build())) {
                assertEquals(List.of("i1"), d2(driver).getCauseDeploymentIncidents());
                assertEquals(1, shop(driver).changeFailureRate().failed());
            }
        }

        @Test
        void recoveryRunsToTheLastChargedIncidentsResolution() {
            try (PipelineDriver driver = driverWith(
                    incident("i1", "shop", h(11), h(13)),
                    incidentBuilder("i2", "cart", h(12), null).setCauseDeploymentId("d2").build())) {
                assertNull(d2(driver).getRecoverySeconds(), "i2 is still open");
                driver.pipe(incidentBuilder("i2", "cart", h(12), h(16)).setCauseDeploymentId("d2").build());
                assertEquals(6 * 3600L, d2(driver).getRecoverySeconds(), "d2 finished at 10:00, i2 resolved at 16:00");
                final WindowMetrics m = shop(driver);
                assertEquals(1, m.failedDeploymentRecoveryTime().samples());
                assertEquals(21_600.0, m.failedDeploymentRecoveryTime().medianSeconds(), 216);
            }
        }

        @Test
        void aRolledBackChangeRecoversWithTheNextDeployment() {
            try (PipelineDriver driver = driverWith(deployment("d3", "shop", "b", h(10.5)).setRollbackOf("d2").build())) {
                assertEquals(1800L, d2(driver).getRecoverySeconds());
                assertNull(driver.deploymentFacts().get("d3").getRecoverySeconds(), "only failed changes recover");
            }
        }

        @Test
        void byCauseShaAmongTheDeployedChanges() {
            try (PipelineDriver driver = driverWith(
                    incidentBuilder("i1", "shop", h(100), null).setCauseSha(sha("b")).build())) {
                assertEquals(FailureRule.cause_sha, d2(driver).getFailureRule());
                assertFalse(driver.deploymentFacts().get("d1").getFailed());
            }
        }

        @Test
        void aCauseShaShippedByTheBaselineFailsTheBaseline() {
            try (PipelineDriver driver = driverWith(
                    incidentBuilder("i1", "shop", h(100), null).setCauseSha(sha("a")).build())) {
                assertEquals(FailureRule.cause_sha, driver.deploymentFacts().get("d1").getFailureRule());
                assertFalse(d2(driver).getFailed());
            }
        }

        @Test
        void byTimeWindowInclusiveOf24Hours() {
            try (PipelineDriver inside = driverWith(incident("i1", "shop", h(34), null));
                 PipelineDriver outside = driverWith(incident("i1", "shop", h(34).plusMillis(1), null))) {
                assertEquals(FailureRule.time_window, d2(inside).getFailureRule());
                assertEquals(List.of("i1"), d2(inside).getTimeWindowIncidents());
                assertFalse(d2(outside).getFailed());
            }
        }

        @Test
        void aLaterDeploymentTakesTheIncidentEvenWhenItArrivesLast() {
            try (PipelineDriver driver = driverWith(incident("i1", "shop", h(12), null))) {
                assertTrue(d2(driver).getFailed());
                driver.pipe(deploy("d3", "shop", "c", h(11)));
                assertFalse(d2(driver).getFailed());
                assertEquals(FailureRule.time_window, driver.deploymentFacts().get("d3").getFailureRule());
                assertEquals(1, shop(driver).changeFailureRate().failed());
            }
        }

        @Test
        void anIncidentBeforeAnyDeploymentOrOfAnotherServiceWithoutCauseIsNotAttributed() {
            try (PipelineDriver driver = driverWith(incident("i0", "shop", h(2), null),
                    incident("i1", "cart", h(11), null), incidentBuilder("i2", "shop", h(11), null)
                            .setEnvironment("staging").build())) {
                assertEquals(0, shop(driver).changeFailureRate().failed());
            }
        }

        @Test
        void byRollbackFromALaterDeployment() {
            try (PipelineDriver driver = driverWith(
                    deployment("d3", "shop", "a", h(11)).setRollbackOf("d2").build(),
                    deployment("d0", "shop", "a", h(9)).setRollbackOf("d1").build())) {
                assertEquals(FailureRule.rollback, d2(driver).getFailureRule());
                assertEquals(List.of("d3"), d2(driver).getRolledBackBy());
                assertTrue(driver.deploymentFacts().get("d1").getFailed());
                assertEquals(2, shop(driver).changeFailureRate().failed());
            }
        }

        @Test
        void aRollbackThatFinishedEarlierDoesNotCount() {
            try (PipelineDriver driver = driverWith(deployment("d3", "shop", "a", h(9)).setRollbackOf("d2").build())) {
                assertFalse(d2(driver).getFailed());
            }
        }

        @Test
        void theFirstRuleInOrderIsReported() {
            try (PipelineDriver driver = driverWith(
                    incident("i-window", "shop", h(11), null),
                    incidentBuilder("i-sha", "shop", h(50), null).setCauseSha(sha("c")).build(),
                    incidentBuilder("i-id", "shop", h(60), null).setCauseDeploymentId("d2").build(),
                    deployment("d3", "shop", "a", h(70)).setRollbackOf("d2").build())) {
                final DeploymentFact fact = d2(driver);
                assertEquals(FailureRule.cause_deployment_id, fact.getFailureRule());
                assertEquals(List.of("i-id"), fact.getCauseDeploymentIncidents());
                assertEquals(List.of("i-sha"), fact.getCauseShaIncidents());
                assertEquals(List.of("i-window"), fact.getTimeWindowIncidents());
                assertEquals(List.of("d3"), fact.getRolledBackBy());
                assertEquals(1, shop(driver).changeFailureRate().failed());
            }
        }

        @Test
        void anIncidentCorrectedToNameAnotherCauseMovesTheFailure() {
            try (PipelineDriver driver = driverWith(
                    incidentBuilder("i1", "shop", h(50), null).setCauseDeploymentId("d2").build())) {
                driver.pipe(incidentBuilder("i1", "shop", h(50), null).setOccurredAt(h(51))
                        .setCauseDeploymentId("d1").build());
                assertFalse(d2(driver).getFailed());
                assertEquals(FailureRule.cause_deployment_id, driver.deploymentFacts().get("d1").getFailureRule());
                assertEquals(1, shop(driver).changeFailureRate().failed());
            }
        }
    }

    @Test
    void timeToRestoreAndIncidentsOpenAtTheWindowEnd() {
        final Instant day = Instant.parse("2026-10-10T00:00:00Z");
        try (PipelineDriver driver = new PipelineDriver().pipe(
                incident("i1", "shop", day.minus(Duration.ofHours(1)), day.plus(Duration.ofHours(1))),
                incident("i2", "shop", day.plus(Duration.ofHours(2)), day.plus(Duration.ofHours(5))),
                incident("i3", "shop", day.plus(Duration.ofHours(3)), null),
                incident("i4", "shop", day.plus(Duration.ofHours(23)), day.plus(Duration.ofHours(25))),
                incidentBuilder("i5", "shop", day, null).setEnvironment("staging").build())) {
            final WindowMetrics m = driver.metrics("shop", null, day, day.plus(Duration.ofDays(1)));
            assertEquals(2, m.timeToRestore().incidents());
            assertEquals(7_200.0, m.timeToRestore().medianSeconds(), 72);
            assertEquals(10_800.0, m.timeToRestore().p90Seconds(), 108);
            assertEquals(2, m.timeToRestore().openIncidents(), "i3 never resolved, i4 resolved after the window");
            assertNull(m.leadTime().medianSeconds());
            assertNull(m.changeFailureRate().rate());
        }
    }
}
