package dev.dora.streams.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dora.events.BuildEvent;
import dev.dora.events.BuildStatus;
import dev.dora.events.DeploymentEvent;
import dev.dora.events.DeploymentStatus;
import dev.dora.events.DeploymentStrategy;
import dev.dora.events.IncidentEvent;
import dev.dora.events.IncidentStatus;
import dev.dora.events.Severity;
import dev.dora.facts.DeploymentFact;
import dev.dora.streams.model.DeploymentView;
import dev.dora.streams.model.MetricsAnswer;
import dev.dora.streams.model.PipelineHealthAnswer;
import dev.dora.streams.model.ReferenceModel;
import dev.dora.streams.query.LedgerReader;
import dev.dora.streams.query.WindowMetrics;
import dev.dora.streams.simulation.BuildHistory;
import dev.dora.streams.simulation.HistoryGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Generated histories piped through the topology in order, shuffled, duplicated and with a late backfill
 * must all give the answers of the independent {@link ReferenceModel}, for every scope and several windows; whether
 * the ledger's punctuation runs after every record or, as in the running pipeline, after several hundred, so that
 * deployments arriving after a later one are held and applied in batches.
 */
@Tag("topology")
public class ConvergenceTest {

    private static final Instant END = Instant.parse("2026-11-01T00:00:00Z");

    /**
     * A generated history with its CI builds, plus a few incidents naming another service's deployment as their
     * cause and a few corrections sent later.
     */
    public static List<SpecificRecord> history(final long seed) {
        final HistoryGenerator generator = HistoryGenerator.builder().seed(seed).end(END).days(45).build();
        final List<BuildEvent> builds = BuildHistory.generate(generator.services(), seed, END, 45);
        final List<SpecificRecord> events = new ArrayList<>(BuildHistory.merged(generator.generate(), builds));
        final List<DeploymentEvent> production = events.stream()
                .filter(e -> e instanceof DeploymentEvent d && d.getStatus() == DeploymentStatus.success
                        && d.getEnvironment().startsWith("prod"))
                .map(DeploymentEvent.class::cast).toList();
        for (int i = 0; i < 3; i++) {
            final DeploymentEvent cause = production.get((int) ((seed * 7 + i * 31) % production.size()));
            events.add(IncidentEvent.newBuilder().setId("cross-" + i).setService("edge-proxy").setTeam("platform")
                    .setOccurredAt(cause.getFinishedAt().plusSeconds(600)).setEnvironment("production")
                    .setStatus(IncidentStatus.resolved).setOpenedAt(cause.getFinishedAt().plusSeconds(60))
                    .setResolvedAt(cause.getFinishedAt().plusSeconds(600)).setCauseDeploymentId(cause.getId())
                    .setDetectedAt(cause.getFinishedAt().plusSeconds(60 + 90L * i)).build());
        }
        // corrections sent later: three deployments change strategy (one to none), three incidents severity
        final DeploymentStrategy[] strategies = {null, DeploymentStrategy.feature_flag, DeploymentStrategy.canary};
        for (int i = 0; i < strategies.length; i++) {
            final DeploymentEvent original = production.get((int) ((seed * 11 + i * 17) % production.size()));
            events.add(DeploymentEvent.newBuilder(original).setStrategy(strategies[i])
                    .setOccurredAt(original.getOccurredAt().plusSeconds(60)).build());
        }
        final List<IncidentEvent> resolved = events.stream()
                .filter(e -> e instanceof IncidentEvent incident && incident.getStatus() == IncidentStatus.resolved
                        && !incident.getId().startsWith("cross-"))
                .map(IncidentEvent.class::cast).toList();
        final Severity[] severities = {null, Severity.SEV5, Severity.SEV1};
        for (int i = 0; i < severities.length && i < resolved.size(); i++) {
            final IncidentEvent original = resolved.get((int) ((seed * 13 + i * 7) % resolved.size()));
            events.add(IncidentEvent.newBuilder(original).setSeverity(severities[i])
                    .setOccurredAt(original.getOccurredAt().plusSeconds(60)).build());
        }
        // builds corrected later: a failure that was a success, a success that was a failure, a lost coverage, and
        // one build moved to another service
        final List<BuildEvent> finished = builds.stream().filter(b -> b.getFinishedAt() != null).toList();
        final BuildStatus[] corrected = {BuildStatus.success, BuildStatus.failure, null, BuildStatus.cancelled};
        for (int i = 0; i < corrected.length; i++) {
            final BuildEvent original = finished.get((int) ((seed * 19 + i * 41) % finished.size()));
            final BuildEvent.Builder fix = BuildEvent.newBuilder(original)
                    .setOccurredAt(original.getOccurredAt().plusSeconds(120));
            if (corrected[i] == null) {
                fix.setCoverage(null).setService("edge-proxy").setTeam("platform");
            } else {
                fix.setStatus(corrected[i]);
            }
            events.add(fix.build());
        }
        return events;
    }

    /** Records between two runs of the ledger's punctuation in the batched runs: a few commit intervals' worth. */
    private static final int BATCH = 500;

    public static List<SpecificRecord> shuffledWithDuplicates(final List<SpecificRecord> events, final long seed) {
        final Random random = new Random(seed);
        final List<SpecificRecord> out = new ArrayList<>(events);
        for (int i = 0; i < events.size() / 10; i++) {
            out.add(events.get(random.nextInt(events.size())));
        }
        Collections.shuffle(out, random);
        return out;
    }

    /** Recent events first, then the oldest third arrives months late, newest first. */
    public static List<SpecificRecord> lateBackfill(final List<SpecificRecord> events) {
        final int third = events.size() / 3;
        final List<SpecificRecord> out = new ArrayList<>(events.subList(third, events.size()));
        final List<SpecificRecord> old = new ArrayList<>(events.subList(0, third));
        Collections.reverse(old);
        out.addAll(old);
        return out;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void everyArrivalOrderConvergesToTheReferenceModel(final long seed) {
        final List<SpecificRecord> events = history(seed);
        final ReferenceModel model = ReferenceModel.defaults().load(events);
        final MetricsAnswer all = model.metrics(null, null, END.minus(Duration.ofDays(60)), END);
        assertTrue(all.deployments() > 50 && all.failed() > 3 && all.leadTimeSamples() > 100 && all.incidents() > 3
                        && all.recoverySamples() > 3 && all.reworkDeployments() > 0
                        && all.unattributedIncidents() < all.incidentsOpened(),
                "the generated history exercises every metric: " + all.deployments() + " deployments, " + all.failed()
                        + " failed, " + all.incidents() + " incidents resolved, " + all.recoverySamples()
                        + " recoveries, " + all.reworkDeployments() + " rework");
        final PipelineHealthAnswer.Block builds = model.pipelineHealth(null, null, END.minus(Duration.ofDays(60)), END)
                .total();
        assertTrue(builds.runs() > 500 && builds.failed() > 20 && builds.cancelled() > 0 && builds.episodes() > 10
                        && builds.coverageLatest() != null && builds.under10Minutes() < 1
                        && model.pipelineHealth(null, null, END.minus(Duration.ofDays(60)), END).byPipeline().size() == 2,
                "the generated history exercises pipeline health: " + builds.summary());
        final MetricsAnswer staging = model.inEnvironment("staging").metrics(null, null, END.minus(Duration.ofDays(60)), END);
        assertTrue(staging.deployments() > 50 && staging.leadTimeSamples() > 100 && staging.incidentsOpened() > 0,
                "staging, its own environment group, has deployments and incidents too");
        assertTrue(all.byStrategy().size() >= 4 && all.byStrategy().containsKey("unspecified")
                        && all.bySeverity().size() >= 4 && all.bySeverity().containsKey("unspecified"),
                "the breakdowns have several keys, unspecified among them: " + all.bySeverity() + all.byStrategy());
        final List<List<SpecificRecord>> orders = List.of(events, shuffledWithDuplicates(events, seed),
                lateBackfill(events));
        for (final List<SpecificRecord> order : orders) {
            try (PipelineDriver driver = new PipelineDriver().pipe(order)) {
                assertMatches(model, driver);
            }
        }
        // as the running pipeline does: deployments that arrive after a later one wait, and are applied in batches
        for (final List<SpecificRecord> order : orders.subList(1, orders.size())) {
            try (PipelineDriver driver = new PipelineDriver().punctuateEvery(BATCH).pipe(order)) {
                assertMatches(model, driver);
            }
        }
    }

    /** Production and staging, each its own environment group, both match the model. */
    static void assertMatches(final ReferenceModel model, final PipelineDriver driver) {
        assertEquals(model.teams(), teams(driver), "service teams");
        for (final String environment : List.of(ReferenceModel.PRODUCTION, "staging")) {
            assertMatches(model.inEnvironment(environment), driver, environment);
        }
    }

    private static void assertMatches(final ReferenceModel model, final PipelineDriver driver, final String environment) {
        final List<Instant[]> windows = List.of(
                new Instant[] {END.minus(Duration.ofDays(60)), END},
                new Instant[] {END.minus(Duration.ofDays(30)), END.minus(Duration.ofDays(7))},
                new Instant[] {END.minus(Duration.ofDays(8)), END.minus(Duration.ofDays(7))},
                new Instant[] {END.minus(Duration.ofDays(1)), END.plus(Duration.ofDays(1))});
        final List<String[]> scopes = new ArrayList<>();
        scopes.add(new String[] {null, null});
        model.teams().forEach((service, team) -> {
            scopes.add(new String[] {service, null});
            scopes.add(new String[] {null, team});
        });
        for (final Instant[] window : windows) {
            for (final String[] scope : scopes) {
                final MetricsAnswer expected = model.metrics(scope[0], scope[1], window[0], window[1]);
                final WindowMetrics actual = driver.metrics(scope[0], scope[1], environment, window[0], window[1]);
                final String where = environment + " service=" + scope[0] + " team=" + scope[1] + " " + window[0] + ".."
                        + window[1];
                assertEquals(expected.deployments(), actual.deploymentFrequency().deployments(), "deployments " + where);
                assertEquals(expected.perDay(), actual.deploymentFrequency().perDay(), 1e-12, "perDay " + where);
                assertEquals(expected.leadTimeSamples(), actual.leadTime().samples(), "lead-time samples " + where);
                assertTrue(MetricsAnswer.withinOnePercent(expected.leadTimeMedianSeconds(), actual.leadTime().medianSeconds()),
                        "lead-time median " + where + ": " + expected.leadTimeMedianSeconds() + " vs " + actual.leadTime().medianSeconds());
                assertTrue(MetricsAnswer.withinOnePercent(expected.leadTimeP90Seconds(), actual.leadTime().p90Seconds()),
                        "lead-time p90 " + where + ": " + expected.leadTimeP90Seconds() + " vs " + actual.leadTime().p90Seconds());
                assertEquals(expected.failed(), actual.changeFailureRate().failed(), "failed " + where);
                assertEquals(expected.changeFailureRate(), actual.changeFailureRate().rate(), "rate " + where);
                assertEquals(expected.incidents(), actual.timeToRestore().incidents(), "incidents " + where);
                assertTrue(MetricsAnswer.withinOnePercent(expected.restoreMedianSeconds(), actual.timeToRestore().medianSeconds()),
                        "restore median " + where);
                assertTrue(MetricsAnswer.withinOnePercent(expected.restoreP90Seconds(), actual.timeToRestore().p90Seconds()),
                        "restore p90 " + where);
                assertEquals(expected.openIncidents(), actual.timeToRestore().openIncidents(), "open incidents " + where);
                assertEquals(expected.recoverySamples(), actual.failedDeploymentRecoveryTime().samples(), "recovery samples " + where);
                assertEquals(expected.reworkDeployments(), actual.reworkRate().rework(), "rework " + where);
                assertEquals(expected.incidentsOpened(), actual.incidents().opened(), "incidents opened " + where);
                assertEquals(expected.incidentsBySeverity(), actual.incidents().bySeverity(), "by severity " + where);
                assertEquals(expected.detectSamples(), actual.incidents().detectSamples(), "detect samples " + where);
                assertEquals(expected.meanTimeToDetectSeconds(), actual.incidents().meanTimeToDetectSeconds(), "MTTD " + where);
                assertEquals(expected.baselineDeployments(), actual.dataQuality().baselineDeployments(), "baselines " + where);
                assertEquals(expected.unknownShaDeployments(), actual.dataQuality().deploymentsWithUnknownSha(), "unknown sha " + where);
                // delivery is counted against production only (docs/METRICS.md): other groups report none
                assertEquals(ReferenceModel.PRODUCTION.equals(environment) ? (Long) expected.undeployedChanges() : null,
                        actual.dataQuality().changesNeverDeployed(), "undeployed " + where);
                assertEquals(expected.unattributedIncidents(), actual.dataQuality().incidentsNotAttributed(), "unattributed " + where);
                assertEquals(expected.meanTimeBetweenFailuresSeconds(), actual.incidents().meanTimeBetweenFailuresSeconds(),
                        "MTBF " + where);
                assertTrue(MetricsAnswer.withinOnePercent(expected.recoveryMedianSeconds(), actual.failedDeploymentRecoveryTime().medianSeconds()),
                        "recovery median " + where);
                assertTrue(MetricsAnswer.withinOnePercent(expected.recoveryP90Seconds(), actual.failedDeploymentRecoveryTime().p90Seconds()),
                        "recovery p90 " + where);
                assertBreakdownsMatch(expected, actual, where);
                // builds have no environment: every group has the organisation's, team's or service's pipeline health
                assertPipelineHealthMatches(model.pipelineHealth(scope[0], scope[1], window[0], window[1]), actual,
                        where);
            }
        }
        final Map<String, DeploymentFact> published = driver.deploymentFacts();
        final Map<String, DeploymentView> deployments = model.deployments();
        final boolean production = ReferenceModel.PRODUCTION.equals(environment);
        if (production) {
            assertEquals(deployments.keySet(), published.keySet(), "production deployments with a published fact");
        }
        final LedgerReader ledger = driver.ledger();
        deployments.forEach((id, view) -> {
            final DeploymentFact fact = ledger.deployment(view.service(), id).orElseThrow(() -> new AssertionError(
                    "no fact of " + environment + " deployment " + id));
            if (production) {
                assertEquals(fact, published.get(id), "the published fact of " + id + " is the stored one");
            } else {
                assertTrue(!published.containsKey(id), "a " + environment + " fact is not published: " + id);
            }
            assertEquals(view.service(), fact.getService(), id);
            assertEquals(view.baseline(), fact.getBaseline(), "baseline of " + id);
            assertEquals(view.deployedChanges().size(), fact.getDeployedChanges(), "deployed changes of " + id);
            assertEquals(view.leadTimeSamples().size(), fact.getLeadTimeSamples(), "lead-time samples of " + id);
            assertEquals(view.failed(), fact.getFailed(), "failed " + id);
            assertEquals(view.rule(), fact.getFailureRule() == null ? null : fact.getFailureRule().name(), "rule of " + id);
            assertEquals(view.recoverySeconds(), fact.getRecoverySeconds(), "recovery of " + id);
        });
    }

    /** The per-severity and per-strategy breakdowns match the model's and add up to the totals. */
    static void assertBreakdownsMatch(final MetricsAnswer expected, final WindowMetrics actual, final String where) {
        assertEquals(expected.bySeverity().keySet(), actual.breakdowns().severity().keySet(), "severities " + where);
        expected.bySeverity().forEach((severity, e) -> {
            final WindowMetrics.SeverityBreakdown a = actual.breakdowns().severity().get(severity);
            final String at = severity + " " + where;
            assertEquals(e.incidentsOpened(), a.incidentsOpened(), "opened " + at);
            assertEquals(e.incidentsResolved(), a.incidentsResolved(), "resolved " + at);
            assertTrue(MetricsAnswer.withinOnePercent(e.restoreMedianSeconds(), a.restoreMedianSeconds()),
                    "restore median " + at + ": " + e.restoreMedianSeconds() + " vs " + a.restoreMedianSeconds());
            assertTrue(MetricsAnswer.withinOnePercent(e.restoreP90Seconds(), a.restoreP90Seconds()), "restore p90 " + at);
        });
        assertEquals(expected.byStrategy().keySet(), actual.breakdowns().strategy().keySet(), "strategies " + where);
        expected.byStrategy().forEach((strategy, e) -> {
            final WindowMetrics.StrategyBreakdown a = actual.breakdowns().strategy().get(strategy);
            final String at = strategy + " " + where;
            assertEquals(e.deployments(), a.deployments(), "deployments " + at);
            assertEquals(e.failed(), a.failedDeployments(), "failed " + at);
            assertEquals(e.changeFailureRate(), a.changeFailureRate(), "change failure rate " + at);
            assertEquals(e.reworkDeployments(), a.reworkDeployments(), "rework " + at);
            assertEquals(e.reworkRate(), a.reworkRate(), "rework rate " + at);
            assertEquals(e.leadTimeSamples(), a.leadTimeSamples(), "lead-time samples " + at);
            assertTrue(MetricsAnswer.withinOnePercent(e.leadTimeMedianSeconds(), a.leadTimeMedianSeconds()),
                    "lead-time median " + at);
            assertTrue(MetricsAnswer.withinOnePercent(e.leadTimeP90Seconds(), a.leadTimeP90Seconds()), "lead-time p90 " + at);
            assertEquals(e.recoverySamples(), a.recoverySamples(), "recovery samples " + at);
            assertTrue(MetricsAnswer.withinOnePercent(e.recoveryMedianSeconds(), a.recoveryMedianSeconds()),
                    "recovery median " + at);
            assertTrue(MetricsAnswer.withinOnePercent(e.recoveryP90Seconds(), a.recoveryP90Seconds()), "recovery p90 " + at);
        });
        assertSumsToTotals(actual, where);
    }

    /** The pipeline health block and its breakdown by pipeline match the model's. */
    static void assertPipelineHealthMatches(final PipelineHealthAnswer expected, final WindowMetrics actual,
                                            final String where) {
        final String total = expected.total().mismatch(actual.pipelineHealth());
        assertNull(total, "pipeline health " + where + ": " + total);
        assertEquals(expected.byPipeline().keySet(), actual.breakdowns().pipeline().keySet(), "pipelines " + where);
        expected.byPipeline().forEach((pipeline, block) -> {
            final String one = block.mismatch(actual.breakdowns().pipeline().get(pipeline));
            assertNull(one, "pipeline " + pipeline + " " + where + ": " + one);
        });
    }

    /** Every breakdown count adds up to the corresponding total. */
    static void assertSumsToTotals(final WindowMetrics m, final String where) {
        final var severities = m.breakdowns().severity().values();
        assertEquals(m.incidents().opened(), severities.stream().mapToLong(s -> s.incidentsOpened()).sum(), "opened " + where);
        assertEquals(m.timeToRestore().incidents(), severities.stream().mapToLong(s -> s.incidentsResolved()).sum(), "resolved " + where);
        final var strategies = m.breakdowns().strategy().values();
        assertEquals(m.deploymentFrequency().deployments(), strategies.stream().mapToLong(s -> s.deployments()).sum(), "deployments " + where);
        assertEquals(m.changeFailureRate().failed(), strategies.stream().mapToLong(s -> s.failedDeployments()).sum(), "failed " + where);
        assertEquals(m.reworkRate().rework(), strategies.stream().mapToLong(s -> s.reworkDeployments()).sum(), "rework " + where);
        assertEquals(m.leadTime().samples(), strategies.stream().mapToLong(s -> s.leadTimeSamples()).sum(),
                "lead-time samples " + where);
        assertEquals(m.failedDeploymentRecoveryTime().samples(), strategies.stream().mapToLong(s -> s.recoverySamples()).sum(),
                "recovery samples " + where);
    }

    private static Map<String, String> teams(final PipelineDriver driver) {
        final Map<String, String> teams = new java.util.HashMap<>();
        driver.query().services().forEach(s -> teams.put(s.getService(), s.getTeam()));
        return teams;
    }
}
