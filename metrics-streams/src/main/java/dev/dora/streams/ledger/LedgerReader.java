package dev.dora.streams.ledger;

import static dev.dora.streams.ledger.LedgerStores.COMMIT;
import static dev.dora.streams.ledger.LedgerStores.DEPLOYED;
import static dev.dora.streams.ledger.LedgerStores.DEPLOYMENT_FACT;
import static dev.dora.streams.ledger.LedgerStores.INCIDENT_FACT;
import static dev.dora.streams.ledger.LedgerStores.TIMELINE;

import dev.dora.facts.DeploymentFact;
import dev.dora.facts.IncidentFact;
import dev.dora.state.CommitNode;
import dev.dora.state.DeployRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.BytesSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Read-only access to the ledgers' stores for the drill-down API: the facts of deployments and incidents of every
 * environment group and the commits each deployment delivered, straight from state, never by rescanning topics.
 */
public final class LedgerReader {

    /** A commit a deployment delivered; its lead time is null for a baseline or a negative difference. */
    public record DeliveredChange(String sha, Long leadTimeSeconds) {
    }

    private final ReadOnlyKeyValueStore<Bytes, SpecificRecord> entities;
    private final ReadOnlyKeyValueStore<Bytes, byte[]> indexes;

    public LedgerReader(final ReadOnlyKeyValueStore<Bytes, SpecificRecord> entities,
                        final ReadOnlyKeyValueStore<Bytes, byte[]> indexes) {
        this.entities = entities;
        this.indexes = indexes;
    }

    public Optional<DeploymentFact> deployment(final String service, final String id) {
        return Optional.ofNullable((DeploymentFact) entities.get(LedgerStores.entityKey(DEPLOYMENT_FACT, service, id)));
    }

    public Optional<IncidentFact> incident(final String service, final String id) {
        return Optional.ofNullable((IncidentFact) entities.get(LedgerStores.entityKey(INCIDENT_FACT, service, id)));
    }

    /** The commits {@code deployment} delivered, by sha, with their lead times. */
    public List<DeliveredChange> changes(final DeploymentFact deployment) {
        final List<DeliveredChange> changes = new ArrayList<>();
        final long finished = deployment.getFinishedAt().toEpochMilli();
        try (KeyValueIterator<Bytes, byte[]> it = indexes.prefixScan(
                Keys.of(DEPLOYED).str(deployment.getService()).str(deployment.getDeploymentId()).build(),
                new BytesSerializer())) {
            while (it.hasNext()) {
                final String sha = (String) Keys.parse(it.next().key, "sss", true).get(2);
                final CommitNode commit = (CommitNode) entities.get(
                        LedgerStores.entityKey(COMMIT, deployment.getService(), sha));
                final long ms = commit == null ? -1 : finished - commit.getChange().getCommittedAt().toEpochMilli();
                changes.add(new DeliveredChange(sha, deployment.getBaseline() || ms < 0 ? null : ms / 1000));
            }
        }
        return changes;
    }

    /** Every incident of {@code service} opened in [fromMs, toMs), by (openedAt, id). */
    public List<IncidentFact> incidents(final String service, final long fromMs, final long toMs) {
        final List<IncidentFact> found = new ArrayList<>();
        try (KeyValueIterator<Bytes, SpecificRecord> it = entities.prefixScan(
                Keys.of(INCIDENT_FACT).str(service).build(), new BytesSerializer())) {
            while (it.hasNext()) {
                final IncidentFact fact = (IncidentFact) it.next().value;
                final long opened = fact.getOpenedAt().toEpochMilli();
                if (opened >= fromMs && opened < toMs) {
                    found.add(fact);
                }
            }
        }
        found.sort(java.util.Comparator.comparing(IncidentFact::getOpenedAt).thenComparing(IncidentFact::getIncidentId));
        return found;
    }

    /** The deployment that first delivered {@code sha} of {@code service} to environment {@code group}, if any. */
    public Optional<DeployRef> firstDeployment(final String service, final String group, final String sha) {
        final CommitNode commit = (CommitNode) entities.get(LedgerStores.entityKey(COMMIT, service, sha));
        return commit == null ? Optional.empty() : Optional.ofNullable(commit.getFirstDeployments().get(group));
    }

    public boolean knowsCommit(final String service, final String sha) {
        return entities.get(LedgerStores.entityKey(COMMIT, service, sha)) != null;
    }

    /** The last successful deployment of {@code service} to {@code group} that finished at or before {@code atMs}. */
    public Optional<DeployRef> latestAtOrBefore(final String service, final String group, final long atMs) {
        final Bytes prefix = Keys.of(TIMELINE).str(service).str(group).build();
        final Bytes upper = Keys.after(Keys.of(TIMELINE).str(service).str(group).num(atMs).build());
        try (KeyValueIterator<Bytes, byte[]> it = indexes.reverseRange(prefix, upper)) {
            if (!it.hasNext()) {
                return Optional.empty();
            }
            final List<Object> parts = Keys.parse(it.next().key, "ssns", true);
            return Optional.of(new DeployRef((Long) parts.get(2), (String) parts.get(3)));
        }
    }

    /**
     * Successful deployments of {@code service} to {@code group} that finished in [fromMs, toMs), in
     * (finishedAt, id) order, starting after {@code after} (exclusive; null for the first page), at most
     * {@code limit} of them.
     */
    public List<DeployRef> deployments(final String service, final String group, final long fromMs, final long toMs,
                                       final DeployRef after, final int limit) {
        final Bytes from = after == null ? Keys.of(TIMELINE).str(service).str(group).num(fromMs).build()
                : Keys.after(Keys.of(TIMELINE).str(service).str(group).num(after.getFinishedAt())
                        .str(after.getDeploymentId()).build());
        final Bytes to = Keys.of(TIMELINE).str(service).str(group).num(toMs).build();
        final List<DeployRef> page = new ArrayList<>();
        if (from.compareTo(to) >= 0) {
            return page;
        }
        try (KeyValueIterator<Bytes, byte[]> it = indexes.range(from, to)) {
            while (it.hasNext() && page.size() < limit) {
                final KeyValue<Bytes, byte[]> entry = it.next();
                final List<Object> parts = Keys.parse(entry.key, "ssns", true);
                final long finishedAt = (Long) parts.get(2);
                if (finishedAt >= toMs) {
                    break;
                }
                page.add(new DeployRef(finishedAt, (String) parts.get(3)));
            }
        }
        return page;
    }
}
