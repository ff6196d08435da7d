package dev.dora.streams.model;

import dev.dora.schema.EventFields;
import dev.dora.events.BuildEvent;
import dev.dora.events.BuildStatus;
import dev.dora.events.ChangeEvent;
import dev.dora.streams.config.HotfixRule;
import dev.dora.events.DeploymentEvent;
import dev.dora.events.DeploymentStatus;
import dev.dora.events.IncidentEvent;
import dev.dora.events.IncidentStatus;
import dev.dora.schema.AvroCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;

/**
 * A deliberately simple batch implementation of {@code docs/METRICS.md}, the oracle the streaming topology
 * is checked against.
 *
 * <p>It keeps every event it is given and recomputes everything from scratch on the first query after a
 * {@link #load}: winners per entity, then per service the full ancestry of every production deployment as a
 * plain set. Nothing is incremental on purpose, so that each rule reads like the sentence of the spec it
 * implements and the model is obviously right rather than fast. Arrival order cannot matter because all
 * decisions go through total orders on the events themselves.
 *
 * <p>Public, and shipped in the module's test-jar, so the launcher's end-to-end tests can use it too.
 */
public final class ReferenceModel {

    /** The failure rule names, as the symbols of {@code dev.dora.facts.FailureRule}. */
    public static final String CAUSE_DEPLOYMENT_ID = "cause_deployment_id";
    public static final String CAUSE_SHA = "cause_sha";
    public static final String TIME_WINDOW = "time_window";
    public static final String ROLLBACK = "rollback";
    public static final String PRODUCTION = "production";

    private static final long DAY_MS = Duration.ofDays(1).toMillis();

    private final Set<String> productionEnvironments;
    private final Duration incidentWindow;
    private final HotfixRule hotfixRule = HotfixRule.defaults();
    /** The environment group this model computes: production, or one other environment's lower-case name. */
    private final String environment;
    private final List<SpecificRecord> received = new ArrayList<>();
    /** Everything derived from {@link #received}; null when stale. */
    private Derived derived;

    /**
     * @param productionEnvironments environment names that count as production, compared case-insensitively
     * @param incidentWindow         how long after a deployment an incident without a cause is charged to it
     */
    public ReferenceModel(final Set<String> productionEnvironments, final Duration incidentWindow) {
        this(productionEnvironments, incidentWindow, PRODUCTION);
    }

    private ReferenceModel(final Set<String> productionEnvironments, final Duration incidentWindow,
                           final String environment) {
        this.productionEnvironments = productionEnvironments.stream()
                .map(e -> e.toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
        this.incidentWindow = Objects.requireNonNull(incidentWindow);
        this.environment = environment;
    }

    /**
     * The same events seen from another environment group: every rule applies unchanged with "production" read
     * as that group, except changes never deployed, which count against production only.
     */
    public ReferenceModel inEnvironment(final String group) {
        return new ReferenceModel(productionEnvironments, incidentWindow, group).load(received);
    }

    /** Production = {production, prod}; incident window 24 h. */
    public static ReferenceModel defaults() {
        return new ReferenceModel(Set.of("production", "prod"), Duration.ofHours(24));
    }

    /** Adds events (ChangeEvent, DeploymentEvent, IncidentEvent, BuildEvent); may be called repeatedly, in any order. */
    public ReferenceModel load(final Collection<? extends SpecificRecord> events) {
        for (final SpecificRecord event : events) {
            if (!(event instanceof ChangeEvent || event instanceof DeploymentEvent || event instanceof IncidentEvent
                    || event instanceof BuildEvent)) {
                throw new IllegalArgumentException("not an input event: " + event.getClass().getName());
            }
            received.add(event);
        }
        derived = null;
        return this;
    }

    /**
     * The metrics of a scope over the window [from, to).
     *
     * @param service one service, or null
     * @param team    every service whose current team is this, or null; with both, the service must be in the team
     */
    public MetricsAnswer metrics(final String service, final String team, final Instant from, final Instant to) {
        final Derived d = derived();
        final Set<String> scope = new TreeSet<>();
        for (final String s : d.knownServices) {
            if ((service == null || service.equals(s)) && (team == null || team.equals(d.teams.get(s)))) {
                scope.add(s);
            }
        }

        long deployments = 0;
        long failed = 0;
        final List<Long> leadTimes = new ArrayList<>();
        final List<Long> recoveries = new ArrayList<>();
        long rework = 0;
        long baselines = 0;
        long unknownSha = 0;
        final Map<String, List<DeploymentView>> viewsByStrategy = new TreeMap<>();
        for (final DeploymentView view : d.views.values()) {
            if (scope.contains(view.service()) && inWindow(view.finishedAt(), from, to)) {
                final DeploymentEvent winner = d.deployments.get(view.id());
                viewsByStrategy.computeIfAbsent(winner.getStrategy() == null ? "unspecified"
                        : winner.getStrategy().name(), k -> new ArrayList<>()).add(view);
                deployments++;
                if (view.failed()) {
                    failed++;
                }
                leadTimes.addAll(view.leadTimeSamples());
                if (view.recoverySeconds() != null) {
                    recoveries.add(view.recoverySeconds());
                }
                if (isRework(d, view)) {
                    rework++;
                }
                if (view.baseline()) {
                    baselines++;
                }
                if (view.sha() == null || !d.commits.containsKey(new ChangeKey(view.service(), view.sha()))) {
                    unknownSha++;
                }
            }
        }
        Collections.sort(recoveries);

        final List<Long> restores = new ArrayList<>();
        long open = 0;
        long opened = 0;
        long detectSamples = 0;
        long detectSum = 0;
        long unattributed = 0;
        final Map<String, Long> bySeverity = new TreeMap<>();
        final Map<String, List<Long>> restoresBySeverity = new TreeMap<>();
        for (final IncidentEvent incident : d.incidents.values()) {
            if (!scope.contains(incident.getService()) || !inGroup(incident.getEnvironment())) {
                continue;
            }
            final String severity = incident.getSeverity() == null ? "unspecified" : incident.getSeverity().name();
            final boolean resolved = incident.getStatus() == IncidentStatus.resolved && incident.getResolvedAt() != null;
            if (resolved && inWindow(incident.getResolvedAt(), from, to)) {
                final long ms = incident.getResolvedAt().toEpochMilli() - incident.getOpenedAt().toEpochMilli();
                restores.add(Math.floorDiv(ms, 1000L));
                restoresBySeverity.computeIfAbsent(severity, k -> new ArrayList<>()).add(Math.floorDiv(ms, 1000L));
            }
            if (incident.getOpenedAt().isBefore(to) && (!resolved || !incident.getResolvedAt().isBefore(to))) {
                open++;
            }
            if (inWindow(incident.getOpenedAt(), from, to)) {
                opened++;
                if (!d.attributed.contains(incident.getId())) {
                    unattributed++;
                }
                bySeverity.merge(severity, 1L, Long::sum);
                if (incident.getDetectedAt() != null) {
                    detectSamples++;
                    detectSum += (incident.getDetectedAt().toEpochMilli() - incident.getOpenedAt().toEpochMilli()) / 1000;
                }
            }
        }

        Collections.sort(leadTimes);
        Collections.sort(restores);
        final double days = (double) (to.toEpochMilli() - from.toEpochMilli()) / DAY_MS;
        return new MetricsAnswer(
                deployments,
                deployments / days,
                leadTimes.size(),
                nearestRank(leadTimes, 1, 2),
                nearestRank(leadTimes, 9, 10),
                failed,
                deployments == 0 ? null : (double) failed / deployments,
                restores.size(),
                nearestRank(restores, 1, 2),
                nearestRank(restores, 9, 10),
                open,
                leadTimes,
                restores,
                recoveries.size(),
                nearestRank(recoveries, 1, 2),
                nearestRank(recoveries, 9, 10),
                rework,
                opened,
                Map.copyOf(bySeverity),
                detectSamples,
                detectSamples == 0 ? null : (double) detectSum / detectSamples,
                baselines,
                unknownSha,
                !PRODUCTION.equals(environment) ? 0 : d.commits.entrySet().stream()
                        .filter(e -> scope.contains(e.getKey().service()) && !d.delivered.contains(e.getKey())
                                && inWindow(e.getValue().getCommittedAt(), from, to))
                        .count(),
                meanTimeBetweenFailures(d, scope, from, to),
                unattributed,
                severityBreakdown(bySeverity, restoresBySeverity),
                strategyBreakdown(d, viewsByStrategy));
    }

    private static Map<String, MetricsAnswer.SeverityAnswer> severityBreakdown(final Map<String, Long> opened,
                                                                              final Map<String, List<Long>> restores) {
        final Set<String> severities = new TreeSet<>(opened.keySet());
        severities.addAll(restores.keySet());
        final Map<String, MetricsAnswer.SeverityAnswer> out = new TreeMap<>();
        for (final String severity : severities) {
            final List<Long> samples = new ArrayList<>(restores.getOrDefault(severity, List.of()));
            Collections.sort(samples);
            out.put(severity, new MetricsAnswer.SeverityAnswer(opened.getOrDefault(severity, 0L), samples.size(),
                    nearestRank(samples, 1, 2), nearestRank(samples, 9, 10)));
        }
        return out;
    }

    /**
     * Rework: a rollback, a deployment flagged hotfix, or one that is not a baseline delivering a change the hotfix
     * rule marks (its branch matches a glob or one of the labels any of its versions carried is a hotfix label).
     */
    private boolean isRework(final Derived d, final DeploymentView view) {
        final DeploymentEvent deployment = d.deployments.get(view.id());
        return deployment.getRollbackOf() != null || deployment.getHotfix()
                || !view.baseline() && view.deployedChanges().stream()
                        .anyMatch(sha -> hotfixRule.matches(d.commits.get(new ChangeKey(view.service(), sha))));
    }

    private Map<String, MetricsAnswer.StrategyAnswer> strategyBreakdown(
            final Derived d, final Map<String, List<DeploymentView>> views) {
        final Map<String, MetricsAnswer.StrategyAnswer> out = new TreeMap<>();
        views.forEach((strategy, list) -> {
            final long n = list.size();
            final long failed = list.stream().filter(DeploymentView::failed).count();
            final long rework = list.stream().filter(v -> isRework(d, v)).count();
            final List<Long> leadTimes = list.stream().flatMap(v -> v.leadTimeSamples().stream()).sorted().toList();
            final List<Long> recoveries = list.stream().map(DeploymentView::recoverySeconds).filter(Objects::nonNull)
                    .sorted().toList();
            out.put(strategy, new MetricsAnswer.StrategyAnswer(n, failed, (double) failed / n, rework,
                    (double) rework / n, leadTimes.size(), nearestRank(leadTimes, 1, 2), nearestRank(leadTimes, 9, 10),
                    recoveries.size(), nearestRank(recoveries, 1, 2), nearestRank(recoveries, 9, 10)));
        });
        return out;
    }

    /** Per service, the gaps between consecutive production incidents (by openedAt, then id) ending in the window. */
    private Double meanTimeBetweenFailures(final Derived d, final Set<String> scope, final Instant from, final Instant to) {
        final Map<String, List<IncidentEvent>> byService = new HashMap<>();
        for (final IncidentEvent incident : d.incidents.values()) {
            if (scope.contains(incident.getService()) && inGroup(incident.getEnvironment())) {
                byService.computeIfAbsent(incident.getService(), s -> new ArrayList<>()).add(incident);
            }
        }
        long samples = 0;
        long sum = 0;
        for (final List<IncidentEvent> incidents : byService.values()) {
            incidents.sort(Comparator.comparing(IncidentEvent::getOpenedAt).thenComparing(IncidentEvent::getId));
            for (int i = 1; i < incidents.size(); i++) {
                if (inWindow(incidents.get(i).getOpenedAt(), from, to)) {
                    samples++;
                    sum += (incidents.get(i).getOpenedAt().toEpochMilli()
                            - incidents.get(i - 1).getOpenedAt().toEpochMilli()) / 1000;
                }
            }
        }
        return samples == 0 ? null : (double) sum / samples;
    }

    /**
     * The pipeline health of a scope over [from, to) (see {@link BuildReference}); the same for every environment.
     *
     * @param fastSeconds the fast-build threshold
     */
    public PipelineHealthAnswer pipelineHealth(final String service, final String team, final Instant from,
                                               final Instant to, final long fastSeconds) {
        final Derived d = derived();
        final Set<String> scope = new TreeSet<>();
        for (final String s : d.knownServices) {
            if ((service == null || service.equals(s)) && (team == null || team.equals(d.teams.get(s)))) {
                scope.add(s);
            }
        }
        return new BuildReference(d.builds.values(), fastSeconds).answer(scope, from, to);
    }

    /** {@link #pipelineHealth(String, String, Instant, Instant, long)} with the default threshold, 600 s. */
    public PipelineHealthAnswer pipelineHealth(final String service, final String team, final Instant from,
                                               final Instant to) {
        return pipelineHealth(service, team, from, to, 600);
    }

    /** Every known service and its current team (null when no event of the service names one). */
    public Map<String, String> teams() {
        return new HashMap<>(derived().teams);
    }

    /** Every production deployment, by id. */
    public Map<String, DeploymentView> deployments() {
        return Collections.unmodifiableMap(derived().views);
    }

    /** The ids of the incidents some deployment of the group is charged with. */
    public Set<String> attributedIncidents() {
        return Collections.unmodifiableSet(derived().attributed);
    }

    /** Whether an environment name is in the production set (case-insensitive). */
    public boolean isProduction(final String environment) {
        return environment != null && productionEnvironments.contains(environment.trim().toLowerCase(Locale.ROOT));
    }

    /** Whether an environment name belongs to the group this model computes. */
    private boolean inGroup(final String name) {
        return name != null && environment.equals(isProduction(name) ? PRODUCTION : name.trim().toLowerCase(Locale.ROOT));
    }

    /**
     * Nearest rank, k = ceil(q * n) with q = numerator / denominator. Integer arithmetic, because
     * {@code Math.ceil(0.9 * n)} is off by one for some n due to binary rounding.
     */
    static Double nearestRank(final List<Long> sortedAscending, final long numerator, final long denominator) {
        final int n = sortedAscending.size();
        if (n == 0) {
            return null;
        }
        final long k = Math.max(1, (numerator * n + denominator - 1) / denominator);
        return (double) sortedAscending.get((int) k - 1);
    }

    private static boolean inWindow(final Instant t, final Instant from, final Instant to) {
        return !t.isBefore(from) && t.isBefore(to);
    }

    // ---------------------------------------------------------------------------------------------------
    // Derivation

    private Derived derived() {
        if (derived == null) {
            derived = derive();
        }
        return derived;
    }

    private record ChangeKey(String service, String sha) {
    }

    private record TeamObservation(Instant occurredAt, String team) {
    }

    /** Everything the queries read, computed in one go from all received events. */
    private static final class Derived {
        final Set<String> knownServices = new TreeSet<>();
        final Map<String, String> teams = new HashMap<>();
        final Map<String, IncidentEvent> incidents = new HashMap<>();
        final Map<String, DeploymentView> views = new LinkedHashMap<>();
        final Map<String, DeploymentEvent> deployments = new HashMap<>();
        final Map<String, BuildEvent> builds = new HashMap<>();
        final Map<ChangeKey, ChangeEvent> commits = new HashMap<>();
        final Set<ChangeKey> delivered = new HashSet<>();
        /** Incidents charged to at least one deployment of the group. */
        final Set<String> attributed = new HashSet<>();
    }

    private Derived derive() {
        final Derived d = new Derived();
        final Map<ChangeKey, ChangeEvent> changes = d.commits;
        final Map<String, DeploymentEvent> deployments = d.deployments;
        final Map<String, TeamObservation> teamObservations = new HashMap<>();
        final Map<ChangeKey, Set<String>> labels = new HashMap<>();

        for (final SpecificRecord event : received) {
            final String service = EventFields.service(event);
            d.knownServices.add(service);
            // the team rule looks at every event, winner or not
            final String team = EventFields.team(event);
            if (team != null) {
                final TeamObservation candidate = new TeamObservation(EventFields.occurredAt(event), team);
                teamObservations.merge(service, candidate, ReferenceModel::laterTeamObservation);
            }
            if (event instanceof ChangeEvent change) {
                changes.merge(new ChangeKey(change.getService(), change.getSha()), change, ReferenceModel::winner);
                labels.computeIfAbsent(new ChangeKey(change.getService(), change.getSha()), k -> new TreeSet<>())
                        .addAll(change.getLabels());
            } else if (event instanceof DeploymentEvent deployment) {
                deployments.merge(deployment.getId(), deployment, ReferenceModel::winner);
            } else if (event instanceof IncidentEvent incident) {
                d.incidents.merge(incident.getId(), incident, ReferenceModel::winner);
            } else if (event instanceof BuildEvent build) {
                d.builds.merge(build.getId(), build, ReferenceModel::winner);
            }
        }
        // a change's labels are those of every version of it, whichever version wins
        labels.forEach((key, all) -> changes.computeIfPresent(key, (k, change) ->
                ChangeEvent.newBuilder(change).setLabels(new ArrayList<>(all)).build()));
        for (final String service : d.knownServices) {
            final TeamObservation observation = teamObservations.get(service);
            d.teams.put(service, observation == null ? null : observation.team());
        }

        // per service: its known commits, its production deployments in order, its production incidents
        final Map<String, Map<String, ChangeEvent>> commitsByService = new HashMap<>();
        for (final ChangeEvent change : changes.values()) {
            commitsByService.computeIfAbsent(change.getService(), s -> new HashMap<>()).put(change.getSha(), change);
        }
        final Map<String, List<DeploymentEvent>> productionByService = new HashMap<>();
        for (final DeploymentEvent deployment : deployments.values()) {
            if (isProductionDeployment(deployment)) {
                productionByService.computeIfAbsent(deployment.getService(), s -> new ArrayList<>()).add(deployment);
            }
        }
        final Map<String, List<IncidentEvent>> productionIncidentsByService = new HashMap<>();
        for (final IncidentEvent incident : d.incidents.values()) {
            if (inGroup(incident.getEnvironment())) {
                productionIncidentsByService.computeIfAbsent(incident.getService(), s -> new ArrayList<>()).add(incident);
            }
        }

        final List<IncidentEvent> allProductionIncidents = productionIncidentsByService.values().stream()
                .flatMap(List::stream).toList();
        for (final String service : d.knownServices) {
            final List<DeploymentEvent> ordered = new ArrayList<>(productionByService.getOrDefault(service, List.of()));
            ordered.sort(DEPLOYMENT_ORDER);
            final Map<String, ChangeEvent> commits = commitsByService.getOrDefault(service, Map.of());
            final List<IncidentEvent> incidents = productionIncidentsByService.getOrDefault(service, List.of());

            // "before D" is a prefix of the sorted list, so the union of earlier ancestries can grow as we go
            final Set<String> deployedBefore = new HashSet<>();
            final Map<String, Set<String>> deployedChanges = new HashMap<>();
            for (int i = 0; i < ordered.size(); i++) {
                final DeploymentEvent deployment = ordered.get(i);
                final Set<String> ancestry = ancestry(deployment.getSha(), commits);
                final Set<String> fresh = new HashSet<>(ancestry);
                fresh.removeAll(deployedBefore);
                deployedChanges.put(deployment.getId(), fresh);
                fresh.forEach(sha -> d.delivered.add(new ChangeKey(service, sha)));
                deployedBefore.addAll(ancestry);
            }

            for (int i = 0; i < ordered.size(); i++) {
                final DeploymentEvent deployment = ordered.get(i);
                final boolean baseline = i == 0;
                final Set<String> fresh = deployedChanges.get(deployment.getId());
                final List<Long> samples = new ArrayList<>();
                if (!baseline) {
                    for (final String sha : fresh) {
                        final long ms = deployment.getFinishedAt().toEpochMilli()
                                - commits.get(sha).getCommittedAt().toEpochMilli();
                        if (ms >= 0) {
                            samples.add(ms / 1000L);
                        }
                    }
                    Collections.sort(samples);
                }
                final String rule = failureRule(deployment, fresh, ordered, incidents, allProductionIncidents);
                final List<IncidentEvent> charged = chargedIncidents(deployment, fresh, ordered, incidents,
                        allProductionIncidents);
                charged.forEach(incident -> d.attributed.add(incident.getId()));
                final Long recovery = rule == null ? null : recoverySeconds(deployment, charged, ordered);
                d.views.put(deployment.getId(), new DeploymentView(deployment.getId(), service,
                        deployment.getFinishedAt(), deployment.getSha(), baseline, fresh, samples, rule != null, rule, recovery));
            }
        }
        return d;
    }

    /**
     * The first rule of semantics §6 that holds for deployment D, or null. A cause deployment id names a
     * deployment whatever service the incident belongs to; the other rules look at D's own service.
     */
    private String failureRule(final DeploymentEvent d, final Set<String> deployedChanges,
                               final List<DeploymentEvent> orderedProduction, final List<IncidentEvent> incidents,
                               final List<IncidentEvent> allProductionIncidents) {
        for (final IncidentEvent incident : allProductionIncidents) {
            if (d.getId().equals(incident.getCauseDeploymentId())) {
                return CAUSE_DEPLOYMENT_ID;
            }
        }
        for (final IncidentEvent incident : incidents) {
            if (incident.getCauseSha() != null && deployedChanges.contains(incident.getCauseSha())) {
                return CAUSE_SHA;
            }
        }
        for (final IncidentEvent incident : incidents) {
            if (incident.getCauseDeploymentId() != null || incident.getCauseSha() != null) {
                continue;
            }
            final Instant opened = incident.getOpenedAt();
            final boolean inside = !opened.isBefore(d.getFinishedAt())
                    && !opened.isAfter(d.getFinishedAt().plus(incidentWindow));
            if (inside && d == lastFinishedAtOrBefore(orderedProduction, opened)) {
                return TIME_WINDOW;
            }
        }
        for (final DeploymentEvent r : orderedProduction) {
            if (d.getId().equals(r.getRollbackOf()) && DEPLOYMENT_ORDER.compare(r, d) > 0) {
                return ROLLBACK;
            }
        }
        return null;
    }

    /** The incidents charged to deployment D by any of the rules a-c. */
    private List<IncidentEvent> chargedIncidents(final DeploymentEvent d, final Set<String> deployedChanges,
                                                 final List<DeploymentEvent> orderedProduction,
                                                 final List<IncidentEvent> incidents,
                                                 final List<IncidentEvent> allProductionIncidents) {
        final List<IncidentEvent> charged = new ArrayList<>();
        for (final IncidentEvent incident : allProductionIncidents) {
            if (d.getId().equals(incident.getCauseDeploymentId())) {
                charged.add(incident);
            }
        }
        for (final IncidentEvent incident : incidents) {
            if (incident.getCauseSha() != null && deployedChanges.contains(incident.getCauseSha())) {
                charged.add(incident);
            }
            if (incident.getCauseDeploymentId() == null && incident.getCauseSha() == null) {
                final Instant opened = incident.getOpenedAt();
                if (!opened.isBefore(d.getFinishedAt()) && !opened.isAfter(d.getFinishedAt().plus(incidentWindow))
                        && d == lastFinishedAtOrBefore(orderedProduction, opened)) {
                    charged.add(incident);
                }
            }
        }
        return charged;
    }

    /**
     * Failed deployment recovery time of a failed change D: to the resolution of the last production incident
     * charged to it by any of the rules a-c (null while one is open), or, when none is but D was rolled back, to
     * the next production deployment of its service; whole seconds, null when negative or not recovered.
     */
    private static Long recoverySeconds(final DeploymentEvent d, final List<IncidentEvent> charged,
                                        final List<DeploymentEvent> orderedProduction) {
        Instant recovered = null;
        if (!charged.isEmpty()) {
            for (final IncidentEvent incident : charged) {
                if (incident.getStatus() != IncidentStatus.resolved || incident.getResolvedAt() == null) {
                    return null;
                }
                if (recovered == null || incident.getResolvedAt().isAfter(recovered)) {
                    recovered = incident.getResolvedAt();
                }
            }
        } else {
            final int at = orderedProduction.indexOf(d);
            if (at + 1 < orderedProduction.size()) {
                recovered = orderedProduction.get(at + 1).getFinishedAt();
            }
        }
        if (recovered == null || recovered.isBefore(d.getFinishedAt())) {
            return null;
        }
        return (recovered.toEpochMilli() - d.getFinishedAt().toEpochMilli()) / 1000;
    }

    private static DeploymentEvent lastFinishedAtOrBefore(final List<DeploymentEvent> ordered, final Instant t) {
        DeploymentEvent last = null;
        for (final DeploymentEvent deployment : ordered) {
            if (!deployment.getFinishedAt().isAfter(t)) {
                last = deployment;
            }
        }
        return last;
    }

    /** Every known commit of the service reachable from sha, sha included; empty if sha is not known. */
    private static Set<String> ancestry(final String sha, final Map<String, ChangeEvent> commits) {
        final Set<String> seen = new HashSet<>();
        if (sha == null) {
            return seen;
        }
        final Deque<String> todo = new ArrayDeque<>();
        todo.push(sha);
        while (!todo.isEmpty()) {
            final String current = todo.pop();
            final ChangeEvent commit = commits.get(current);
            // an unknown parent ends the walk there: partial history must not be guessed at
            if (commit == null || !seen.add(current)) {
                continue;
            }
            commit.getParents().forEach(todo::push);
        }
        return seen;
    }

    private boolean isProductionDeployment(final DeploymentEvent deployment) {
        return inGroup(deployment.getEnvironment())
                && deployment.getStatus() == DeploymentStatus.success
                // finishedAt is set with every terminal status; without it the deployment cannot be ordered
                && deployment.getFinishedAt() != null;
    }

    private static final Comparator<DeploymentEvent> DEPLOYMENT_ORDER =
            Comparator.comparing(DeploymentEvent::getFinishedAt).thenComparing(DeploymentEvent::getId);

    private static TeamObservation laterTeamObservation(final TeamObservation a, final TeamObservation b) {
        final int byTime = a.occurredAt().compareTo(b.occurredAt());
        if (byTime != 0) {
            return byTime > 0 ? a : b;
        }
        return a.team().compareTo(b.team()) >= 0 ? a : b;
    }

    /** The winner of two events of one entity (semantics §1). */
    static <T extends SpecificRecord> T winner(final T a, final T b) {
        return compareForWinner(a, b) >= 0 ? a : b;
    }

    static int compareForWinner(final SpecificRecord a, final SpecificRecord b) {
        final int byTime = EventFields.occurredAt(a).compareTo(EventFields.occurredAt(b));
        if (byTime != 0) {
            return byTime;
        }
        final int byTerminal = Boolean.compare(isTerminal(a), isTerminal(b));
        if (byTerminal != 0) {
            return byTerminal;
        }
        return Arrays.compareUnsigned(AvroCodec.get().encode(a), AvroCodec.get().encode(b));
    }

    private static boolean isTerminal(final SpecificRecord event) {
        if (event instanceof DeploymentEvent deployment) {
            return switch (deployment.getStatus()) {
                case success, failure, error, cancelled -> true;
                case pending, in_progress -> false;
            };
        }
        if (event instanceof IncidentEvent incident) {
            return incident.getStatus() == IncidentStatus.resolved;
        }
        if (event instanceof BuildEvent build) {
            return build.getStatus() != BuildStatus.in_progress;
        }
        return false;
    }

}
