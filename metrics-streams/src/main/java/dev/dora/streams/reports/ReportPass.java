package dev.dora.streams.reports;

import dev.dora.facts.DeploymentFact;
import dev.dora.reports.FailedDeployment;
import dev.dora.reports.ReportScope;
import dev.dora.reports.ScopeKind;
import dev.dora.reports.WeeklyReport;
import dev.dora.state.DeployRef;
import dev.dora.state.ServiceInfo;
import dev.dora.streams.config.MetricsConfig;
import dev.dora.streams.metrics.Granularity;
import dev.dora.streams.query.LedgerReader;
import dev.dora.streams.query.MetricsQuery;
import dev.dora.streams.query.MetricsQuery.WeekMetrics;
import dev.dora.streams.query.Tiering;
import dev.dora.streams.query.WindowMetrics;
import dev.dora.streams.store.Scope;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One computation of every weekly report: every closed week (its end plus the grace is at or before the pipeline's
 * event time, and before now) of every service, every team and the organisation, production environment, from the
 * week the scope's data starts. The numbers come from the same query as {@code GET /api/v1/metrics}.
 */
final class ReportPass {

    private static final Comparator<DeploymentFact> ORDER = Comparator
            .comparing(DeploymentFact::getFinishedAt).thenComparing(DeploymentFact::getDeploymentId);
    private static final String GROUP = MetricsConfig.PRODUCTION;

    private final MetricsQuery query;
    private final LedgerReader ledger;
    private final ReportSettings settings;
    private final Instant now;

    ReportPass(final MetricsQuery query, final LedgerReader ledger, final ReportSettings settings, final Instant now) {
        this.query = query;
        this.ledger = ledger;
        this.settings = settings;
        this.now = now;
    }

    /** The reports to publish (each with revision 0: the publisher numbers them). */
    List<WeeklyReport> reports() {
        final List<Granularity.Period> weeks = closedWeeks();
        if (weeks.isEmpty()) {
            return List.of();
        }
        final List<WeeklyReport> reports = new ArrayList<>();
        final Map<String, Map<LocalDate, List<DeploymentFact>>> failedByService = new HashMap<>();
        final Map<String, List<String>> teams = new TreeMap<>();
        for (final ServiceInfo info : query.services()) {
            final String service = info.getService();
            final List<WeekMetrics> series = query.weeks(Scope.service(service), GROUP, weeks,
                    WeeklyReports.TRAILING_WEEKS);
            failedByService.put(service, failedDeployments(service, series));
            if (info.getTeam() != null) {
                teams.computeIfAbsent(info.getTeam(), t -> new ArrayList<>()).add(service);
            }
            add(reports, new ReportScope(ScopeKind.service, service), series, failedByService.get(service));
        }
        teams.forEach((team, members) -> add(reports, new ReportScope(ScopeKind.team, team),
                query.weeks(Scope.team(team), GROUP, weeks, WeeklyReports.TRAILING_WEEKS),
                merged(members, failedByService)));
        add(reports, new ReportScope(ScopeKind.organisation, null),
                query.weeks(Scope.ORGANISATION, GROUP, weeks, WeeklyReports.TRAILING_WEEKS),
                merged(new ArrayList<>(failedByService.keySet()), failedByService));
        return reports;
    }

    /**
     * From the week the organisation's data starts to the last week closed by event time. The pipeline's event time is
     * the latest UTC day on which the organisation has production data: read from the day buckets, it is the same
     * whichever instance or partition processed what, and it only moves forward.
     */
    private List<Granularity.Period> closedWeeks() {
        final Optional<MetricsQuery.DataDays> days = query.dataDays(Scope.ORGANISATION, GROUP);
        if (days.isEmpty()) {
            return List.of();
        }
        final Instant eventTime = LocalDate.ofEpochDay(days.get().last()).atStartOfDay(ZoneOffset.UTC).toInstant();
        // a week closes when event time passes its end plus the grace; a clock running behind closes nothing early
        final Instant time = eventTime.isBefore(now) ? eventTime : now;
        final LocalDate closedUntil = monday(LocalDate.ofInstant(time.minus(settings.grace()), ZoneOffset.UTC));
        final LocalDate first = monday(LocalDate.ofEpochDay(days.get().first()));
        return first.isBefore(closedUntil) ? Granularity.WEEK.periods(first, closedUntil) : List.of();
    }

    private static LocalDate monday(final LocalDate day) {
        return day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
    }

    /** A report per week from the scope's first week with data on. */
    private void add(final List<WeeklyReport> reports, final ReportScope scope, final List<WeekMetrics> series,
                     final Map<LocalDate, List<DeploymentFact>> failed) {
        boolean started = false;
        for (final WeekMetrics week : series) {
            started = started || hasData(week.metrics());
            if (started) {
                reports.add(WeeklyReports.build(scope, week,
                        Tiering.tiers(settings.benchmark(), week.metrics(), week.deployDays(), 7),
                        failed.getOrDefault(week.week().start(), List.of()).stream().map(ReportPass::failure)
                                .toList()));
            }
        }
    }

    /**
     * Whether a week starts a scope's reports: a deployment, an incident opened, resolved or open, a change never
     * deployed, or a build that finished or a default branch left broken (a team that only sends CI events in a week
     * still gets its pipeline's report). Builds do not move the event time that closes weeks, nor the first week of
     * the organisation: those stay the production data's, so no report published before builds existed changes.
     */
    private static boolean hasData(final WindowMetrics m) {
        return hasDeliveryData(m) || m.pipelineHealth().runs() > 0
                || m.pipelineHealth().brokenDefaultBranch().openNow() > 0;
    }

    private static boolean hasDeliveryData(final WindowMetrics m) {
        return m.deploymentFrequency().deployments() > 0 || m.incidents().opened() > 0
                || m.timeToRestore().incidents() > 0 || m.timeToRestore().openIncidents() > 0
                || m.dataQuality().changesNeverDeployed() != null && m.dataQuality().changesNeverDeployed() > 0;
    }

    /** The service's failed deployments of each week with any, in (finishedAt, id) order. */
    private Map<LocalDate, List<DeploymentFact>> failedDeployments(final String service,
                                                                   final List<WeekMetrics> series) {
        final Map<LocalDate, List<DeploymentFact>> failed = new HashMap<>();
        for (final WeekMetrics week : series) {
            if (week.metrics().changeFailureRate().failed() == 0) {
                continue;
            }
            final List<DeploymentFact> facts = new ArrayList<>();
            for (final DeployRef ref : ledger.deployments(service, GROUP, millis(week.week().start()),
                    millis(week.week().end()), null, Integer.MAX_VALUE)) {
                ledger.deployment(service, ref.getDeploymentId()).filter(DeploymentFact::getFailed)
                        .ifPresent(facts::add);
                if (facts.size() == WeeklyReports.MAX_FAILED) {
                    break;
                }
            }
            failed.put(week.week().start(), facts);
        }
        return failed;
    }

    /** The first failed deployments of each week among {@code services}. */
    private static Map<LocalDate, List<DeploymentFact>> merged(
            final List<String> services, final Map<String, Map<LocalDate, List<DeploymentFact>>> byService) {
        final Map<LocalDate, List<DeploymentFact>> merged = new HashMap<>();
        for (final String service : services) {
            byService.getOrDefault(service, Map.of()).forEach((week, facts) ->
                    merged.computeIfAbsent(week, w -> new ArrayList<>()).addAll(facts));
        }
        merged.replaceAll((week, facts) -> facts.stream().sorted(ORDER).limit(WeeklyReports.MAX_FAILED).toList());
        return merged;
    }

    private static FailedDeployment failure(final DeploymentFact fact) {
        final FailedDeployment.Builder out = FailedDeployment.newBuilder().setDeploymentId(fact.getDeploymentId())
                .setService(fact.getService()).setRule(fact.getFailureRule());
        switch (fact.getFailureRule()) {
            case cause_deployment_id -> out.setIncidentId(fact.getCauseDeploymentIncidents().get(0));
            case cause_sha -> out.setIncidentId(fact.getCauseShaIncidents().get(0));
            case time_window -> out.setIncidentId(fact.getTimeWindowIncidents().get(0));
            case rollback -> out.setRollbackDeploymentId(fact.getRolledBackBy().get(0));
            default -> throw new IllegalStateException("unknown failure rule " + fact.getFailureRule());
        }
        return out.build();
    }

    private static long millis(final LocalDate day) {
        return day.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }
}
