package dev.dora.streams.ledger;

import static dev.dora.streams.ledger.LedgerStores.BY_SHA;
import static dev.dora.streams.ledger.LedgerStores.CAUSE_DEPLOYMENT;
import static dev.dora.streams.ledger.LedgerStores.CAUSE_SHA;
import static dev.dora.streams.ledger.LedgerStores.CHILDREN;
import static dev.dora.streams.ledger.LedgerStores.COMMIT;
import static dev.dora.streams.ledger.LedgerStores.DEPLOYED;
import static dev.dora.streams.ledger.LedgerStores.DEPLOYMENT;
import static dev.dora.streams.ledger.LedgerStores.DEPLOYMENT_FACT;
import static dev.dora.streams.ledger.LedgerStores.INCIDENT;
import static dev.dora.streams.ledger.LedgerStores.INCIDENT_FACT;
import static dev.dora.streams.ledger.LedgerStores.PRODUCTION_INCIDENTS;
import static dev.dora.streams.ledger.LedgerStores.ROLLBACKS;
import static dev.dora.streams.ledger.LedgerStores.TIMELINE;
import static dev.dora.streams.ledger.LedgerStores.UNCAUSED;

import dev.dora.events.ChangeEvent;
import dev.dora.events.DeploymentEvent;
import dev.dora.events.DeploymentStatus;
import dev.dora.events.IncidentEvent;
import dev.dora.events.IncidentStatus;
import dev.dora.facts.DeploymentFact;
import dev.dora.facts.FailureRule;
import dev.dora.facts.IncidentFact;
import dev.dora.state.CauseClaim;
import dev.dora.state.CommitNode;
import dev.dora.state.DayBucket;
import dev.dora.state.DeployRef;
import dev.dora.state.ServiceInfo;
import dev.dora.streams.MetricsConfig;
import dev.dora.streams.metrics.DayBuckets;
import dev.dora.streams.metrics.Histograms;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.HdrHistogram.Histogram;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The ledger of one service: its commits, deployments and incidents, and the facts derived from them.
 *
 * <p>Every derived value is a function of the current entities only, never of their arrival order. The costly
 * part, which production deployment first shipped each commit, is kept incrementally: each known commit is
 * labelled with the earliest production deployment (by finishedAt, then id) whose sha reaches it through
 * parents. New deployments and commits can only lower labels, which propagate towards ancestors and stop where
 * a label is already lower; removals recompute just the region whose label came from what was removed. A
 * deployment's deployed changes are then exactly the commits labelled with it.
 *
 * <p>Each applied event marks the deployments and incidents whose facts it may change; {@link #flush} recomputes
 * those facts, moves the day buckets by the difference and hands changed facts to the sink.
 */
public final class ServiceLedger {

    /** Receives facts that changed (a null fact retracts the previous one) and cause claims to route. */
    public interface FactSink {
        void deployment(String deploymentId, DeploymentFact fact);

        void incident(String incidentId, IncidentFact fact);

        /** A claim for the ledger of the named deployment's service, wherever that is. */
        void claim(CauseClaim claim);
    }

    private final MetricsConfig config;
    private final LedgerStores stores;
    private final DayBuckets buckets;
    private final KeyValueStore<Bytes, ServiceInfo> services;
    private final long windowMs;

    private String service;
    private final Set<String> dirtyDeployments = new LinkedHashSet<>();
    private final Set<String> dirtyIncidents = new LinkedHashSet<>();
    /** Entities that left this service during the current record: their facts are now owned elsewhere. */
    private final Set<String> detached = new LinkedHashSet<>();
    /** Deployments new to this service: publish their state even when it is "no fact", in case they moved here. */
    private final Set<String> arrived = new LinkedHashSet<>();
    private final List<CauseClaim> claims = new ArrayList<>();

    public ServiceLedger(final MetricsConfig config, final KeyValueStore<Bytes, SpecificRecord> entities,
                         final KeyValueStore<Bytes, byte[]> indexes, final KeyValueStore<Bytes, DayBucket> buckets,
                         final KeyValueStore<Bytes, ServiceInfo> services) {
        this.config = config;
        this.stores = new LedgerStores(entities, indexes);
        this.buckets = new DayBuckets(buckets);
        this.services = services;
        this.windowMs = config.incidentWindow().toMillis();
    }

    // ---------------------------------------------------------------- teams

    public static Bytes serviceKey(final String service) {
        return Keys.untagged().str(service).build();
    }

    /** A service's team is the one named by its most recent event that names one; ties go to the greater name. */
    public void observe(final String service, final String team, final Instant occurredAt) {
        final Bytes key = serviceKey(service);
        final ServiceInfo info = services.get(key);
        final long at = occurredAt.toEpochMilli();
        final ServiceInfo next = info == null
                ? ServiceInfo.newBuilder().setService(service).setLastEventAt(at).build()
                : ServiceInfo.newBuilder(info).setLastEventAt(Math.max(info.getLastEventAt(), at)).build();
        if (team != null && (next.getTeamEventAt() == null || at > next.getTeamEventAt()
                || (at == next.getTeamEventAt() && team.compareTo(next.getTeam()) > 0))) {
            next.setTeam(team);
            next.setTeamEventAt(at);
        }
        if (!next.equals(info)) {
            services.put(key, next);
        }
    }

    // ---------------------------------------------------------------- changes

    public void applyChange(final ChangeEvent event) {
        begin(event.getService());
        observe(service, event.getTeam(), event.getOccurredAt());
        final String sha = event.getSha();
        final CommitNode node = commit(sha);
        if (node != null && !Precedence.wins(event, node.getChange())) {
            return;
        }
        final DeployRef label = node == null ? null : node.getFirstDeployment();
        stores.putEntity(COMMIT, service, sha, new CommitNode(event, label));

        final Set<String> oldParents = node == null ? Set.of() : new LinkedHashSet<>(node.getChange().getParents());
        final Set<String> newParents = new LinkedHashSet<>(event.getParents());
        final List<String> removed = new ArrayList<>();
        for (final String parent : oldParents) {
            if (!newParents.contains(parent)) {
                stores.unlink(Keys.of(CHILDREN).str(service).str(parent).str(sha).build());
                removed.add(parent);
            }
        }
        final List<String> added = new ArrayList<>();
        for (final String parent : newParents) {
            if (!oldParents.contains(parent)) {
                stores.link(Keys.of(CHILDREN).str(service).str(parent).str(sha).build());
                added.add(parent);
            }
        }
        if (node == null) {
            buckets.addUndeployedChange(service, event.getCommittedAt(), 1);
            stores.scan(Keys.of(BY_SHA).str(service).str(sha).build(),
                    key -> dirtyDeployments.add((String) Keys.parse(key, "ssns", true).get(3)));
            final DeployRef computed = computeLabel(sha);
            if (computed != null) {
                lower(sha, computed);
            }
            return;
        }
        if (label == null && !node.getChange().getCommittedAt().equals(event.getCommittedAt())) {
            buckets.addUndeployedChange(service, node.getChange().getCommittedAt(), -1);
            buckets.addUndeployedChange(service, event.getCommittedAt(), 1);
        }
        if (label != null) {
            if (!node.getChange().getCommittedAt().equals(event.getCommittedAt())) {
                dirtyDeployments.add(label.getDeploymentId());
            }
            final List<String> seeds = new ArrayList<>();
            for (final String parent : removed) {
                final CommitNode p = commit(parent);
                if (p != null && label.equals(p.getFirstDeployment())) {
                    seeds.add(parent);
                }
            }
            raise(seeds);
            for (final String parent : added) {
                lower(parent, label);
            }
        }
    }

    // ---------------------------------------------------------------- deployments

    public void applyDeployment(final String owner, final DeploymentEvent event) {
        begin(owner);
        observe(service, event.getTeam(), event.getOccurredAt());
        replaceDeployment(event.getId(), event);
    }

    public void removeDeployment(final String owner, final String id) {
        begin(owner);
        detached.add(id);
        replaceDeployment(id, null);
        // the resolver hands the deployment's cause claims to its new service
        stores.scan(Keys.of(CAUSE_DEPLOYMENT).str(service).str(id).build(), stores::unlink);
    }

    /** An incident, of this or another service, names (or stops naming) one of this service's deployments. */
    public void applyClaim(final String owner, final CauseClaim claim) {
        begin(owner);
        final Bytes key = Keys.of(CAUSE_DEPLOYMENT).str(service).str(claim.getDeploymentId())
                .str(claim.getIncidentId()).str(claim.getIncidentService()).build();
        if (claim.getPresent()) {
            stores.link(key, claim.getResolvedAt() == null ? new byte[0]
                    : java.nio.ByteBuffer.allocate(Long.BYTES).putLong(claim.getResolvedAt()).array());
        } else {
            stores.unlink(key);
        }
        dirtyDeployments.add(claim.getDeploymentId());
    }

    private void replaceDeployment(final String id, final DeploymentEvent now) {
        final DeploymentEvent old = stores.entity(DEPLOYMENT, service, id, DeploymentEvent.class);
        if (Objects.equals(old, now)) {
            return;
        }
        stores.putEntity(DEPLOYMENT, service, id, now);
        dirtyDeployments.add(id);
        if (old == null) {
            arrived.add(id);
        }

        final DeployRef oldRef = productionRef(old);
        final DeployRef newRef = productionRef(now);
        final String oldSha = oldRef == null ? null : old.getSha();
        final String newSha = newRef == null ? null : now.getSha();
        final String oldTarget = oldRef == null ? null : old.getRollbackOf();
        final String newTarget = newRef == null ? null : now.getRollbackOf();

        if (!Objects.equals(oldRef, newRef) || !Objects.equals(oldSha, newSha)) {
            final DeployRef firstBefore = firstProduction();
            if (oldRef != null) {
                stores.unlink(timelineKey(oldRef));
                if (oldSha != null) {
                    stores.unlink(bySha(oldSha, oldRef));
                }
                markPredecessor(oldRef);
                if (oldSha != null) {
                    final CommitNode node = commit(oldSha);
                    if (node != null && oldRef.equals(node.getFirstDeployment())) {
                        raise(List.of(oldSha));
                    }
                }
            }
            if (newRef != null) {
                stores.link(timelineKey(newRef), newSha == null ? new byte[0] : newSha.getBytes(StandardCharsets.UTF_8));
                markPredecessor(newRef);
                if (newSha != null) {
                    stores.link(bySha(newSha, newRef));
                    lower(newSha, newRef);
                }
            }
            final DeployRef firstAfter = firstProduction();
            if (!Objects.equals(firstBefore, firstAfter)) {
                markDeployment(firstBefore);
                markDeployment(firstAfter);
            }
        }
        if (oldTarget != null) {
            stores.unlink(Keys.of(ROLLBACKS).str(service).str(oldTarget).str(id).build());
            dirtyDeployments.add(oldTarget);
        }
        if (newTarget != null) {
            stores.link(Keys.of(ROLLBACKS).str(service).str(newTarget).str(id).build());
            dirtyDeployments.add(newTarget);
        }
    }

    private DeployRef productionRef(final DeploymentEvent deployment) {
        if (deployment == null || deployment.getStatus() != DeploymentStatus.success
                || deployment.getFinishedAt() == null || !config.isProduction(deployment.getEnvironment())) {
            return null;
        }
        return new DeployRef(deployment.getFinishedAt().toEpochMilli(), deployment.getId());
    }

    private Bytes timelineKey(final DeployRef ref) {
        return Keys.of(TIMELINE).str(service).num(ref.getFinishedAt()).str(ref.getDeploymentId()).build();
    }

    private Bytes bySha(final String sha, final DeployRef ref) {
        return Keys.of(BY_SHA).str(service).str(sha).num(ref.getFinishedAt()).str(ref.getDeploymentId()).build();
    }

    private Bytes timelinePrefix() {
        return Keys.of(TIMELINE).str(service).build();
    }

    private static DeployRef refFromTimeline(final Bytes key) {
        final List<Object> parts = Keys.parse(key, "sns", true);
        return new DeployRef((Long) parts.get(1), (String) parts.get(2));
    }

    private DeployRef firstProduction() {
        final Bytes prefix = timelinePrefix();
        final KeyValue<Bytes, byte[]> first = stores.first(prefix, Keys.after(prefix), false);
        return first == null ? null : refFromTimeline(first.key);
    }

    /** The last production deployment before {@code ref} in (finishedAt, id) order. */
    private DeployRef predecessor(final DeployRef ref) {
        final Bytes self = timelineKey(ref);
        final KeyValue<Bytes, byte[]> before = stores.firstOther(timelinePrefix(), self, self, true);
        return before == null ? null : refFromTimeline(before.key);
    }

    /** The first production deployment after {@code ref} in (finishedAt, id) order. */
    private DeployRef successor(final DeployRef ref) {
        final Bytes self = timelineKey(ref);
        final KeyValue<Bytes, byte[]> next = stores.first(Keys.after(self), Keys.after(timelinePrefix()), false);
        return next == null ? null : refFromTimeline(next.key);
    }

    /** The last production deployment that finished at or before {@code at}. */
    private DeployRef latestAtOrBefore(final long at) {
        final Bytes upper = Keys.after(Keys.of(TIMELINE).str(service).num(at).build());
        final KeyValue<Bytes, byte[]> last = stores.first(timelinePrefix(), upper, true);
        return last == null ? null : refFromTimeline(last.key);
    }

    private void markPredecessor(final DeployRef ref) {
        markDeployment(predecessor(ref));
    }

    private void markDeployment(final DeployRef ref) {
        if (ref != null) {
            dirtyDeployments.add(ref.getDeploymentId());
        }
    }

    // ---------------------------------------------------------------- incidents

    public void applyIncident(final String owner, final IncidentEvent event) {
        begin(owner);
        observe(service, event.getTeam(), event.getOccurredAt());
        replaceIncident(event.getId(), event);
    }

    public void removeIncident(final String owner, final String id) {
        begin(owner);
        detached.add(id);
        replaceIncident(id, null);
    }

    private void replaceIncident(final String id, final IncidentEvent now) {
        final IncidentEvent old = stores.entity(INCIDENT, service, id, IncidentEvent.class);
        if (Objects.equals(old, now)) {
            return;
        }
        stores.putEntity(INCIDENT, service, id, now);
        dirtyIncidents.add(id);
        indexIncident(old, false);
        indexIncident(now, true);
        final String oldCause = claimedDeployment(old);
        final String newCause = claimedDeployment(now);
        if (!Objects.equals(oldCause, newCause) && oldCause != null) {
            claims.add(new CauseClaim(oldCause, id, service, false, null));
        }
        if (newCause != null && (!newCause.equals(oldCause) || !Objects.equals(resolvedAt(old), resolvedAt(now)))) {
            claims.add(new CauseClaim(newCause, id, service, true, resolvedAt(now)));
        }
    }

    /** When the incident was resolved, in epoch milliseconds, or null while it is open. */
    private static Long resolvedAt(final IncidentEvent incident) {
        return incident == null || incident.getStatus() != IncidentStatus.resolved || incident.getResolvedAt() == null
                ? null : incident.getResolvedAt().toEpochMilli();
    }

    private String claimedDeployment(final IncidentEvent incident) {
        return incident == null || !config.isProduction(incident.getEnvironment()) ? null
                : incident.getCauseDeploymentId();
    }

    private void indexIncident(final IncidentEvent incident, final boolean present) {
        if (incident == null || !config.isProduction(incident.getEnvironment())) {
            return;
        }
        final String id = incident.getId();
        final Bytes position = incidentPosition(incident);
        setLink(position, present);
        // the next incident's time since the previous failure changes with this one's arrival or departure
        final KeyValue<Bytes, byte[]> next = stores.first(Keys.after(position),
                Keys.after(Keys.of(PRODUCTION_INCIDENTS).str(service).build()), false);
        if (next != null) {
            dirtyIncidents.add((String) Keys.parse(next.key, "sns", true).get(2));
        }
        final String causeDeployment = incident.getCauseDeploymentId();
        final String causeSha = incident.getCauseSha();
        if (causeSha != null) {
            setLink(Keys.of(CAUSE_SHA).str(service).str(causeSha).str(id).build(), present);
            final CommitNode node = commit(causeSha);
            if (node != null && node.getFirstDeployment() != null) {
                dirtyDeployments.add(node.getFirstDeployment().getDeploymentId());
            }
        }
        if (causeDeployment == null && causeSha == null) {
            final long opened = incident.getOpenedAt().toEpochMilli();
            setLink(Keys.of(UNCAUSED).str(service).num(opened).str(id).build(), present);
            markDeployment(latestAtOrBefore(opened));
        }
    }

    private Bytes incidentPosition(final IncidentEvent incident) {
        return Keys.of(PRODUCTION_INCIDENTS).str(service).num(incident.getOpenedAt().toEpochMilli())
                .str(incident.getId()).build();
    }

    /** Seconds since the previous production incident of the service opened, or null for the first one. */
    private Long sincePreviousFailure(final IncidentEvent incident) {
        final Bytes self = incidentPosition(incident);
        final KeyValue<Bytes, byte[]> previous = stores.firstOther(Keys.of(PRODUCTION_INCIDENTS).str(service).build(),
                self, self, true);
        if (previous == null) {
            return null;
        }
        final long previousOpenedAt = (Long) Keys.parse(previous.key, "sns", true).get(1);
        return (incident.getOpenedAt().toEpochMilli() - previousOpenedAt) / 1000;
    }

    private void setLink(final Bytes key, final boolean present) {
        if (present) {
            stores.link(key);
        } else {
            stores.unlink(key);
        }
    }

    // ---------------------------------------------------------------- first-deployment labels

    private CommitNode commit(final String sha) {
        return stores.entity(COMMIT, service, sha, CommitNode.class);
    }

    static int compare(final DeployRef a, final DeployRef b) {
        final int byTime = Long.compare(a.getFinishedAt(), b.getFinishedAt());
        return byTime != 0 ? byTime : Keys.of((byte) 0).str(a.getDeploymentId()).build()
                .compareTo(Keys.of((byte) 0).str(b.getDeploymentId()).build());
    }

    private static DeployRef min(final DeployRef a, final DeployRef b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return compare(a, b) <= 0 ? a : b;
    }

    /** The label a commit would get from its own deployments and its known children. */
    private DeployRef computeLabel(final String sha) {
        final Bytes sources = Keys.of(BY_SHA).str(service).str(sha).build();
        final KeyValue<Bytes, byte[]> firstSource = stores.first(sources, Keys.after(sources), false);
        DeployRef label = null;
        if (firstSource != null) {
            final List<Object> parts = Keys.parse(firstSource.key, "ssns", true);
            label = new DeployRef((Long) parts.get(2), (String) parts.get(3));
        }
        for (final String child : children(sha)) {
            final CommitNode node = commit(child);
            if (node != null) {
                label = min(label, node.getFirstDeployment());
            }
        }
        return label;
    }

    private List<String> children(final String sha) {
        final List<String> out = new ArrayList<>();
        stores.scan(Keys.of(CHILDREN).str(service).str(sha).build(),
                key -> out.add((String) Keys.parse(key, "sss", true).get(2)));
        return out;
    }

    /** Lowers the label of {@code start} to {@code label} and propagates it to ancestors while it is lower. */
    private void lower(final String start, final DeployRef label) {
        final Deque<String> pending = new ArrayDeque<>();
        pending.push(start);
        while (!pending.isEmpty()) {
            final String sha = pending.pop();
            final CommitNode node = commit(sha);
            if (node == null || (node.getFirstDeployment() != null && compare(node.getFirstDeployment(), label) <= 0)) {
                continue;
            }
            relabel(sha, node, label);
            for (final String parent : node.getChange().getParents()) {
                pending.push(parent);
            }
        }
    }

    /**
     * Recomputes the labels that may have depended on something just removed: the seeds and every ancestor
     * reached through commits carrying the same label.
     */
    private void raise(final List<String> seeds) {
        final Set<String> region = new LinkedHashSet<>();
        final Deque<String> pending = new ArrayDeque<>(seeds);
        while (!pending.isEmpty()) {
            final String sha = pending.pop();
            if (region.contains(sha)) {
                continue;
            }
            final CommitNode node = commit(sha);
            if (node == null || node.getFirstDeployment() == null) {
                continue;
            }
            region.add(sha);
            for (final String parent : node.getChange().getParents()) {
                final CommitNode p = commit(parent);
                if (p != null && node.getFirstDeployment().equals(p.getFirstDeployment())) {
                    pending.push(parent);
                }
            }
        }
        for (final String sha : region) {
            relabel(sha, commit(sha), null);
        }
        for (final String sha : region) {
            final DeployRef label = computeLabel(sha);
            if (label != null) {
                lower(sha, label);
            }
        }
    }

    private void relabel(final String sha, final CommitNode node, final DeployRef label) {
        final DeployRef old = node.getFirstDeployment();
        if ((old == null) != (label == null)) {
            buckets.addUndeployedChange(service, node.getChange().getCommittedAt(), label == null ? 1 : -1);
        }
        if (old != null) {
            stores.unlink(Keys.of(DEPLOYED).str(service).str(old.getDeploymentId()).str(sha).build());
            dirtyDeployments.add(old.getDeploymentId());
        }
        if (label != null) {
            stores.link(Keys.of(DEPLOYED).str(service).str(label.getDeploymentId()).str(sha).build());
            dirtyDeployments.add(label.getDeploymentId());
        }
        stores.putEntity(COMMIT, service, sha, new CommitNode(node.getChange(), label));
    }

    // ---------------------------------------------------------------- facts

    private void begin(final String owner) {
        if (service != null && !service.equals(owner)) {
            throw new IllegalStateException("flush() the ledger of " + service + " before touching " + owner);
        }
        service = owner;
    }

    /** Recomputes every fact the applied events may have changed and hands the changed ones to {@code sink}. */
    public void flush(final FactSink sink) {
        if (service == null) {
            return;
        }
        try {
            claims.forEach(sink::claim);
            for (final String id : dirtyDeployments) {
                final DeploymentFact old = stores.entity(DEPLOYMENT_FACT, service, id, DeploymentFact.class);
                final DeploymentFact now = deploymentFact(id);
                final boolean changed = !Objects.equals(old, now);
                if (changed) {
                    stores.putEntity(DEPLOYMENT_FACT, service, id, now);
                    buckets.replace(service, old, now);
                }
                if (!detached.contains(id) && (changed || arrived.contains(id))) {
                    sink.deployment(id, now);
                }
            }
            for (final String id : dirtyIncidents) {
                final IncidentFact old = stores.entity(INCIDENT_FACT, service, id, IncidentFact.class);
                final IncidentFact now = incidentFact(id);
                if (!Objects.equals(old, now)) {
                    stores.putEntity(INCIDENT_FACT, service, id, now);
                    buckets.replace(service, old, now);
                    if (!detached.contains(id)) {
                        sink.incident(id, now);
                    }
                }
            }
        } finally {
            dirtyDeployments.clear();
            dirtyIncidents.clear();
            detached.clear();
            arrived.clear();
            claims.clear();
            service = null;
        }
    }

    private DeploymentFact deploymentFact(final String id) {
        final DeploymentEvent deployment = stores.entity(DEPLOYMENT, service, id, DeploymentEvent.class);
        final DeployRef ref = productionRef(deployment);
        if (ref == null) {
            return null;
        }
        final boolean baseline = ref.equals(firstProduction());
        final long finished = ref.getFinishedAt();
        final Histogram leadTimes = Histograms.empty();
        final int[] deployed = {0};
        stores.scan(Keys.of(DEPLOYED).str(service).str(id).build(), key -> {
            deployed[0]++;
            if (!baseline) {
                final String sha = (String) Keys.parse(key, "sss", true).get(2);
                final long ms = finished - commit(sha).getChange().getCommittedAt().toEpochMilli();
                if (ms >= 0) {
                    leadTimes.recordValue(ms / 1000);
                }
            }
        });

        final Set<String> byDeploymentIds = new TreeSet<>();
        // the resolution of every charged incident, null for one still open
        final java.util.Map<String, Long> resolutions = new java.util.HashMap<>();
        for (final KeyValue<Bytes, byte[]> entry : stores.scan(Keys.of(CAUSE_DEPLOYMENT).str(service).str(id).build())) {
            final List<Object> parts = Keys.parse(entry.key, "ssss", true);
            final String incidentId = (String) parts.get(2);
            byDeploymentIds.add(incidentId);
            final Long resolved = entry.value == null || entry.value.length == 0 ? null
                    : java.nio.ByteBuffer.wrap(entry.value).getLong();
            resolutions.merge(parts.get(3) + "\u0000" + incidentId, resolved == null ? Long.MAX_VALUE : resolved, Math::max);
        }
        final List<String> byDeployment = new ArrayList<>(byDeploymentIds);

        final Set<String> bySha = new TreeSet<>();
        stores.scan(Keys.of(CAUSE_SHA).str(service).build(), key -> {
            final List<Object> parts = Keys.parse(key, "sss", true);
            final CommitNode node = commit((String) parts.get(1));
            if (node != null && ref.equals(node.getFirstDeployment())) {
                bySha.add((String) parts.get(2));
            }
        });

        final List<String> inWindow = new ArrayList<>();
        final DeployRef next = successor(ref);
        long last = finished + windowMs;
        if (next != null) {
            last = Math.min(last, next.getFinishedAt() - 1);
        }
        if (last >= finished) {
            final Bytes from = Keys.of(UNCAUSED).str(service).num(finished).build();
            final Bytes to = Keys.after(Keys.of(UNCAUSED).str(service).num(last).build());
            for (final KeyValue<Bytes, byte[]> entry : stores.range(from, to)) {
                inWindow.add((String) Keys.parse(entry.key, "sns", true).get(2));
            }
        }

        final List<String> rollbacks = new ArrayList<>();
        stores.scan(Keys.of(ROLLBACKS).str(service).str(id).build(), key -> {
            final String rollbackId = (String) Keys.parse(key, "sss", true).get(2);
            final DeployRef rollback = productionRef(stores.entity(DEPLOYMENT, service, rollbackId, DeploymentEvent.class));
            if (rollback != null && compare(rollback, ref) > 0) {
                rollbacks.add(rollbackId);
            }
        });

        for (final String incidentId : bySha) {
            resolutions.merge(service + "\u0000" + incidentId, localResolution(incidentId), Math::max);
        }
        for (final String incidentId : inWindow) {
            resolutions.merge(service + "\u0000" + incidentId, localResolution(incidentId), Math::max);
        }
        final Long recoveredAt;
        if (!resolutions.isEmpty()) {
            final long lastResolution = java.util.Collections.max(resolutions.values());
            recoveredAt = lastResolution == Long.MAX_VALUE ? null : lastResolution;
        } else if (!rollbacks.isEmpty()) {
            recoveredAt = next == null ? null : next.getFinishedAt();
        } else {
            recoveredAt = null;
        }
        final Long recoverySeconds = recoveredAt == null || recoveredAt < finished ? null : (recoveredAt - finished) / 1000;
        final FailureRule rule = !byDeployment.isEmpty() ? FailureRule.cause_deployment_id
                : !bySha.isEmpty() ? FailureRule.cause_sha
                : !inWindow.isEmpty() ? FailureRule.time_window
                : !rollbacks.isEmpty() ? FailureRule.rollback
                : null;
        return DeploymentFact.newBuilder()
                .setDeploymentId(id)
                .setService(service)
                .setEnvironment(deployment.getEnvironment())
                .setFinishedAt(deployment.getFinishedAt())
                .setSha(deployment.getSha())
                .setBaseline(baseline)
                .setDeployedChanges(deployed[0])
                .setLeadTimeSamples((int) leadTimes.getTotalCount())
                .setLeadTimeHistogram(Histograms.encode(leadTimes))
                .setFailed(rule != null)
                .setFailureRule(rule)
                .setCauseDeploymentIncidents(byDeployment)
                .setCauseShaIncidents(new ArrayList<>(bySha))
                .setTimeWindowIncidents(inWindow)
                .setRolledBackBy(rollbacks)
                .setRollbackOf(deployment.getRollbackOf())
                .setStrategy(deployment.getStrategy())
                .setRecoverySeconds(rule == null ? null : recoverySeconds)
                .setRework(deployment.getRollbackOf() != null || deployment.getHotfix())
                .setShaUnknown(deployment.getSha() == null || commit(deployment.getSha()) == null)
                .build();
    }

    /** When a local incident was resolved, or Long.MAX_VALUE while it is open. */
    private long localResolution(final String incidentId) {
        final Long resolved = resolvedAt(stores.entity(INCIDENT, service, incidentId, IncidentEvent.class));
        return resolved == null ? Long.MAX_VALUE : resolved;
    }

    private IncidentFact incidentFact(final String id) {
        final IncidentEvent incident = stores.entity(INCIDENT, service, id, IncidentEvent.class);
        if (incident == null) {
            return null;
        }
        final boolean resolved = incident.getStatus() == IncidentStatus.resolved && incident.getResolvedAt() != null;
        return IncidentFact.newBuilder()
                .setIncidentId(id)
                .setService(service)
                .setEnvironment(incident.getEnvironment())
                .setProduction(config.isProduction(incident.getEnvironment()))
                .setOpenedAt(incident.getOpenedAt())
                .setResolvedAt(resolved ? incident.getResolvedAt() : null)
                .setRestoreSeconds(resolved
                        ? Math.max(0, incident.getResolvedAt().toEpochMilli() - incident.getOpenedAt().toEpochMilli()) / 1000
                        : null)
                .setSeverity(incident.getSeverity())
                .setCauseDeploymentId(incident.getCauseDeploymentId())
                .setCauseSha(incident.getCauseSha())
                .setSincePreviousSeconds(config.isProduction(incident.getEnvironment())
                        ? sincePreviousFailure(incident) : null)
                .setDetectSeconds(incident.getDetectedAt() == null ? null
                        : (incident.getDetectedAt().toEpochMilli() - incident.getOpenedAt().toEpochMilli()) / 1000)
                .build();
    }
}
