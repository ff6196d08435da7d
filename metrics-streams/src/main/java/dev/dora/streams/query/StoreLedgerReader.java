package dev.dora.streams.query;

import dev.dora.events.BuildEvent;
import dev.dora.facts.DeploymentFact;
import dev.dora.facts.IncidentFact;
import dev.dora.state.DeliveredChanges;
import dev.dora.state.DeployRef;
import dev.dora.streams.rules.LeadTime;
import dev.dora.streams.rules.PipelineHealth;
import dev.dora.streams.store.BuildKeys;
import dev.dora.streams.store.Entity;
import dev.dora.streams.store.IndexKeys.Timeline;
import dev.dora.streams.store.Keys;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.BytesSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The {@link LedgerReader} over the ledgers' stores (of one partition, or of every partition a store view spans): the
 * facts of deployments and incidents of every environment group, the commits each deployment delivered and the
 * timelines, straight from state. It derives nothing itself: a delivered commit's lead time comes from the one rule
 * that defines it ({@link LeadTime}).
 */
public final class StoreLedgerReader implements LedgerReader {

    private static final BytesSerializer PREFIX = new BytesSerializer();

    private final ReadOnlyKeyValueStore<Bytes, SpecificRecord> entities;
    private final ReadOnlyKeyValueStore<Bytes, byte[]> indexes;

    public StoreLedgerReader(final ReadOnlyKeyValueStore<Bytes, SpecificRecord> entities,
                        final ReadOnlyKeyValueStore<Bytes, byte[]> indexes) {
        this.entities = entities;
        this.indexes = indexes;
    }

    private <T extends SpecificRecord> Optional<T> entity(final Entity<T> kind, final String service, final String id) {
        return Optional.ofNullable(kind.cast(entities.get(kind.key(service, id))));
    }

    @Override
    public Optional<DeploymentFact> deployment(final String service, final String id) {
        return entity(Entity.DEPLOYMENT_FACT, service, id);
    }

    @Override
    public Optional<IncidentFact> incident(final String service, final String id) {
        return entity(Entity.INCIDENT_FACT, service, id);
    }

    @Override
    public List<DeliveredChange> changes(final DeploymentFact deployment) {
        final Optional<DeliveredChanges> delivered = entity(Entity.DELIVERED, deployment.getService(),
                deployment.getDeploymentId());
        if (delivered.isEmpty()) {
            return List.of();
        }
        final List<String> shas = delivered.get().getShas();
        final List<Long> committedAt = delivered.get().getCommittedAt();
        final List<DeliveredChange> changes = new ArrayList<>(shas.size());
        for (int i = 0; i < shas.size(); i++) {
            changes.add(new DeliveredChange(shas.get(i), LeadTime.sampleSeconds(deployment.getBaseline(),
                    deployment.getFinishedAt(), Instant.ofEpochMilli(committedAt.get(i)))));
        }
        return changes;
    }

    @Override
    public List<IncidentFact> incidents(final String service, final long fromMs, final long toMs) {
        final List<IncidentFact> found = new ArrayList<>();
        try (KeyValueIterator<Bytes, SpecificRecord> it = entities.prefixScan(
                Entity.INCIDENT_FACT.prefix(service), PREFIX)) {
            while (it.hasNext()) {
                final IncidentFact fact = Entity.INCIDENT_FACT.cast(it.next().value);
                final long opened = fact.getOpenedAt().toEpochMilli();
                if (opened >= fromMs && opened < toMs) {
                    found.add(fact);
                }
            }
        }
        found.sort(Comparator.comparing(IncidentFact::getOpenedAt).thenComparing(IncidentFact::getIncidentId));
        return found;
    }

    @Override
    public Optional<DeployRef> firstDeployment(final String service, final String group, final String sha) {
        return entity(Entity.COMMIT, service, sha).map(commit -> commit.getFirstDeployments().get(group));
    }

    @Override
    public boolean knowsCommit(final String service, final String sha) {
        return entity(Entity.COMMIT, service, sha).isPresent();
    }

    @Override
    public Optional<DeployRef> latestAtOrBefore(final String service, final String group, final long atMs) {
        final Bytes upper = Keys.after(Timeline.prefix(service, group, atMs));
        try (KeyValueIterator<Bytes, byte[]> it = indexes.reverseRange(Timeline.prefix(service, group), upper)) {
            return it.hasNext() ? Optional.of(ref(it.next())) : Optional.empty();
        }
    }

    @Override
    public List<DeployRef> deployments(final String service, final String group, final long fromMs, final long toMs,
                                       final DeployRef after, final int limit) {
        final Bytes from = after == null ? Timeline.prefix(service, group, fromMs)
                : Keys.after(new Timeline(service, group, after.getFinishedAt(), after.getDeploymentId()).encode());
        final Bytes to = Timeline.prefix(service, group, toMs);
        final List<DeployRef> page = new ArrayList<>();
        if (from.compareTo(to) >= 0) {
            return page;
        }
        try (KeyValueIterator<Bytes, byte[]> it = indexes.range(from, to)) {
            while (it.hasNext() && page.size() < limit) {
                final DeployRef ref = ref(it.next());
                if (ref.getFinishedAt() >= toMs) {
                    break;
                }
                page.add(ref);
            }
        }
        return page;
    }

    @Override
    public List<BuildEntry> builds(final String service, final long fromMs, final long toMs, final DeployRef after,
                                   final int limit) {
        final Bytes from = after == null ? BuildKeys.Finished.from(service, fromMs)
                : Keys.after(new BuildKeys.Finished(service, after.getFinishedAt(), after.getDeploymentId()).encode());
        final Bytes to = BuildKeys.Finished.from(service, toMs);
        final List<BuildEntry> page = new ArrayList<>();
        if (from.compareTo(to) >= 0) {
            return page;
        }
        try (KeyValueIterator<Bytes, byte[]> it = indexes.range(from, to)) {
            while (it.hasNext() && page.size() < limit) {
                final BuildKeys.Finished key = BuildKeys.Finished.decode(it.next().key);
                if (key.finishedAt() < fromMs || key.finishedAt() >= toMs) {
                    continue;
                }
                final Optional<BuildEvent> build = entity(Entity.BUILD, service, key.buildId());
                build.ifPresent(b -> page.add(entry(service, b)));
            }
        }
        return page;
    }

    /** A build with the role its timeline entry holds, when it is on its default branch. */
    private BuildEntry entry(final String service, final BuildEvent build) {
        final long duration = PipelineHealth.durationSeconds(build);
        final boolean onDefault = PipelineHealth.onDefaultBranch(build);
        final byte[] value = onDefault ? indexes.get(new BuildKeys.Timeline(service, build.getPipeline(),
                build.getFinishedAt().toEpochMilli(), build.getId()).encode()) : null;
        if (value == null) {
            return new BuildEntry(build, duration, onDefault, false, null);
        }
        final BuildKeys.TimelineValue role = BuildKeys.TimelineValue.decode(value);
        return new BuildEntry(build, duration, true, role.broke(), role.timeToFixSeconds());
    }

    private static DeployRef ref(final KeyValue<Bytes, byte[]> timelineEntry) {
        final Timeline key = Timeline.decode(timelineEntry.key);
        return new DeployRef(key.finishedAt(), key.deploymentId());
    }
}
