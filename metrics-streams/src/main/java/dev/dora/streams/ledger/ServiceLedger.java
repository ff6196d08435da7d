package dev.dora.streams.ledger;

import static dev.dora.streams.MetricsConfig.PRODUCTION;
import static dev.dora.streams.ledger.LedgerStores.ATTRIBUTED;
import static dev.dora.streams.ledger.LedgerStores.BY_SHA;
import static dev.dora.streams.ledger.LedgerStores.CAUSE_DEPLOYMENT;
import static dev.dora.streams.ledger.LedgerStores.CAUSE_SHA;
import static dev.dora.streams.ledger.LedgerStores.CHARGED;
import static dev.dora.streams.ledger.LedgerStores.CHILDREN;
import static dev.dora.streams.ledger.LedgerStores.COMMIT;
import static dev.dora.streams.ledger.LedgerStores.DEPLOYED;
import static dev.dora.streams.ledger.LedgerStores.DEPLOYMENT;
import static dev.dora.streams.ledger.LedgerStores.DEPLOYMENT_FACT;
import static dev.dora.streams.ledger.LedgerStores.INCIDENT;
import static dev.dora.streams.ledger.LedgerStores.INCIDENT_FACT;
import static dev.dora.streams.ledger.LedgerStores.INCIDENT_TIMELINE;
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
import dev.dora.state.Attribution;
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
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.HdrHistogram.Histogram;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The ledger of one service: its commits, deployments and incidents, and the facts derived from them.
 *
 * <p>Metrics are computed per environment group: every production environment forms the group
 * {@value MetricsConfig#PRODUCTION}, every other environment is its own group, and deployments, incidents and
 * the incidents' attribution never cross groups.
 *
 * <p>Every derived value is a function of the current entities only, never of their arrival order. The costly
 * part, which deployment first shipped each commit to a group, is kept incrementally: each known commit is
 * labelled, per group, with the earliest successful deployment there (by finishedAt, then id) whose sha reaches
 * it through parents. New deployments and commits can only lower labels, which propagate towards ancestors and stop where
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

        /** An attribution for the ledger of another service's incident. */
        void attribution(Attribution attribution);
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
    private final List<Attribution> attributions = new ArrayList<>();

    public ServiceLedger(final MetricsConfig config, final KeyValueStore<Bytes, SpecificRecord> entities,
                         final KeyValueStore<Bytes, byte[]> indexes, final KeyValueStore<Bytes, DayBucket> buckets,
                         final KeyValueStore<Bytes, ServiceInfo> services) {
        this.config = config;
        this.stores = new LedgerStores(entities, indexes);
        this.buckets = new DayBuckets(buckets, config::environmentGroup);
        this.services = services;
        this.windowMs = config.incidentWindow().toMillis();
    }

    // ---------------------------------------------------------------- teams

    public static Bytes serviceKey(final String service) {
        return Keys.untagged().str(service).build();
    }

    /** A service's team is the one named by its most recent event that names one; ties go to the greater name. */
    public void observe(final String service, final String team, final Instant occurredAt) {
        observe(service, team, occurredAt, null);
    }

    private void observe(final String service, final String team, final Instant occurredAt, final String environment) {
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
        if (environment != null && !next.getEnvironments().contains(environment)) {
            final Set<String> environments = new TreeSet<>(next.getEnvironments());
            environments.add(environment);
            next.setEnvironments(new ArrayList<>(environments));
        }
        if (!next.equals(info)) {
            services.put(key, next);
        }
    }

    // ---------------------------------------------------------------- changes

    public void applyChange(final ChangeEvent received) {
        begin(received.getService());
        observe(service, received.getTeam(), received.getOccurredAt());
        final String sha = received.getSha();
        final CommitNode node = commit(sha);
        if (node != null && !Precedence.wins(received, node.getChange())) {
            keepLabels(node, received);
            return;
        }
        // a push event usually wins over the pull request event that carried the labels: keep every label seen
        final ChangeEvent event = node == null ? received : withLabels(received, node.getChange().getLabels());
        final Map<String, DeployRef> firsts = node == null ? Map.of() : new TreeMap<>(node.getFirstDeployments());
        stores.putEntity(COMMIT, service, sha, new CommitNode(event, new TreeMap<>(firsts)));

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
                    key -> dirtyDeployments.add((String) Keys.parse(key, "sssns", true).get(4)));
            computeLabels(sha).forEach((group, computed) -> lower(sha, group, computed));
            return;
        }
        final boolean recommitted = !node.getChange().getCommittedAt().equals(event.getCommittedAt());
        if (!firsts.containsKey(PRODUCTION) && recommitted) {
            buckets.addUndeployedChange(service, node.getChange().getCommittedAt(), -1);
            buckets.addUndeployedChange(service, event.getCommittedAt(), 1);
        }
        final boolean remarked = config.hotfixRule().matches(node.getChange()) != config.hotfixRule().matches(event);
        firsts.forEach((group, label) -> {
            if (recommitted || remarked) {
                dirtyDeployments.add(label.getDeploymentId());
            }
            final List<String> seeds = new ArrayList<>();
            for (final String parent : removed) {
                final CommitNode p = commit(parent);
                if (p != null && label.equals(label(p, group))) {
                    seeds.add(parent);
                }
            }
            raise(group, seeds);
            for (final String parent : added) {
                lower(parent, group, label);
            }
        });
    }

    /** The losing version of a change still contributes its labels, so the labels do not depend on arrival order. */
    private void keepLabels(final CommitNode node, final ChangeEvent loser) {
        final ChangeEvent merged = withLabels(node.getChange(), loser.getLabels());
        if (merged != node.getChange()) {
            stores.putEntity(COMMIT, service, loser.getSha(), new CommitNode(merged, node.getFirstDeployments()));
            node.getFirstDeployments().values().forEach(this::markDeployment);
        }
    }

    /** {@code change} with the union of its labels and {@code more}, sorted; the same instance when nothing is new. */
    private static ChangeEvent withLabels(final ChangeEvent change, final List<String> more) {
        if (change.getLabels().containsAll(more)) {
            return change;
        }
        final Set<String> labels = new TreeSet<>(change.getLabels());
        labels.addAll(more);
        return ChangeEvent.newBuilder(change).setLabels(new ArrayList<>(labels)).build();
    }

    // ---------------------------------------------------------------- deployments

    public void applyDeployment(final String owner, final DeploymentEvent event) {
        begin(owner);
        observe(service, event.getTeam(), event.getOccurredAt(), group(event.getEnvironment()));
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
            stores.link(key, ClaimValue.encode(claim.getIncidentEnvironment(), claim.getResolvedAt()));
        } else {
            stores.unlink(key);
        }
        dirtyDeployments.add(claim.getDeploymentId());
    }

    /** A deployment, of this or another service, is (or stops being) charged with one of this service's incidents. */
    public void applyAttribution(final String owner, final Attribution attribution) {
        begin(owner);
        setLink(Keys.of(ATTRIBUTED).str(service).str(attribution.getIncidentId())
                .str(attribution.getDeploymentService()).str(attribution.getDeploymentId()).build(),
                attribution.getPresent());
        dirtyIncidents.add(attribution.getIncidentId());
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

        final DeployRef oldRef = ref(old);
        final DeployRef newRef = ref(now);
        final String oldGroup = oldRef == null ? null : group(old.getEnvironment());
        final String newGroup = newRef == null ? null : group(now.getEnvironment());
        final String oldSha = oldRef == null ? null : old.getSha();
        final String newSha = newRef == null ? null : now.getSha();
        final String oldTarget = oldRef == null ? null : old.getRollbackOf();
        final String newTarget = newRef == null ? null : now.getRollbackOf();

        if (!Objects.equals(oldRef, newRef) || !Objects.equals(oldSha, newSha) || !Objects.equals(oldGroup, newGroup)) {
            final Map<String, DeployRef> firstsBefore = new TreeMap<>();
            if (oldGroup != null) {
                firstsBefore.put(oldGroup, first(oldGroup));
            }
            if (newGroup != null) {
                firstsBefore.put(newGroup, first(newGroup));
            }
            if (oldRef != null) {
                stores.unlink(timelineKey(oldGroup, oldRef));
                if (oldSha != null) {
                    stores.unlink(bySha(oldSha, oldGroup, oldRef));
                }
                markPredecessor(oldGroup, oldRef);
                if (oldSha != null) {
                    final CommitNode node = commit(oldSha);
                    if (node != null && oldRef.equals(label(node, oldGroup))) {
                        raise(oldGroup, List.of(oldSha));
                    }
                }
            }
            if (newRef != null) {
                stores.link(timelineKey(newGroup, newRef),
                        newSha == null ? new byte[0] : newSha.getBytes(StandardCharsets.UTF_8));
                markPredecessor(newGroup, newRef);
                if (newSha != null) {
                    stores.link(bySha(newSha, newGroup, newRef));
                    lower(newSha, newGroup, newRef);
                }
            }
            firstsBefore.forEach((group, before) -> {
                final DeployRef after = first(group);
                if (!Objects.equals(before, after)) {
                    markDeployment(before);
                    markDeployment(after);
                }
            });
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

    private String group(final String environment) {
        return config.environmentGroup(environment);
    }

    /** A successful, finished deployment's place in the timeline of its environment group; null for others. */
    private static DeployRef ref(final DeploymentEvent deployment) {
        if (deployment == null || deployment.getStatus() != DeploymentStatus.success
                || deployment.getFinishedAt() == null) {
            return null;
        }
        return new DeployRef(deployment.getFinishedAt().toEpochMilli(), deployment.getId());
    }

    private Bytes timelineKey(final String group, final DeployRef ref) {
        return Keys.of(TIMELINE).str(service).str(group).num(ref.getFinishedAt()).str(ref.getDeploymentId()).build();
    }

    private Bytes bySha(final String sha, final String group, final DeployRef ref) {
        return Keys.of(BY_SHA).str(service).str(sha).str(group).num(ref.getFinishedAt()).str(ref.getDeploymentId())
                .build();
    }

    private Bytes timelinePrefix(final String group) {
        return Keys.of(TIMELINE).str(service).str(group).build();
    }

    private static DeployRef refFromTimeline(final Bytes key) {
        final List<Object> parts = Keys.parse(key, "ssns", true);
        return new DeployRef((Long) parts.get(2), (String) parts.get(3));
    }

    /** The first deployment of a group: its baseline. */
    private DeployRef first(final String group) {
        final Bytes prefix = timelinePrefix(group);
        final KeyValue<Bytes, byte[]> first = stores.first(prefix, Keys.after(prefix), false);
        return first == null ? null : refFromTimeline(first.key);
    }

    /** The last deployment of the group before {@code ref} in (finishedAt, id) order. */
    private DeployRef predecessor(final String group, final DeployRef ref) {
        final Bytes self = timelineKey(group, ref);
        final KeyValue<Bytes, byte[]> before = stores.firstOther(timelinePrefix(group), self, self, true);
        return before == null ? null : refFromTimeline(before.key);
    }

    /** The first deployment of the group after {@code ref} in (finishedAt, id) order. */
    private DeployRef successor(final String group, final DeployRef ref) {
        final Bytes self = timelineKey(group, ref);
        final KeyValue<Bytes, byte[]> next = stores.first(Keys.after(self), Keys.after(timelinePrefix(group)), false);
        return next == null ? null : refFromTimeline(next.key);
    }

    /** The last deployment of the group that finished at or before {@code at}. */
    private DeployRef latestAtOrBefore(final String group, final long at) {
        final Bytes upper = Keys.after(Keys.of(TIMELINE).str(service).str(group).num(at).build());
        final KeyValue<Bytes, byte[]> last = stores.first(timelinePrefix(group), upper, true);
        return last == null ? null : refFromTimeline(last.key);
    }

    private void markPredecessor(final String group, final DeployRef ref) {
        markDeployment(predecessor(group, ref));
    }

    private void markDeployment(final DeployRef ref) {
        if (ref != null) {
            dirtyDeployments.add(ref.getDeploymentId());
        }
    }

    // ---------------------------------------------------------------- incidents

    public void applyIncident(final String owner, final IncidentEvent event) {
        begin(owner);
        observe(service, event.getTeam(), event.getOccurredAt(), group(event.getEnvironment()));
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
        final String oldCause = old == null ? null : old.getCauseDeploymentId();
        final String newCause = now == null ? null : now.getCauseDeploymentId();
        final String oldGroup = old == null ? null : group(old.getEnvironment());
        final String newGroup = now == null ? null : group(now.getEnvironment());
        final boolean sameClaim = Objects.equals(oldCause, newCause) && Objects.equals(oldGroup, newGroup);
        if (!sameClaim && oldCause != null) {
            claims.add(new CauseClaim(oldCause, id, service, oldGroup, false, null));
        }
        if (newCause != null && (!sameClaim || !Objects.equals(resolvedAt(old), resolvedAt(now)))) {
            claims.add(new CauseClaim(newCause, id, service, newGroup, true, resolvedAt(now)));
        }
    }

    /** When the incident was resolved, in epoch milliseconds, or null while it is open. */
    private static Long resolvedAt(final IncidentEvent incident) {
        return incident == null || incident.getStatus() != IncidentStatus.resolved || incident.getResolvedAt() == null
                ? null : incident.getResolvedAt().toEpochMilli();
    }

    private void indexIncident(final IncidentEvent incident, final boolean present) {
        if (incident == null) {
            return;
        }
        final String id = incident.getId();
        final String group = group(incident.getEnvironment());
        final Bytes position = incidentPosition(group, incident);
        setLink(position, present);
        // the next incident's time since the previous failure changes with this one's arrival or departure
        final KeyValue<Bytes, byte[]> next = stores.first(Keys.after(position),
                Keys.after(Keys.of(INCIDENT_TIMELINE).str(service).str(group).build()), false);
        if (next != null) {
            dirtyIncidents.add((String) Keys.parse(next.key, "ssns", true).get(3));
        }
        final String causeDeployment = incident.getCauseDeploymentId();
        final String causeSha = incident.getCauseSha();
        if (causeSha != null) {
            setLink(Keys.of(CAUSE_SHA).str(service).str(group).str(causeSha).str(id).build(), present);
            final CommitNode node = commit(causeSha);
            markDeployment(node == null ? null : label(node, group));
        }
        if (causeDeployment == null && causeSha == null) {
            final long opened = incident.getOpenedAt().toEpochMilli();
            setLink(Keys.of(UNCAUSED).str(service).str(group).num(opened).str(id).build(), present);
            markDeployment(latestAtOrBefore(group, opened));
        }
    }

    private Bytes incidentPosition(final String group, final IncidentEvent incident) {
        return Keys.of(INCIDENT_TIMELINE).str(service).str(group).num(incident.getOpenedAt().toEpochMilli())
                .str(incident.getId()).build();
    }

    /** Seconds since the previous incident of the service's environment group opened, or null for the first one. */
    private Long sincePreviousFailure(final IncidentEvent incident) {
        final String group = group(incident.getEnvironment());
        final Bytes self = incidentPosition(group, incident);
        final KeyValue<Bytes, byte[]> previous = stores.firstOther(
                Keys.of(INCIDENT_TIMELINE).str(service).str(group).build(), self, self, true);
        if (previous == null) {
            return null;
        }
        final long previousOpenedAt = (Long) Keys.parse(previous.key, "ssns", true).get(2);
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

    private static DeployRef label(final CommitNode node, final String group) {
        return node.getFirstDeployments().get(group);
    }

    /** The labels, per group, a commit would get from its own deployments and its known children. */
    private Map<String, DeployRef> computeLabels(final String sha) {
        final Map<String, DeployRef> labels = new TreeMap<>();
        stores.scan(Keys.of(BY_SHA).str(service).str(sha).build(), key -> {
            final List<Object> parts = Keys.parse(key, "sssns", true);
            labels.merge((String) parts.get(2), new DeployRef((Long) parts.get(3), (String) parts.get(4)),
                    ServiceLedger::min);
        });
        for (final String child : children(sha)) {
            final CommitNode node = commit(child);
            if (node != null) {
                node.getFirstDeployments().forEach((group, label) -> labels.merge(group, label, ServiceLedger::min));
            }
        }
        return labels;
    }

    private List<String> children(final String sha) {
        final List<String> out = new ArrayList<>();
        stores.scan(Keys.of(CHILDREN).str(service).str(sha).build(),
                key -> out.add((String) Keys.parse(key, "sss", true).get(2)));
        return out;
    }

    /** Lowers the group's label of {@code start} to {@code label} and propagates it to ancestors while it is lower. */
    private void lower(final String start, final String group, final DeployRef label) {
        final Deque<String> pending = new ArrayDeque<>();
        pending.push(start);
        while (!pending.isEmpty()) {
            final String sha = pending.pop();
            final CommitNode node = commit(sha);
            final DeployRef current = node == null ? null : label(node, group);
            if (node == null || (current != null && compare(current, label) <= 0)) {
                continue;
            }
            relabel(sha, node, group, label);
            for (final String parent : node.getChange().getParents()) {
                pending.push(parent);
            }
        }
    }

    /**
     * Recomputes the group's labels that may have depended on something just removed: the seeds and every
     * ancestor reached through commits carrying the same label.
     */
    private void raise(final String group, final List<String> seeds) {
        final Set<String> region = new LinkedHashSet<>();
        final Deque<String> pending = new ArrayDeque<>(seeds);
        while (!pending.isEmpty()) {
            final String sha = pending.pop();
            if (region.contains(sha)) {
                continue;
            }
            final CommitNode node = commit(sha);
            if (node == null || label(node, group) == null) {
                continue;
            }
            region.add(sha);
            for (final String parent : node.getChange().getParents()) {
                final CommitNode p = commit(parent);
                if (p != null && label(node, group).equals(label(p, group))) {
                    pending.push(parent);
                }
            }
        }
        for (final String sha : region) {
            relabel(sha, commit(sha), group, null);
        }
        for (final String sha : region) {
            final DeployRef label = computeLabels(sha).get(group);
            if (label != null) {
                lower(sha, group, label);
            }
        }
    }

    private void relabel(final String sha, final CommitNode node, final String group, final DeployRef label) {
        final DeployRef old = label(node, group);
        if (PRODUCTION.equals(group) && (old == null) != (label == null)) {
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
        final Map<String, DeployRef> labels = new TreeMap<>(node.getFirstDeployments());
        if (label == null) {
            labels.remove(group);
        } else {
            labels.put(group, label);
        }
        stores.putEntity(COMMIT, service, sha, new CommitNode(node.getChange(), labels));
    }

    // ---------------------------------------------------------------- facts

    private void begin(final String owner) {
        if (service != null && !service.equals(owner)) {
            throw new IllegalStateException("flush() the ledger of " + service + " before touching " + owner);
        }
        service = owner;
    }

    /**
     * Forgets what the current record marked, after it failed: the record goes to the dead-letter topic and the
     * next one, of whatever service, starts clean.
     */
    public void abandon() {
        dirtyDeployments.clear();
        dirtyIncidents.clear();
        detached.clear();
        arrived.clear();
        claims.clear();
        attributions.clear();
        service = null;
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
                if (!Objects.equals(old, now)) {
                    stores.putEntity(DEPLOYMENT_FACT, service, id, now);
                    buckets.replace(service, old, now);
                }
                charge(id, now);
                final DeploymentFact published = published(now);
                if (!detached.contains(id) && (!Objects.equals(published(old), published) || arrived.contains(id))) {
                    sink.deployment(id, published);
                }
            }
            attributions.forEach(sink::attribution);
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
            abandon();
        }
    }

    /**
     * Tells the incidents' ledgers which incidents deployment {@code id} is now charged with, by difference with
     * what they were last told: this service's own incidents directly, other services' through the sink.
     */
    private void charge(final String id, final DeploymentFact fact) {
        final Set<List<String>> now = new HashSet<>();
        if (fact != null) {
            claims(id, group(fact.getEnvironment()))
                    .forEach(claim -> now.add(List.of(claim.incidentService(), claim.incidentId())));
            fact.getCauseShaIncidents().forEach(incident -> now.add(List.of(service, incident)));
            fact.getTimeWindowIncidents().forEach(incident -> now.add(List.of(service, incident)));
        }
        final Set<List<String>> before = new HashSet<>();
        stores.scan(Keys.of(CHARGED).str(service).str(id).build(), key -> {
            final List<Object> parts = Keys.parse(key, "ssss", true);
            before.add(List.of((String) parts.get(2), (String) parts.get(3)));
        });
        for (final List<String> incident : before) {
            if (!now.contains(incident)) {
                stores.unlink(Keys.of(CHARGED).str(service).str(id).str(incident.get(0)).str(incident.get(1)).build());
                attribute(incident.get(0), incident.get(1), id, false);
            }
        }
        for (final List<String> incident : now) {
            if (!before.contains(incident)) {
                stores.link(Keys.of(CHARGED).str(service).str(id).str(incident.get(0)).str(incident.get(1)).build());
                attribute(incident.get(0), incident.get(1), id, true);
            }
        }
    }

    /** An incident, of any service, naming a deployment as its cause; resolvedAt null while it is open. */
    private record Claim(String incidentService, String incidentId, Long resolvedAt) {
    }

    /** The claims on deployment {@code id} by incidents of environment {@code group}, the only ones that charge it. */
    private List<Claim> claims(final String id, final String group) {
        final List<Claim> claims = new ArrayList<>();
        for (final KeyValue<Bytes, byte[]> entry : stores.scan(Keys.of(CAUSE_DEPLOYMENT).str(service).str(id).build())) {
            if (group.equals(ClaimValue.group(entry.value))) {
                final List<Object> parts = Keys.parse(entry.key, "ssss", true);
                claims.add(new Claim((String) parts.get(3), (String) parts.get(2), ClaimValue.resolvedAt(entry.value)));
            }
        }
        return claims;
    }

    private void attribute(final String incidentService, final String incidentId, final String deploymentId,
                           final boolean present) {
        if (incidentService.equals(service)) {
            setLink(Keys.of(ATTRIBUTED).str(service).str(incidentId).str(service).str(deploymentId).build(), present);
            dirtyIncidents.add(incidentId);
        } else {
            attributions.add(new Attribution(incidentId, incidentService, deploymentId, service, present));
        }
    }

    /** The facts topic carries production deployments only, as it always has; other groups stay in the stores. */
    private DeploymentFact published(final DeploymentFact fact) {
        return fact != null && config.isProduction(fact.getEnvironment()) ? fact : null;
    }

    private DeploymentFact deploymentFact(final String id) {
        final DeploymentEvent deployment = stores.entity(DEPLOYMENT, service, id, DeploymentEvent.class);
        final DeployRef ref = ref(deployment);
        if (ref == null) {
            return null;
        }
        final String group = group(deployment.getEnvironment());
        final boolean baseline = ref.equals(first(group));
        final long finished = ref.getFinishedAt();
        final Histogram leadTimes = Histograms.empty();
        final int[] deployed = {0};
        final boolean[] hotfix = {deployment.getHotfix()};
        stores.scan(Keys.of(DEPLOYED).str(service).str(id).build(), key -> {
            deployed[0]++;
            final ChangeEvent change = commit((String) Keys.parse(key, "sss", true).get(2)).getChange();
            if (!baseline) {
                // a baseline delivers the whole known history, old hotfixes included: they were not unplanned now
                hotfix[0] |= config.hotfixRule().matches(change);
                final long ms = finished - change.getCommittedAt().toEpochMilli();
                if (ms >= 0) {
                    leadTimes.recordValue(ms / 1000);
                }
            }
        });

        final Set<String> byDeploymentIds = new TreeSet<>();
        // the resolution of every charged incident, null for one still open
        final java.util.Map<String, Long> resolutions = new java.util.HashMap<>();
        for (final Claim claim : claims(id, group)) {
            byDeploymentIds.add(claim.incidentId());
            resolutions.merge(claim.incidentService() + "\u0000" + claim.incidentId(),
                    claim.resolvedAt() == null ? Long.MAX_VALUE : claim.resolvedAt(), Math::max);
        }
        final List<String> byDeployment = new ArrayList<>(byDeploymentIds);

        final Set<String> bySha = new TreeSet<>();
        stores.scan(Keys.of(CAUSE_SHA).str(service).str(group).build(), key -> {
            final List<Object> parts = Keys.parse(key, "ssss", true);
            final CommitNode node = commit((String) parts.get(2));
            if (node != null && ref.equals(label(node, group))) {
                bySha.add((String) parts.get(3));
            }
        });

        final List<String> inWindow = new ArrayList<>();
        final DeployRef next = successor(group, ref);
        long last = finished + windowMs;
        if (next != null) {
            last = Math.min(last, next.getFinishedAt() - 1);
        }
        if (last >= finished) {
            final Bytes from = Keys.of(UNCAUSED).str(service).str(group).num(finished).build();
            final Bytes to = Keys.after(Keys.of(UNCAUSED).str(service).str(group).num(last).build());
            for (final KeyValue<Bytes, byte[]> entry : stores.range(from, to)) {
                inWindow.add((String) Keys.parse(entry.key, "ssns", true).get(3));
            }
        }

        final List<String> rollbacks = new ArrayList<>();
        stores.scan(Keys.of(ROLLBACKS).str(service).str(id).build(), key -> {
            final String rollbackId = (String) Keys.parse(key, "sss", true).get(2);
            final DeploymentEvent event = stores.entity(DEPLOYMENT, service, rollbackId, DeploymentEvent.class);
            final DeployRef rollback = ref(event);
            if (rollback != null && group.equals(group(event.getEnvironment())) && compare(rollback, ref) > 0) {
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
                .setRework(deployment.getRollbackOf() != null || hotfix[0])
                .setShaUnknown(deployment.getSha() == null || commit(deployment.getSha()) == null)
                .build();
    }

    private List<String> attributedDeployments(final String incidentId) {
        final Set<String> deployments = new TreeSet<>();
        stores.scan(Keys.of(ATTRIBUTED).str(service).str(incidentId).build(),
                key -> deployments.add((String) Keys.parse(key, "ssss", true).get(3)));
        return new ArrayList<>(deployments);
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
                .setSincePreviousSeconds(sincePreviousFailure(incident))
                .setAttributedDeployments(attributedDeployments(id))
                .setDetectSeconds(incident.getDetectedAt() == null ? null
                        : (incident.getDetectedAt().toEpochMilli() - incident.getOpenedAt().toEpochMilli()) / 1000)
                .build();
    }
}
