package dev.dora.streams.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dora.reports.FailedDeployment;
import dev.dora.reports.PipelineHealth;
import dev.dora.reports.ScopeKind;
import dev.dora.reports.Trend;
import dev.dora.reports.WeeklyReport;
import dev.dora.streams.model.DeploymentView;
import dev.dora.streams.model.MetricsAnswer;
import dev.dora.streams.model.PipelineHealthAnswer;
import dev.dora.streams.model.ReferenceModel;
import dev.dora.streams.query.WindowMetrics;
import dev.dora.streams.topology.ConvergenceTest;
import dev.dora.streams.topology.PipelineDriver;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every weekly report of generated histories against the independent {@link ReferenceModel}: each scope's numbers
 * of each closed week, the trends' values, the failed deployments named; the same reports whatever the arrival
 * order; and the revisions a late backfill causes, only where the numbers changed.
 */
@Tag("topology")
class WeeklyReportsTopologyTest {

    /** Long after every generated event: the weeks close by event time, not by this clock. */
    private static final Instant NOW = Instant.parse("2027-03-01T00:00:00Z");
    private static final ReportSettings SETTINGS = ReportSettings.withGrace(ReportSettings.DEFAULT_GRACE);

    private static Map<String, WeeklyReport> reports(final PipelineDriver driver) {
        final Map<String, WeeklyReport> byKey = new TreeMap<>();
        for (final WeeklyReport report : new ReportPass(driver.query(), driver.ledger(), SETTINGS, NOW).reports()) {
            final WeeklyReport previous = byKey.put(key(report), report);
            assertNull(previous, "one report per scope and week: " + key(report));
        }
        return byKey;
    }

    private static String key(final WeeklyReport report) {
        return WeeklyReports.key(report.getScope().getKind(), report.getScope().getName(), report.getWeek());
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2})
    void everyReportIsTheReferenceModelsWeekAndEveryArrivalOrderGivesTheSameReports(final long seed) {
        final List<SpecificRecord> events = ConvergenceTest.history(seed);
        final ReferenceModel model = ReferenceModel.defaults().load(events);
        final Map<String, WeeklyReport> inOrder;
        try (PipelineDriver driver = new PipelineDriver().pipe(events)) {
            inOrder = reports(driver);
        }
        assertCoversEveryScope(model, inOrder);
        for (final WeeklyReport report : inOrder.values()) {
            assertMatchesModel(model, report);
        }
        for (final List<SpecificRecord> order : List.of(ConvergenceTest.shuffledWithDuplicates(events, seed),
                ConvergenceTest.lateBackfill(events))) {
            try (PipelineDriver driver = new PipelineDriver().pipe(order)) {
                assertEquals(inOrder, reports(driver), "the same reports in another arrival order");
            }
        }
    }

    @Test
    void aLateBackfillRevisesOnlyTheWeeksWhoseNumbersChangedAndADuplicateRevisesNothing() {
        final List<SpecificRecord> events = ConvergenceTest.history(3);
        final int third = events.size() / 3;
        final ReportState state = new ReportState();
        final Instant first = NOW;
        final Instant second = NOW.plus(Duration.ofHours(1));
        try (PipelineDriver driver = new PipelineDriver().pipe(events.subList(third, events.size()))) {
            final Map<String, WeeklyReport> recent = reports(driver);
            recent.forEach((key, report) -> {
                final WeeklyReport published = state.next(key, report, first);
                assertEquals(1, published.getRevision(), key);
                assertEquals(first, published.getGeneratedAt(), key);
                state.remember(key, published);
            });
            recent.forEach((key, report) -> assertNull(state.next(key, report, second), "unchanged: " + key));

            driver.pipe(new ArrayList<>(events.subList(0, third)));
            final Map<String, WeeklyReport> full = reports(driver);
            int revised = 0;
            int unchanged = 0;
            for (final Map.Entry<String, WeeklyReport> entry : full.entrySet()) {
                final WeeklyReport before = recent.get(entry.getKey());
                final WeeklyReport next = state.next(entry.getKey(), entry.getValue(), second);
                if (before == null) {
                    assertEquals(1, next.getRevision(), "a week first reported now: " + entry.getKey());
                } else if (before.equals(entry.getValue())) {
                    assertNull(next, "numbers unchanged, nothing published: " + entry.getKey());
                    unchanged++;
                } else {
                    assertEquals(2, next.getRevision(), "numbers changed: " + entry.getKey());
                    revised++;
                }
                if (next != null) {
                    state.remember(entry.getKey(), next);
                }
            }
            assertTrue(revised > 0 && unchanged > 0, revised + " revised, " + unchanged + " unchanged");

            try (PipelineDriver inOrder = new PipelineDriver().pipe(events)) {
                assertEquals(reports(inOrder), full, "after the backfill, the reports of the whole history");
            }
            driver.pipe(events.get(0), events.get(events.size() / 2));
            reports(driver).forEach((key, report) ->
                    assertNull(state.next(key, report, second), "a duplicate changes nothing: " + key));

            // a withdrawn report that comes back continues its revisions: none is ever published twice
            final Map.Entry<String, WeeklyReport> any = full.entrySet().iterator().next();
            final WeeklyReport other = WeeklyReport.newBuilder(any.getValue())
                    .setWeekStart(any.getValue().getWeekStart().plusSeconds(1)).build();
            final int last = state.next(any.getKey(), other, second).getRevision() - 1;
            state.withdrawn(any.getKey());
            assertTrue(!state.live().contains(any.getKey()), "withdrawn");
            assertEquals(last + 1, state.next(any.getKey(), any.getValue(), second).getRevision(),
                    "after a withdrawal, the next revision");
        }
    }

    /** From its first week with data to the last closed week, every service, team and the organisation. */
    private static void assertCoversEveryScope(final ReferenceModel model, final Map<String, WeeklyReport> reports) {
        final String lastWeek = reports.values().stream().map(WeeklyReport::getWeek).max(Comparator.naturalOrder())
                .orElseThrow();
        // END is a Sunday's midnight: the week that ends then closes one day of grace later, after the last event
        assertEquals("2026-W43", lastWeek, "the last week closed by event time");
        final Set<String> expected = new HashSet<>();
        expected.add(WeeklyReports.key(ScopeKind.organisation, null, lastWeek));
        model.teams().forEach((service, team) -> {
            expected.add(WeeklyReports.key(ScopeKind.service, service, lastWeek));
            if (team != null) {
                expected.add(WeeklyReports.key(ScopeKind.team, team, lastWeek));
            }
        });
        final Set<String> last = reports.values().stream().filter(r -> r.getWeek().equals(lastWeek))
                .map(WeeklyReportsTopologyTest::key).collect(Collectors.toSet());
        assertEquals(expected, last, "every scope has a report of the last closed week");
        assertTrue(reports.size() > expected.size() * 5, "several weeks of each scope: " + reports.size());
    }

    private static void assertMatchesModel(final ReferenceModel model, final WeeklyReport report) {
        final String service = report.getScope().getKind() == ScopeKind.service ? report.getScope().getName() : null;
        final String team = report.getScope().getKind() == ScopeKind.team ? report.getScope().getName() : null;
        final Instant start = report.getWeekStart();
        final Instant end = report.getWeekEnd();
        assertEquals(Duration.ofDays(7), Duration.between(start, end));
        assertEquals(report.getWeek(), WeeklyReports.isoWeek(WeeklyReports.monday(report.getWeek())));
        final MetricsAnswer expected = model.metrics(service, team, start, end);
        final String where = key(report);
        assertEquals(expected.deployments(), report.getDeploymentFrequency().getDeployments(), "deployments " + where);
        assertEquals(expected.perDay(), report.getDeploymentFrequency().getPerDay(), 1e-12, "perDay " + where);
        assertEquals(expected.leadTimeSamples(), report.getLeadTime().getSamples(), "lead-time samples " + where);
        assertClose(expected.leadTimeMedianSeconds(), report.getLeadTime().getMedianSeconds(), "lead median " + where);
        assertClose(expected.leadTimeP90Seconds(), report.getLeadTime().getP90Seconds(), "lead p90 " + where);
        assertEquals(expected.failed(), report.getChangeFailureRate().getFailed(), "failed " + where);
        assertEquals(expected.changeFailureRate(), report.getChangeFailureRate().getRate(), "rate " + where);
        assertEquals(expected.incidents(), report.getTimeToRestore().getIncidents(), "restored " + where);
        assertClose(expected.restoreMedianSeconds(), report.getTimeToRestore().getMedianSeconds(), "restore " + where);
        assertEquals(expected.openIncidents(), report.getTimeToRestore().getOpenIncidents(), "open " + where);
        assertEquals(expected.recoverySamples(), report.getFailedDeploymentRecoveryTime().getSamples(),
                "recoveries " + where);
        assertClose(expected.recoveryMedianSeconds(), report.getFailedDeploymentRecoveryTime().getMedianSeconds(),
                "recovery " + where);
        assertEquals(expected.reworkDeployments(), report.getReworkRate().getRework(), "rework " + where);
        assertEquals(expected.incidentsOpened(), report.getIncidents().getOpened(), "opened " + where);
        assertEquals(expected.incidentsBySeverity(), new TreeMap<>(report.getIncidents().getBySeverity()),
                "by severity " + where);
        assertEquals(expected.baselineDeployments(), report.getDataQuality().getBaselineDeployments(),
                "baselines " + where);
        assertEquals(expected.unknownShaDeployments(), report.getDataQuality().getDeploymentsWithUnknownSha(),
                "unknown sha " + where);
        assertEquals(expected.unattributedIncidents(), report.getDataQuality().getIncidentsNotAttributed(),
                "unattributed " + where);
        assertEquals((Long) expected.undeployedChanges(), report.getDataQuality().getChangesNeverDeployed(),
                "undeployed " + where);
        assertPipelineHealth(model, report, service, team);
        assertTrends(model, report, service, team);
        assertFailedDeployments(model, report, service, team);
        assertEquals(SETTINGS.benchmark().name(), report.getTiers().getBenchmark(), "benchmark " + where);
    }

    /** The week's pipeline block and the build trends, against the model's pipeline health of the same days. */
    private static void assertPipelineHealth(final ReferenceModel model, final WeeklyReport report,
                                             final String service, final String team) {
        final Instant start = report.getWeekStart();
        final String where = key(report);
        assertNull(model.pipelineHealth(service, team, start, report.getWeekEnd()).total()
                .mismatch(answer(report.getPipelineHealth())), "pipeline health " + where);
        final PipelineHealthAnswer.Block week = model.pipelineHealth(service, team, start, report.getWeekEnd())
                .total();
        final PipelineHealthAnswer.Block previous = model.pipelineHealth(service, team,
                start.minus(Duration.ofDays(7)), start).total();
        final PipelineHealthAnswer.Block before = model.pipelineHealth(service, team,
                start.minus(Duration.ofDays(28)), start).total();
        assertBuildTrend(report.getTrends().getBuildSuccessRate(), TrendRule.SUCCESS_RATE, week, previous, before,
                PipelineHealthAnswer.Block::successRate, "build success rate " + where);
        assertBuildTrend(report.getTrends().getBuildDuration(), TrendRule.DURATION, week, previous, before,
                PipelineHealthAnswer.Block::durationMedianSeconds, "build duration " + where);
    }

    private static void assertBuildTrend(final Trend trend, final TrendRule rule, final PipelineHealthAnswer.Block week,
                                         final PipelineHealthAnswer.Block previous,
                                         final PipelineHealthAnswer.Block before,
                                         final Function<PipelineHealthAnswer.Block, Double> value, final String where) {
        assertNotNull(trend, where);
        assertClose(value.apply(week), trend.getThisWeek(), "this week's " + where);
        assertClose(value.apply(previous), trend.getPreviousWeek(), "previous week's " + where);
        assertClose(value.apply(before), trend.getFourWeeksBefore(), "four weeks before " + where);
        assertEquals(rule.trend(trend.getThisWeek(), trend.getFourWeeksBefore()), trend.getTrend(), where);
    }

    /** The report's pipeline block as the answer's record, field for field (the names are the same). */
    private static WindowMetrics.PipelineHealth answer(final PipelineHealth p) {
        assertNotNull(p, "a report carries its pipeline block");
        return new WindowMetrics.PipelineHealth(p.getRuns(), p.getSucceeded(), p.getFailed(), p.getCancelled(),
                p.getSuccessRate(), p.getDurationSamples(), p.getDurationMedianSeconds(), p.getDurationP90Seconds(),
                p.getUnder10Minutes(), new WindowMetrics.BrokenDefaultBranch(p.getBrokenDefaultBranch().getEpisodes(),
                        p.getBrokenDefaultBranch().getMedianTimeToFixSeconds(),
                        p.getBrokenDefaultBranch().getOpenNow()),
                new WindowMetrics.Coverage(p.getCoverage().getLatest(), p.getCoverage().getChange()));
    }

    /** This week, the week before and the four weeks before, each against the model's own window. */
    private static void assertTrends(final ReferenceModel model, final WeeklyReport report, final String service,
                                     final String team) {
        final Instant start = report.getWeekStart();
        final MetricsAnswer week = model.metrics(service, team, start, report.getWeekEnd());
        final MetricsAnswer previous = model.metrics(service, team, start.minus(Duration.ofDays(7)), start);
        final MetricsAnswer before = model.metrics(service, team, start.minus(Duration.ofDays(28)), start);
        final String where = key(report);
        assertTrend(report.getTrends().getDeploymentFrequency(), TrendRule.FREQUENCY, week, previous, before,
                MetricsAnswer::perDay, "frequency " + where);
        assertTrend(report.getTrends().getLeadTime(), TrendRule.DURATION, week, previous, before,
                MetricsAnswer::leadTimeMedianSeconds, "lead time " + where);
        assertTrend(report.getTrends().getChangeFailureRate(), TrendRule.RATE, week, previous, before,
                MetricsAnswer::changeFailureRate, "failure rate " + where);
        assertTrend(report.getTrends().getTimeToRestore(), TrendRule.DURATION, week, previous, before,
                MetricsAnswer::restoreMedianSeconds, "restore " + where);
        assertTrend(report.getTrends().getFailedDeploymentRecoveryTime(), TrendRule.DURATION, week, previous,
                before, MetricsAnswer::recoveryMedianSeconds, "recovery " + where);
    }

    private static void assertTrend(final Trend trend, final TrendRule rule, final MetricsAnswer week,
                                    final MetricsAnswer previous, final MetricsAnswer before,
                                    final Function<MetricsAnswer, Double> value, final String where) {
        assertClose(value.apply(week), trend.getThisWeek(), "this week's " + where);
        assertClose(value.apply(previous), trend.getPreviousWeek(), "previous week's " + where);
        assertClose(value.apply(before), trend.getFourWeeksBefore(), "four weeks before " + where);
        assertEquals(rule.trend(trend.getThisWeek(), trend.getFourWeeksBefore()), trend.getTrend(), where);
    }

    /** The first failed deployments of the week in the scope, by finish time, with their rule. */
    private static void assertFailedDeployments(final ReferenceModel model, final WeeklyReport report,
                                                final String service, final String team) {
        final Map<String, String> teams = model.teams();
        final List<DeploymentView> failed = model.deployments().values().stream()
                .filter(DeploymentView::failed)
                .filter(d -> !d.finishedAt().isBefore(report.getWeekStart())
                        && d.finishedAt().isBefore(report.getWeekEnd()))
                .filter(d -> service == null || service.equals(d.service()))
                .filter(d -> team == null || team.equals(teams.get(d.service())))
                .sorted(Comparator.comparing(DeploymentView::finishedAt).thenComparing(DeploymentView::id))
                .limit(WeeklyReports.MAX_FAILED).toList();
        final List<FailedDeployment> named = report.getFailedDeployments();
        assertEquals(failed.stream().map(DeploymentView::id).toList(),
                named.stream().map(FailedDeployment::getDeploymentId).toList(), "failed deployments " + key(report));
        for (int i = 0; i < failed.size(); i++) {
            assertEquals(failed.get(i).rule(), named.get(i).getRule().name(), "rule of " + failed.get(i).id());
            assertEquals(failed.get(i).service(), named.get(i).getService(), "service of " + failed.get(i).id());
            assertNotNull(named.get(i).getIncidentId() != null ? named.get(i).getIncidentId()
                    : named.get(i).getRollbackDeploymentId(), "the evidence of " + failed.get(i).id());
        }
    }

    private static void assertClose(final Double expected, final Double actual, final String what) {
        assertTrue(MetricsAnswer.withinOnePercent(expected, actual), what + ": " + expected + " vs " + actual);
    }
}
