package dev.dora.launcher.bench;

import dev.dora.events.ChangeEvent;
import dev.dora.events.DeploymentEvent;
import dev.dora.events.DeploymentStatus;
import dev.dora.events.IncidentEvent;
import dev.dora.events.IncidentStatus;
import dev.dora.schema.AvroCodec;
import dev.dora.schema.EventFields;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;

/**
 * What the answers must say, computed from the generated events alone, independently of the pipeline, so that a
 * fast but wrong pipeline cannot win: per service, the production deployments finished in a window, the production
 * incidents opened in it, those resolved in it, and those open at its end; each service's team. The rules are those
 * of docs/METRICS.md ("latest wins", production = {@code production} or {@code prod}, the team of the latest event
 * naming one), applied to each entity's winning event. Counts only: the durations and rates are the reference
 * model's business (the benchmark's smoke test compares them with it).
 */
final class ExpectedCounts {

    private static final Set<String> PRODUCTION = Set.of("production", "prod");

    /** A window's counts for one scope. */
    record Counts(long deployments, long incidentsOpened, long incidentsResolved, long openAtEnd) {
        Counts plus(final Counts other) {
            return new Counts(deployments + other.deployments, incidentsOpened + other.incidentsOpened,
                    incidentsResolved + other.incidentsResolved, openAtEnd + other.openAtEnd);
        }

        static final Counts ZERO = new Counts(0, 0, 0, 0);
    }

    /** The winning event of one deployment or incident, reduced to what the counts need. */
    private static final class Winner {
        long occurredAt;
        boolean terminal;
        int encodingHash;
        String service;
        boolean counts;      // a production success / a production incident
        long time;           // finishedAt / openedAt
        long resolvedAt = Long.MIN_VALUE;
    }

    private record TeamClaim(long occurredAt, String team) {
    }

    private final Map<String, Winner> deployments = new HashMap<>();
    private final Map<String, Winner> incidents = new HashMap<>();
    private final Map<String, TeamClaim> teams = new HashMap<>();
    /** Two different events of one entity with the same time and terminality: "latest wins" cannot be checked. */
    private long ambiguousTies;

    void add(final SpecificRecord event) {
        final String service = EventFields.service(event);
        final String team = EventFields.team(event);
        final long occurredAt = EventFields.occurredAt(event).toEpochMilli();
        if (team != null) {
            teams.merge(service, new TeamClaim(occurredAt, team), (a, b) -> b.occurredAt() > a.occurredAt()
                    || (b.occurredAt() == a.occurredAt() && b.team().compareTo(a.team()) > 0) ? b : a);
        } else {
            teams.putIfAbsent(service, null);
        }
        if (event instanceof DeploymentEvent d) {
            final boolean terminal = d.getStatus() != DeploymentStatus.pending
                    && d.getStatus() != DeploymentStatus.in_progress;
            final Winner w = candidate(deployments, d.getId(), occurredAt, terminal, event);
            if (w != null) {
                w.counts = d.getStatus() == DeploymentStatus.success && isProduction(d.getEnvironment());
                w.time = d.getFinishedAt() == null ? Long.MIN_VALUE : d.getFinishedAt().toEpochMilli();
            }
        } else if (event instanceof IncidentEvent i) {
            final boolean resolved = i.getStatus() == IncidentStatus.resolved;
            final Winner w = candidate(incidents, i.getId(), occurredAt, resolved, event);
            if (w != null) {
                w.counts = isProduction(i.getEnvironment());
                w.time = i.getOpenedAt().toEpochMilli();
                w.resolvedAt = resolved && i.getResolvedAt() != null ? i.getResolvedAt().toEpochMilli()
                        : Long.MIN_VALUE;
            }
        } else if (!(event instanceof ChangeEvent)) {
            throw new IllegalArgumentException("not an event: " + event.getClass().getName());
        }
    }

    /** The entity's record if this event wins (to be filled in), else null. */
    private Winner candidate(final Map<String, Winner> winners, final String id, final long occurredAt,
                             final boolean terminal, final SpecificRecord event) {
        final Winner current = winners.get(id);
        final int hash = Arrays.hashCode(AvroCodec.get().encode(event));
        if (current != null) {
            if (occurredAt < current.occurredAt
                    || (occurredAt == current.occurredAt && !terminal && current.terminal)) {
                return null;
            }
            if (occurredAt == current.occurredAt && terminal == current.terminal) {
                if (hash != current.encodingHash) {
                    ambiguousTies++;
                }
                return null;
            }
        }
        final Winner w = current != null ? current : new Winner();
        w.occurredAt = occurredAt;
        w.terminal = terminal;
        w.encodingHash = hash;
        w.service = EventFields.service(event);
        winners.put(id, w);
        return w;
    }

    private static boolean isProduction(final String environment) {
        return environment != null && PRODUCTION.contains(environment.trim().toLowerCase(Locale.ROOT));
    }

    long ambiguousTies() {
        return ambiguousTies;
    }

    /** Every service's team (null for a service no event assigns one), by service name. */
    Map<String, String> teams() {
        final Map<String, String> result = new TreeMap<>();
        teams.forEach((service, claim) -> result.put(service, claim == null ? null : claim.team()));
        return result;
    }

    /** Every service's counts in {@code [from, to)} (epoch milliseconds), by service name. */
    Map<String, Counts> perService(final long from, final long to) {
        final Map<String, Counts> counts = new TreeMap<>();
        teams.keySet().forEach(service -> counts.put(service, Counts.ZERO));
        deployments.values().forEach(w -> {
            if (w.counts && w.time >= from && w.time < to) {
                counts.merge(w.service, new Counts(1, 0, 0, 0), Counts::plus);
            }
        });
        incidents.values().forEach(w -> {
            if (!w.counts) {
                return;
            }
            final boolean opened = w.time >= from && w.time < to;
            final boolean resolved = w.resolvedAt != Long.MIN_VALUE && w.resolvedAt >= from && w.resolvedAt < to;
            final boolean openAtEnd = w.time < to && (w.resolvedAt == Long.MIN_VALUE || w.resolvedAt >= to);
            counts.merge(w.service, new Counts(0, opened ? 1 : 0, resolved ? 1 : 0, openAtEnd ? 1 : 0), Counts::plus);
        });
        return counts;
    }
}
