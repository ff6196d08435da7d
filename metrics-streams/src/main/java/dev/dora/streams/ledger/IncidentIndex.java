package dev.dora.streams.ledger;

import dev.dora.events.IncidentEvent;
import dev.dora.state.CauseClaim;
import dev.dora.state.CommitNode;
import dev.dora.state.DeployRef;
import dev.dora.streams.rules.FailureAttribution.TimeRange;
import dev.dora.streams.rules.IncidentRef;
import dev.dora.streams.rules.IncidentTimes;
import dev.dora.streams.store.Entity;
import dev.dora.streams.store.IndexKeys.CauseSha;
import dev.dora.streams.store.IndexKeys.IncidentTimeline;
import dev.dora.streams.store.IndexKeys.Uncaused;
import dev.dora.streams.store.Keys;
import dev.dora.streams.store.LedgerTx;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;

/**
 * A service's incidents, indexed the ways the rules look them up: by opening time per group
 * ({@link IncidentTimeline}, for the time between failures), those naming no cause by opening time ({@link Uncaused},
 * for rule 3), and those naming a cause commit ({@link CauseSha}, for rule 2). An incident naming a cause deployment
 * becomes a {@link CauseClaim} for that deployment's ledger, wherever it is.
 */
final class IncidentIndex {

    private final LedgerChange change;
    private final LedgerTx tx;
    private final String service;
    private final CommitLabels labels;
    private final DeploymentTimeline timeline;

    IncidentIndex(final LedgerChange change, final CommitLabels labels, final DeploymentTimeline timeline) {
        this.change = change;
        this.tx = change.tx();
        this.service = change.service();
        this.labels = labels;
        this.timeline = timeline;
    }

    IncidentEvent incident(final String id) {
        return tx.entity(Entity.INCIDENT, id);
    }

    /** Makes {@code now} incident {@code id}'s current event, or removes the incident when it is null. */
    void replace(final String id, final IncidentEvent now) {
        final IncidentEvent old = incident(id);
        if (Objects.equals(old, now)) {
            return;
        }
        tx.putEntity(Entity.INCIDENT, id, now);
        change.markIncident(id);
        index(old, false);
        index(now, true);
        final String oldCause = old == null ? null : old.getCauseDeploymentId();
        final String newCause = now == null ? null : now.getCauseDeploymentId();
        final String oldGroup = old == null ? null : change.group(old.getEnvironment());
        final String newGroup = now == null ? null : change.group(now.getEnvironment());
        final boolean sameClaim = Objects.equals(oldCause, newCause) && Objects.equals(oldGroup, newGroup);
        if (!sameClaim && oldCause != null) {
            change.claim(new CauseClaim(oldCause, id, service, oldGroup, false, null));
        }
        final Long resolvedAt = IncidentTimes.resolvedAt(now);
        if (newCause != null && (!sameClaim || !Objects.equals(IncidentTimes.resolvedAt(old), resolvedAt))) {
            change.claim(new CauseClaim(newCause, id, service, newGroup, true, resolvedAt));
        }
    }

    private void index(final IncidentEvent incident, final boolean present) {
        if (incident == null) {
            return;
        }
        final String id = incident.getId();
        final String group = change.group(incident.getEnvironment());
        final Bytes position = position(group, incident);
        tx.setLink(position, present);
        // the next incident's time since the previous failure changes with this one's arrival or departure
        final KeyValue<Bytes, byte[]> next = tx.first(Keys.after(position),
                Keys.after(IncidentTimeline.prefix(service, group)));
        if (next != null) {
            change.markIncident(IncidentTimeline.decode(next.key).incidentId());
        }
        final String causeSha = incident.getCauseSha();
        if (causeSha != null) {
            tx.setLink(new CauseSha(service, group, causeSha, id).encode(), present);
            final CommitNode node = labels.commit(causeSha);
            change.markDeployment(node == null ? null : CommitLabels.label(node, group));
        }
        if (incident.getCauseDeploymentId() == null && causeSha == null) {
            final long opened = incident.getOpenedAt().toEpochMilli();
            tx.setLink(new Uncaused(service, group, opened, id).encode(), present);
            change.markDeployment(timeline.latestAtOrBefore(group, opened));
        }
    }

    private Bytes position(final String group, final IncidentEvent incident) {
        return new IncidentTimeline(service, group, incident.getOpenedAt().toEpochMilli(), incident.getId()).encode();
    }

    /** When the previous incident of the incident's service and group opened, or null for the first one. */
    Long previousOpenedAt(final IncidentEvent incident) {
        final String group = change.group(incident.getEnvironment());
        final Bytes self = position(group, incident);
        final KeyValue<Bytes, byte[]> previous = tx.lastOther(IncidentTimeline.prefix(service, group), self, self);
        return previous == null ? null : IncidentTimeline.decode(previous.key).openedAt();
    }

    /** When one of this service's incidents was resolved, or null while it is open. */
    Long resolvedAt(final String incidentId) {
        return IncidentTimes.resolvedAt(incident(incidentId));
    }

    /** The incidents of the group naming no cause that opened in {@code range}, by (openedAt, id). */
    List<IncidentRef> uncausedIn(final String group, final TimeRange range) {
        final List<IncidentRef> found = new ArrayList<>();
        final Bytes from = Uncaused.prefix(service, group, range.first());
        final Bytes to = Keys.after(Uncaused.prefix(service, group, range.last()));
        for (final KeyValue<Bytes, byte[]> entry : tx.range(from, to)) {
            found.add(new IncidentRef(service, Uncaused.decode(entry.key).incidentId()));
        }
        return found;
    }

    /** The incidents of the group naming as their cause a commit that deployment {@code ref} delivered first. */
    SortedSet<IncidentRef> causingShaOf(final String group, final DeployRef ref) {
        final SortedSet<IncidentRef> found = new TreeSet<>();
        for (final CauseSha cause : tx.keys(CauseSha.prefix(service, group), CauseSha::decode)) {
            final CommitNode node = labels.commit(cause.sha());
            if (node != null && ref.equals(CommitLabels.label(node, group))) {
                found.add(new IncidentRef(service, cause.incidentId()));
            }
        }
        return found;
    }
}
