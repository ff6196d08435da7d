package dev.dora.streams.ledger;

import dev.dora.events.ChangeEvent;
import dev.dora.events.DeploymentEvent;
import dev.dora.events.IncidentEvent;
import dev.dora.facts.DeploymentFact;
import dev.dora.facts.FailureRule;
import dev.dora.facts.IncidentFact;
import dev.dora.state.DeployRef;
import dev.dora.streams.rules.DeploymentEvidence;
import dev.dora.streams.rules.DeploymentEvidence.Charge;
import dev.dora.streams.rules.DeploymentFacts;
import dev.dora.streams.rules.DeploymentOrder;
import dev.dora.streams.rules.FailureAttribution;
import dev.dora.streams.rules.IncidentFacts;
import dev.dora.streams.rules.IncidentRef;
import dev.dora.streams.store.LedgerTx;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Gathers the evidence about a deployment or an incident from the ledger's parts and hands it to the rules
 * ({@link DeploymentFacts}, {@link IncidentFacts}). No rule is decided here: this class only knows where things are.
 */
final class FactDeriver {

    private final LedgerChange change;
    private final LedgerTx tx;
    private final String service;
    private final CommitLabels labels;
    private final DeploymentTimeline timeline;
    private final IncidentIndex incidents;
    private final Charges charges;

    FactDeriver(final LedgerChange change, final CommitLabels labels, final DeploymentTimeline timeline,
                final IncidentIndex incidents, final Charges charges) {
        this.change = change;
        this.tx = change.tx();
        this.service = change.service();
        this.labels = labels;
        this.timeline = timeline;
        this.incidents = incidents;
        this.charges = charges;
    }

    /** A deployment's fact (null unless it is a successful, finished deployment) and the incidents charging it. */
    record Derived(DeploymentFact fact, SortedMap<IncidentRef, FailureRule> charges) {
    }

    Derived deployment(final String id) {
        final DeploymentEvent deployment = timeline.deployment(id);
        final DeployRef ref = DeploymentOrder.ref(deployment);
        if (ref == null) {
            return new Derived(null, new TreeMap<>());
        }
        final String group = change.group(deployment.getEnvironment());
        final DeployRef next = timeline.successor(group, ref);
        final FailureAttribution.TimeRange window = FailureAttribution.timeWindow(ref.getFinishedAt(),
                next == null ? null : next.getFinishedAt(), change.config().incidentWindow().toMillis());
        final DeploymentEvidence evidence = new DeploymentEvidence(
                deployment,
                ref.equals(timeline.first(group)),
                delivered(id),
                deployment.getSha() != null && labels.commit(deployment.getSha()) != null,
                charges.claimsOn(id, group).stream().map(c -> new Charge(c.incident(), c.resolvedAt())).toList(),
                local(new ArrayList<>(incidents.causingShaOf(group, ref))),
                window == null ? List.of() : local(incidents.uncausedIn(group, window)),
                timeline.rollbacksAfter(id, group, ref),
                next == null ? null : next.getFinishedAt());
        return new Derived(DeploymentFacts.derive(evidence, change.config().hotfixRule()),
                DeploymentFacts.charges(evidence));
    }

    private List<ChangeEvent> delivered(final String deploymentId) {
        final List<ChangeEvent> delivered = new ArrayList<>();
        for (final String sha : tx.deliveredShas(deploymentId)) {
            delivered.add(labels.commit(sha).getChange());
        }
        return delivered;
    }

    /** Charges by this service's own incidents, with their resolution. */
    private List<Charge> local(final List<IncidentRef> refs) {
        final List<Charge> out = new ArrayList<>(refs.size());
        for (final IncidentRef ref : refs) {
            out.add(new Charge(ref, incidents.resolvedAt(ref.id())));
        }
        return out;
    }

    /** An incident's fact, or null when the incident is not (or no longer) this service's. */
    IncidentFact incident(final String id) {
        final IncidentEvent incident = incidents.incident(id);
        if (incident == null) {
            return null;
        }
        return IncidentFacts.derive(incident, change.config().isProduction(incident.getEnvironment()),
                incidents.previousOpenedAt(incident), charges.chargedWith(id));
    }
}
