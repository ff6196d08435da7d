package dev.dora.streams.ledger;

import dev.dora.events.BuildEvent;
import dev.dora.events.ChangeEvent;
import dev.dora.events.DeploymentEvent;
import dev.dora.events.IncidentEvent;
import dev.dora.facts.DeploymentFact;
import dev.dora.facts.IncidentFact;
import dev.dora.state.Attribution;
import dev.dora.state.CauseClaim;
import dev.dora.streams.config.MetricsConfig;
import dev.dora.streams.store.Entity;
import dev.dora.streams.metrics.RollUps;
import dev.dora.streams.store.LedgerStores;
import dev.dora.streams.store.LedgerTx;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The ledger of each service: its commits, deployments and incidents, and the facts derived from them. Metrics are
 * computed per environment group: every production environment forms the group {@value MetricsConfig#PRODUCTION},
 * every other environment is its own group, and deployments, incidents and the incidents' attribution never cross
 * groups.
 *
 * <p>This class only coordinates. Each record is one unit of work ({@link LedgerChange}) over staged stores: the
 * parts apply the event ({@link CommitLabels}, {@link DeploymentTimeline}, {@link IncidentIndex}, {@link Charges},
 * {@link ServiceDirectory}) and mark the deployments and incidents whose facts may change; the marked facts are
 * derived again ({@link FactDeriver}, which hands the evidence to the rules in {@code dev.dora.streams.rules});
 * the day buckets move by the difference, summed over the record; and only then are the writes applied and the
 * messages sent. A record that fails at any point changes nothing. Every derived value is a function of the current
 * entities only, never of their arrival order.
 */
public final class ServiceLedger {

    /** Receives facts that changed (a null fact retracts the previous one) and the messages for other ledgers. */
    public interface FactSink {
        void deployment(String deploymentId, DeploymentFact fact);

        void incident(String incidentId, IncidentFact fact);

        /** A claim for the ledger of the named deployment's service, wherever that is. */
        void claim(CauseClaim claim);

        /** An attribution for the ledger of another service's incident. */
        void attribution(Attribution attribution);

        /**
         * A held deployment ({@link #holdLateDeployments}) that cannot be applied, already let go: it belongs in
         * the dead-letter topic with its reason. A sink without one lets the failure through.
         */
        default void deadLetter(final DeploymentEvent event, final RuntimeException cause) {
            throw cause;
        }
    }

    private final MetricsConfig config;
    private final LedgerStores stores;
    /** The task's changes of month rows, applied at each write-back of the day buckets. */
    private final RollUps rollUps = new RollUps();
    /** The deployments held back to be applied in batches; null while every record is applied at once. */
    private LateDeployments late;

    public ServiceLedger(final MetricsConfig config, final LedgerStores stores) {
        this.config = config;
        this.stores = stores;
        stores.deferBuckets(rollUps);
    }

    /** A change event of its service. */
    public void applyChange(final ChangeEvent event, final FactSink sink) {
        apply(event.getService(), sink, parts -> {
            parts.directory().observe(event.getService(), event.getTeam(), event.getOccurredAt(), null);
            parts.labels().apply(event);
        });
    }

    /**
     * From now on, a deployment that arrives after a later deployment of its group is held ({@link LateDeployments})
     * until {@link #applyLateDeployments} applies the held ones as a batch, oldest first. The caller must call that
     * regularly (the processor does on a wall-clock schedule); it also runs whenever {@value
     * LateDeployments#MOST_HELD} are held. Deployments held before a restart are found again in the stores.
     */
    public void holdLateDeployments() {
        late = new LateDeployments();
        final LedgerTx tx = stores.begin("");
        late.load(tx);
        tx.discard();
    }

    /** The winning event of a deployment of service {@code owner}. */
    public void applyDeployment(final String owner, final DeploymentEvent event, final FactSink sink) {
        final String id = event.getId();
        final AtomicBoolean held = new AtomicBoolean();
        apply(owner, sink, parts -> {
            if (late != null && LateDeployments.arrivesLate(parts.timeline(), parts.change(), event)) {
                parts.change().tx().putEntity(Entity.LATE_DEPLOYMENT, id, event);
                held.set(true);
            } else {
                release(parts, id);
                place(parts, event);
            }
        });
        if (late == null) {
            return;
        }
        if (!held.get()) {
            late.released(owner, id);
            return;
        }
        late.held(owner, id);
        if (late.size() > LateDeployments.MOST_HELD) {
            applyLateDeployments(sink);
        }
    }

    private static void place(final Parts parts, final DeploymentEvent event) {
        parts.directory().observe(parts.change().service(), event.getTeam(), event.getOccurredAt(),
                parts.change().group(event.getEnvironment()));
        parts.timeline().replace(event.getId(), event);
    }

    /** Drops a held version of deployment {@code id}: what arrived after it supersedes it. */
    private void release(final Parts parts, final String id) {
        if (late != null && late.isHeld(parts.change().service(), id)) {
            parts.change().tx().putEntity(Entity.LATE_DEPLOYMENT, id, null);
        }
    }

    /**
     * Applies the held deployments, each service's as one unit of work, oldest first, deriving each fact they change
     * once. When a batch fails, its deployments are applied one by one, and one that still fails is let go to the
     * sink's dead letters.
     *
     * @return whether any deployment was held, so that the stores may have changed
     */
    public boolean applyLateDeployments(final FactSink sink) {
        if (late == null || late.size() == 0) {
            return false;
        }
        late.byService().forEach((owner, ids) -> {
            try {
                applyHeld(owner, ids, sink);
            } catch (final RuntimeException batch) {
                ids.forEach(id -> applyHeldAlone(owner, id, sink));
            }
        });
        return true;
    }

    private void applyHeld(final String owner, final List<String> ids, final FactSink sink) {
        apply(owner, sink, parts -> LateDeployments.oldestFirst(parts.change().tx(), ids).forEach(event -> {
            release(parts, event.getId());
            place(parts, event);
        }));
        ids.forEach(id -> late.released(owner, id));
    }

    private void applyHeldAlone(final String owner, final String id, final FactSink sink) {
        try {
            applyHeld(owner, List.of(id), sink);
        } catch (final RuntimeException cause) {
            final LedgerTx tx = stores.begin(owner);
            final DeploymentEvent event = tx.entity(Entity.LATE_DEPLOYMENT, id);
            tx.discard();
            apply(owner, sink, parts -> release(parts, id));
            late.released(owner, id);
            if (event != null) {
                sink.deadLetter(event, cause);
            }
        }
    }

    /** Deployment {@code id} no longer belongs to service {@code owner}. */
    public void removeDeployment(final String owner, final String id, final FactSink sink) {
        apply(owner, sink, parts -> {
            release(parts, id);
            parts.change().detach(id);
            parts.timeline().replace(id, null);
            parts.charges().dropClaims(id);
        });
        if (late != null) {
            late.released(owner, id);
        }
    }

    /** An incident, of this or another service, names (or stops naming) one of {@code owner}'s deployments. */
    public void applyClaim(final String owner, final CauseClaim claim, final FactSink sink) {
        apply(owner, sink, parts -> parts.charges().claim(claim));
    }

    /** A deployment, of this or another service, is (or stops being) charged with one of {@code owner}'s incidents. */
    public void applyAttribution(final String owner, final Attribution attribution, final FactSink sink) {
        apply(owner, sink, parts -> parts.charges().attribution(attribution));
    }

    /** The winning event of an incident of service {@code owner}. */
    public void applyIncident(final String owner, final IncidentEvent event, final FactSink sink) {
        apply(owner, sink, parts -> {
            parts.directory().observe(owner, event.getTeam(), event.getOccurredAt(),
                    parts.change().group(event.getEnvironment()));
            parts.incidents().replace(event.getId(), event);
        });
    }

    /** Incident {@code id} no longer belongs to service {@code owner}. */
    public void removeIncident(final String owner, final String id, final FactSink sink) {
        apply(owner, sink, parts -> {
            parts.change().detach(id);
            parts.incidents().replace(id, null);
        });
    }

    /** The winning event of a build of service {@code owner}; builds name no environment. */
    public void applyBuild(final String owner, final BuildEvent event, final FactSink sink) {
        apply(owner, sink, parts -> {
            parts.directory().observe(owner, event.getTeam(), event.getOccurredAt(), null);
            new BuildTimeline(parts.change()).replace(event.getId(), event);
        });
    }

    /** Build {@code id} no longer belongs to service {@code owner}. */
    public void removeBuild(final String owner, final String id, final FactSink sink) {
        apply(owner, sink, parts -> new BuildTimeline(parts.change()).replace(id, null));
    }

    /** A losing event still names its service's team. */
    public void observe(final String service, final String team, final Instant occurredAt, final FactSink sink) {
        apply(service, sink, parts -> parts.directory().observe(service, team, occurredAt, null));
    }

    /**
     * Runs one record as a unit of work: apply, derive the marked facts, then commit the staged writes and send
     * the messages, or, on any failure, drop both.
     */
    private void apply(final String service, final FactSink sink, final Consumer<Parts> body) {
        final LedgerChange change = new LedgerChange(config, stores.begin(service));
        try {
            final Parts parts = Parts.of(change);
            body.accept(parts);
            final Outbox outbox = derive(parts);
            change.buckets().flush();
            change.buildBuckets().flush();
            // the record's roll-up changes are kept with the task's only now that nothing of the record can fail
            rollUps.add(change.buckets().rollUpChanges());
            change.tx().commit();
            stores.recordCommitted();
            outbox.sendTo(sink);
        } catch (final RuntimeException e) {
            change.tx().discard();
            throw e;
        }
    }

    /** Recomputes every fact the record may have changed, moves the buckets and collects what to send. */
    private Outbox derive(final Parts parts) {
        final LedgerChange change = parts.change();
        final LedgerTx tx = change.tx();
        final Outbox outbox = new Outbox();
        change.claims().forEach(claim -> outbox.add(sink -> sink.claim(claim)));
        for (final String id : change.dirtyDeployments()) {
            final DeploymentFact old = tx.entity(Entity.DEPLOYMENT_FACT, id);
            final FactDeriver.Derived now = parts.facts().deployment(id);
            if (!Objects.equals(old, now.fact())) {
                tx.putEntity(Entity.DEPLOYMENT_FACT, id, now.fact());
                change.buckets().replace(change.service(), old, now.fact());
            }
            parts.charges().charge(id, now.charges());
            final DeploymentFact published = published(now.fact());
            if (!change.detached(id) && (!Objects.equals(published(old), published) || change.arrived(id))) {
                outbox.add(sink -> sink.deployment(id, published));
            }
        }
        change.attributions().forEach(attribution -> outbox.add(sink -> sink.attribution(attribution)));
        for (final String id : change.dirtyIncidents()) {
            final IncidentFact old = tx.entity(Entity.INCIDENT_FACT, id);
            final IncidentFact now = parts.facts().incident(id);
            if (!Objects.equals(old, now)) {
                tx.putEntity(Entity.INCIDENT_FACT, id, now);
                change.buckets().replace(change.service(), old, now);
                if (!change.detached(id)) {
                    outbox.add(sink -> sink.incident(id, now));
                }
            }
        }
        return outbox;
    }

    /** The facts topic carries production deployments only; other groups' facts stay in the stores. */
    private DeploymentFact published(final DeploymentFact fact) {
        return fact != null && config.isProduction(fact.getEnvironment()) ? fact : null;
    }

    /** The parts of the ledger, over one record's unit of work. */
    private record Parts(LedgerChange change, ServiceDirectory directory, CommitLabels labels,
                         DeploymentTimeline timeline, IncidentIndex incidents, Charges charges, FactDeriver facts) {

        static Parts of(final LedgerChange change) {
            final CommitLabels labels = new CommitLabels(change);
            final DeploymentTimeline timeline = new DeploymentTimeline(change, labels);
            final IncidentIndex incidents = new IncidentIndex(change, labels, timeline);
            final Charges charges = new Charges(change);
            return new Parts(change, change.directory(), labels, timeline, incidents,
                    charges, new FactDeriver(change, labels, timeline, incidents, charges));
        }
    }

    /** What a record sends, held back until its writes are applied. */
    private static final class Outbox {
        private final List<Consumer<FactSink>> messages = new ArrayList<>();

        void add(final Consumer<FactSink> message) {
            messages.add(message);
        }

        void sendTo(final FactSink sink) {
            messages.forEach(message -> message.accept(sink));
        }
    }
}
