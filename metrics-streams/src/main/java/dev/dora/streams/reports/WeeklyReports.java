package dev.dora.streams.reports;

import dev.dora.reports.BrokenDefaultBranch;
import dev.dora.reports.ChangeFailureRate;
import dev.dora.reports.Coverage;
import dev.dora.reports.DataQuality;
import dev.dora.reports.DeploymentFrequency;
import dev.dora.reports.FailedDeployment;
import dev.dora.reports.FailedDeploymentRecoveryTime;
import dev.dora.reports.Incidents;
import dev.dora.reports.LeadTime;
import dev.dora.reports.PipelineHealth;
import dev.dora.reports.ReportScope;
import dev.dora.reports.ReworkRate;
import dev.dora.reports.ScopeKind;
import dev.dora.reports.Tiers;
import dev.dora.reports.TimeToRestore;
import dev.dora.reports.Trend;
import dev.dora.reports.Trends;
import dev.dora.reports.WeeklyReport;
import dev.dora.streams.benchmarks.Benchmark;
import dev.dora.streams.query.MetricsQuery.WeekMetrics;
import dev.dora.streams.query.WindowMetrics;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoField;
import java.time.temporal.IsoFields;
import java.util.HashMap;
import java.util.List;
import java.util.function.Function;

/** Builds the weekly report of one scope and week from the same numbers {@code GET /api/v1/metrics} answers. */
public final class WeeklyReports {

    /** How many weeks before a week its trend compares it with. */
    public static final int TRAILING_WEEKS = 4;
    /** At most this many failed deployments are named in a report. */
    public static final int MAX_FAILED = 3;

    private WeeklyReports() {
    }

    /** The ISO week of a Monday, as {@code 2026-W44}. */
    public static String isoWeek(final LocalDate monday) {
        return String.format("%d-W%02d", monday.get(IsoFields.WEEK_BASED_YEAR),
                monday.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
    }

    /**
     * The Monday an ISO week ({@code 2026-W44}) starts on.
     *
     * @throws IllegalArgumentException when it is not such a week, or its year has no such week number
     */
    public static LocalDate monday(final String isoWeek) {
        final String[] parts = isoWeek.split("-W");
        if (parts.length != 2) {
            throw new IllegalArgumentException("not an ISO week like 2026-W44: " + isoWeek);
        }
        final LocalDate monday;
        try {
            // 4 January is always in week 1 of its week-based year
            monday = LocalDate.of(Integer.parseInt(parts[0]), 1, 4)
                    .with(IsoFields.WEEK_OF_WEEK_BASED_YEAR, Integer.parseInt(parts[1]))
                    .with(ChronoField.DAY_OF_WEEK, DayOfWeek.MONDAY.getValue());
        } catch (final DateTimeException e) {
            throw new IllegalArgumentException("no such ISO week: " + isoWeek, e);
        }
        // week 53 of a year of 52 weeks is quietly week 1 of the next: refused, as is any other spelling
        if (!isoWeek(monday).equals(isoWeek)) {
            throw new IllegalArgumentException("no such ISO week: " + isoWeek);
        }
        return monday;
    }

    /** The topic key: {@code service:<name>:<week>}, {@code team:<name>:<week>} or {@code organisation:<week>}. */
    public static String key(final ScopeKind kind, final String name, final String week) {
        return kind == ScopeKind.organisation ? "organisation:" + week : kind.name() + ":" + name + ":" + week;
    }

    /**
     * The report of {@code scope} for {@code week}, its revision and generation time left for the publisher to
     * set (0) so that two computations of the same numbers compare equal.
     */
    public static WeeklyReport build(final ReportScope scope, final WeekMetrics week, final Benchmark.Tiers tiers,
                                     final List<FailedDeployment> failed) {
        final WindowMetrics m = week.metrics();
        return WeeklyReport.newBuilder()
                .setWeek(isoWeek(week.week().start()))
                .setWeekStart(instant(week.week().start()))
                .setWeekEnd(instant(week.week().end()))
                .setScope(scope)
                .setRevision(0)
                .setGeneratedAt(Instant.EPOCH)
                .setDeploymentFrequency(new DeploymentFrequency(m.deploymentFrequency().deployments(),
                        m.deploymentFrequency().perDay()))
                .setLeadTime(new LeadTime(m.leadTime().samples(), m.leadTime().medianSeconds(),
                        m.leadTime().p90Seconds()))
                .setChangeFailureRate(new ChangeFailureRate(m.changeFailureRate().deployments(),
                        m.changeFailureRate().failed(), m.changeFailureRate().rate()))
                .setTimeToRestore(new TimeToRestore(m.timeToRestore().incidents(), m.timeToRestore().medianSeconds(),
                        m.timeToRestore().p90Seconds(), m.timeToRestore().openIncidents()))
                .setFailedDeploymentRecoveryTime(new FailedDeploymentRecoveryTime(
                        m.failedDeploymentRecoveryTime().samples(), m.failedDeploymentRecoveryTime().medianSeconds(),
                        m.failedDeploymentRecoveryTime().p90Seconds()))
                .setReworkRate(new ReworkRate(m.reworkRate().deployments(), m.reworkRate().rework(),
                        m.reworkRate().rate()))
                .setIncidents(new Incidents(m.incidents().opened(), new HashMap<>(m.incidents().bySeverity()),
                        m.incidents().detectSamples(), m.incidents().meanTimeToDetectSeconds(),
                        m.incidents().meanTimeBetweenFailuresSeconds()))
                .setDataQuality(new DataQuality(m.dataQuality().baselineDeployments(),
                        m.dataQuality().deploymentsWithUnknownSha(), m.dataQuality().incidentsNotAttributed(),
                        m.dataQuality().changesNeverDeployed()))
                .setPipelineHealth(pipelineHealth(m.pipelineHealth()))
                .setTiers(new Tiers(tiers.deploymentFrequency(), tiers.leadTime(), tiers.changeFailureRate(),
                        tiers.timeToRestore(), tiers.overall(), tiers.benchmark()))
                .setTrends(trends(week))
                .setFailedDeployments(failed.subList(0, Math.min(MAX_FAILED, failed.size())))
                .build();
    }

    private static Trends trends(final WeekMetrics week) {
        return new Trends(
                trend(week, TrendRule.FREQUENCY, m -> m.deploymentFrequency().perDay()),
                trend(week, TrendRule.DURATION, m -> m.leadTime().medianSeconds()),
                trend(week, TrendRule.RATE, m -> m.changeFailureRate().rate()),
                trend(week, TrendRule.DURATION, m -> m.timeToRestore().medianSeconds()),
                trend(week, TrendRule.DURATION, m -> m.failedDeploymentRecoveryTime().medianSeconds()),
                trend(week, TrendRule.RATE, m -> m.reworkRate().rate()),
                trend(week, TrendRule.SUCCESS_RATE, m -> m.pipelineHealth().successRate()),
                trend(week, TrendRule.DURATION, m -> m.pipelineHealth().durationMedianSeconds()));
    }

    /** The answer's pipeline block field for field: the report and {@code GET /api/v1/metrics} say the same. */
    private static PipelineHealth pipelineHealth(final WindowMetrics.PipelineHealth p) {
        return new PipelineHealth(p.runs(), p.succeeded(), p.failed(), p.cancelled(), p.successRate(),
                p.durationSamples(), p.durationMedianSeconds(), p.durationP90Seconds(), p.under10Minutes(),
                new BrokenDefaultBranch(p.brokenDefaultBranch().episodes(),
                        p.brokenDefaultBranch().medianTimeToFixSeconds(), p.brokenDefaultBranch().openNow()),
                new Coverage(p.coverage().latest(), p.coverage().change()));
    }

    private static Trend trend(final WeekMetrics week, final TrendRule rule,
                               final Function<WindowMetrics, Double> value) {
        final Double now = value.apply(week.metrics());
        final Double before = value.apply(week.weeksBefore());
        return new Trend(now, value.apply(week.previousWeek()), before, rule.trend(now, before));
    }

    private static Instant instant(final LocalDate day) {
        return day.atStartOfDay(ZoneOffset.UTC).toInstant();
    }
}
