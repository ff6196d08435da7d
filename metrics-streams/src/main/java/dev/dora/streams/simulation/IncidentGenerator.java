package dev.dora.streams.simulation;

import static dev.dora.streams.simulation.Draws.between;
import static dev.dora.streams.simulation.Draws.min;
import static dev.dora.streams.simulation.Draws.minutes;

import dev.dora.events.IncidentEvent;
import dev.dora.events.IncidentStatus;
import dev.dora.events.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.avro.specific.SpecificRecord;

/**
 * The incidents of the {@link HistoryGenerator}: failed production changes surfacing as incidents that each
 * attribution rule must find (by deployment id, by sha, by time only) or must not (opened too late), one or two left
 * open at the end, and staging incidents that must not count.
 *
 * <p>Numbers incidents from one counter across services, so one instance serves exactly one history.
 */
final class IncidentGenerator {

    private static final Duration LATE_INCIDENT_GAP = Duration.ofHours(24);
    private static final int MAX_OPEN_INCIDENTS = 2;

    private final Instant end;
    private final long idOffset;
    private long counter;

    IncidentGenerator(final Instant end, final long idOffset) {
        this.end = end;
        this.idOffset = idOffset;
    }

    /** When an incident opened and what it names as its cause; both causes null means attributed by time alone. */
    private record Attribution(Instant openedAt, String causeDeploymentId, String causeSha) {
    }

    /** The incidents the service's failed production deployments cause, not yet events. */
    List<IncidentPlan> incidents(final ServiceProfile service, final SplittableRandom rng,
                                 final List<ProdDeploy> production) {
        final List<IncidentPlan> plans = new ArrayList<>();
        for (int i = 0; i < production.size(); i++) {
            final ProdDeploy deploy = production.get(i);
            if (deploy.kind() == FailureKind.NONE || deploy.kind() == FailureKind.ROLLBACK_ONLY) {
                continue;
            }
            final Instant nextFinish = i + 1 < production.size() ? production.get(i + 1).finishedAt() : end;
            final Attribution attribution = attribution(deploy, nextFinish, production, rng);
            if (!attribution.openedAt().isBefore(end)) {
                continue;
            }
            final Instant resolvedAt = attribution.openedAt().plus(
                    between(service.minTimeToRestore(), service.maxTimeToRestore(), rng));
            plans.add(new IncidentPlan(service, nextId(), service.productionEnvironment(), attribution.openedAt(),
                    resolvedAt.isBefore(end) ? resolvedAt : null, severity(rng), attribution.causeDeploymentId(),
                    attribution.causeSha()));
        }
        return plans;
    }

    /**
     * Every service's incidents and the staging ones as events, by opening; they follow every service's block.
     * Adds the staging incidents to {@code plans}.
     */
    List<SpecificRecord> events(final List<IncidentPlan> plans, final StagingDeploys stagingDeploys,
                                final SplittableRandom finishing) {
        capOpen(plans, finishing);
        plans.addAll(stagingIncidents(stagingDeploys, finishing));
        plans.sort(Comparator.comparing((IncidentPlan p) -> p.openedAt).thenComparing(p -> p.id));
        final List<SpecificRecord> events = new ArrayList<>();
        for (final IncidentPlan plan : plans) {
            emit(plan, events);
        }
        return events;
    }

    /** The incident of a failed deployment as its kind asks, or by deployment id when its kind finds no time. */
    private Attribution attribution(final ProdDeploy deploy, final Instant nextFinish,
                                    final List<ProdDeploy> production, final SplittableRandom rng) {
        switch (deploy.kind()) {
            case CAUSE_SHA -> {
                final String causeSha = deploy.newShas().get(rng.nextInt(deploy.newShas().size()));
                return new Attribution(deploy.finishedAt().plus(minutes(10, 8 * 60, rng)), null, causeSha);
            }
            case TIME_WINDOW -> {
                // before the next deployment finishes, or the window would charge that one
                final Instant latest = min(deploy.finishedAt().plus(Duration.ofHours(4)), nextFinish.minusSeconds(60));
                final Instant earliest = deploy.finishedAt().plus(Duration.ofMinutes(2));
                if (latest.isAfter(earliest)) {
                    return new Attribution(
                            earliest.plusMillis(rng.nextLong(latest.toEpochMilli() - earliest.toEpochMilli())),
                            null, null);
                }
            }
            case LATE -> {
                final Instant late = lateUnattributable(deploy, production, rng);
                if (late != null) {
                    return new Attribution(late, null, null);
                }
            }
            default -> {
            }
        }
        return new Attribution(deploy.finishedAt().plus(minutes(5, 6 * 60, rng)), deploy.id(), null);
    }

    /** A time more than 24 h after every production deployment before it, so no rule can attribute it. */
    private Instant lateUnattributable(final ProdDeploy deploy, final List<ProdDeploy> production,
                                       final SplittableRandom rng) {
        final Instant first = deploy.finishedAt().plus(LATE_INCIDENT_GAP).plus(minutes(30, 6 * 60, rng));
        for (Instant t = first; t.isBefore(end) && t.isBefore(first.plus(Duration.ofDays(10)));
             t = t.plus(Duration.ofHours(2))) {
            Instant lastBefore = null;
            for (final ProdDeploy other : production) {
                if (!other.finishedAt().isAfter(t)) {
                    lastBefore = other.finishedAt();
                }
            }
            if (lastBefore != null && lastBefore.plus(LATE_INCIDENT_GAP).isBefore(t)) {
                return t;
            }
        }
        return null;
    }

    /** One or two incidents stay open at the end: real systems always have some. */
    private void capOpen(final List<IncidentPlan> plans, final SplittableRandom rng) {
        final List<IncidentPlan> open = new ArrayList<>(plans.stream().filter(p -> p.resolvedAt == null).toList());
        // the most recent ones stay open; older ones were resolved before the end after all
        open.sort(Comparator.comparing((IncidentPlan p) -> p.openedAt).reversed());
        for (int i = MAX_OPEN_INCIDENTS; i < open.size(); i++) {
            final IncidentPlan plan = open.get(i);
            final long room = end.toEpochMilli() - plan.openedAt.toEpochMilli();
            plan.resolvedAt = plan.openedAt.plusMillis(Math.max(1, room / 2));
        }
        if (open.isEmpty() && !plans.isEmpty()) {
            final IncidentPlan latest = plans.stream().max(Comparator.comparing(p -> p.openedAt)).orElseThrow();
            final long room = end.toEpochMilli() - latest.openedAt.toEpochMilli();
            if (room > 2) {
                plans.add(new IncidentPlan(latest.service, nextId(), latest.environment,
                        latest.openedAt.plusMillis(room / 2), null, severity(rng), latest.causeDeploymentId,
                        latest.causeSha));
            }
        }
    }

    /** Non-production incidents exist too and must not count: two on staging. */
    private List<IncidentPlan> stagingIncidents(final StagingDeploys stagingDeploys, final SplittableRandom rng) {
        final List<IncidentPlan> plans = new ArrayList<>();
        for (int i = 0; i < 2 && stagingDeploys.size() > 0; i++) {
            final int deploy = rng.nextInt(stagingDeploys.size());
            final ServiceProfile service = stagingDeploys.service(deploy);
            final Instant openedAt = stagingDeploys.finishedAt(deploy).plus(Duration.ofMinutes(5 + rng.nextInt(30)));
            final Instant resolvedAt = openedAt.plus(Duration.ofMinutes(20 + rng.nextInt(120)));
            if (resolvedAt.isBefore(end)) {
                plans.add(new IncidentPlan(service, nextId(), "staging", openedAt, resolvedAt,
                        Severity.SEV4, stagingDeploys.id(deploy), null));
            }
        }
        return plans;
    }

    private static void emit(final IncidentPlan plan, final List<SpecificRecord> events) {
        final IncidentEvent opened = IncidentEvent.newBuilder()
                .setId(plan.id).setService(plan.service.name()).setTeam(plan.service.team()).setSource("pagerduty")
                .setOccurredAt(plan.openedAt).setEnvironment(plan.environment).setStatus(IncidentStatus.open)
                .setOpenedAt(plan.openedAt).setResolvedAt(null).setSeverity(plan.severity)
                .setCauseDeploymentId(plan.causeDeploymentId).setCauseSha(plan.causeSha)
                .build();
        events.add(opened);
        if (plan.resolvedAt != null) {
            events.add(IncidentEvent.newBuilder(opened)
                    .setOccurredAt(plan.resolvedAt).setStatus(IncidentStatus.resolved).setResolvedAt(plan.resolvedAt)
                    .build());
        }
    }

    private String nextId() {
        counter++;
        return "INC-" + (1000 + idOffset + counter);
    }

    private static Severity severity(final SplittableRandom rng) {
        final double x = rng.nextDouble();
        return x < 0.1 ? Severity.SEV1 : x < 0.35 ? Severity.SEV2 : x < 0.75 ? Severity.SEV3 : Severity.SEV4;
    }
}
