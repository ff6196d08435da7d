package dev.dora.streams.ledger;

import dev.dora.events.DeploymentEvent;
import dev.dora.state.CommitNode;
import dev.dora.state.DeployRef;
import dev.dora.streams.rules.DeploymentOrder;
import dev.dora.streams.store.Entity;
import dev.dora.streams.store.IndexKeys.Rollback;
import dev.dora.streams.store.IndexKeys.ShaDeployment;
import dev.dora.streams.store.IndexKeys.Timeline;
import dev.dora.streams.store.Keys;
import dev.dora.streams.store.LedgerTx;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;

/**
 * A service's successful deployments per environment group, in {@link DeploymentOrder} ({@link Timeline}), the
 * deployments of each sha ({@link ShaDeployment}) and the rollbacks of each deployment ({@link Rollback}). Replacing
 * a deployment moves it in these relations, relabels the commits it delivers and marks every deployment whose fact
 * depends on its place: its neighbours, whose incident windows it cuts, the old and new baselines, and the deployment
 * it rolls back.
 */
final class DeploymentTimeline {

    private final LedgerChange change;
    private final LedgerTx tx;
    private final String service;
    private final CommitLabels labels;

    DeploymentTimeline(final LedgerChange change, final CommitLabels labels) {
        this.change = change;
        this.tx = change.tx();
        this.service = change.service();
        this.labels = labels;
    }

    DeploymentEvent deployment(final String id) {
        return tx.entity(Entity.DEPLOYMENT, id);
    }

    /** Makes {@code now} deployment {@code id}'s current event, or removes the deployment when it is null. */
    void replace(final String id, final DeploymentEvent now) {
        final DeploymentEvent old = deployment(id);
        if (Objects.equals(old, now)) {
            return;
        }
        tx.putEntity(Entity.DEPLOYMENT, id, now);
        change.markDeployment(id);
        if (old == null) {
            change.arrive(id);
        }
        final Place before = Place.of(old, change);
        final Place after = Place.of(now, change);
        if (!before.sameSlot(after)) {
            move(before, after);
        }
        if (before.rollbackOf() != null) {
            tx.unlink(new Rollback(service, before.rollbackOf(), id).encode());
            change.markDeployment(before.rollbackOf());
        }
        if (after.rollbackOf() != null) {
            tx.link(new Rollback(service, after.rollbackOf(), id).encode());
            change.markDeployment(after.rollbackOf());
        }
    }

    private void move(final Place before, final Place after) {
        final Map<String, DeployRef> baselinesBefore = new TreeMap<>();
        if (before.group() != null) {
            baselinesBefore.put(before.group(), first(before.group()));
        }
        if (after.group() != null) {
            baselinesBefore.put(after.group(), first(after.group()));
        }
        if (before.ref() != null) {
            tx.unlink(timelineKey(before.group(), before.ref()));
            if (before.sha() != null) {
                tx.unlink(shaKey(before.sha(), before.group(), before.ref()));
            }
            change.markDeployment(predecessor(before.group(), before.ref()));
            if (before.sha() != null) {
                final CommitNode node = labels.commit(before.sha());
                if (node != null && before.ref().equals(CommitLabels.label(node, before.group()))) {
                    labels.raise(before.group(), List.of(before.sha()));
                }
            }
        }
        if (after.ref() != null) {
            tx.link(timelineKey(after.group(), after.ref()),
                    after.sha() == null ? new byte[0] : after.sha().getBytes(StandardCharsets.UTF_8));
            change.markDeployment(predecessor(after.group(), after.ref()));
            if (after.sha() != null) {
                tx.link(shaKey(after.sha(), after.group(), after.ref()));
                labels.lower(after.sha(), after.group(), after.ref());
            }
        }
        baselinesBefore.forEach((group, baseline) -> {
            final DeployRef now = first(group);
            if (!Objects.equals(baseline, now)) {
                change.markDeployment(baseline);
                change.markDeployment(now);
            }
        });
    }

    /**
     * Where a deployment sits: its place in its group's timeline, the sha it deployed and the deployment it rolls
     * back; all null unless it is a successful, finished deployment.
     */
    private record Place(DeployRef ref, String group, String sha, String rollbackOf) {

        static Place of(final DeploymentEvent deployment, final LedgerChange change) {
            final DeployRef ref = DeploymentOrder.ref(deployment);
            return ref == null ? new Place(null, null, null, null)
                    : new Place(ref, change.group(deployment.getEnvironment()), deployment.getSha(),
                            deployment.getRollbackOf());
        }

        /** Whether the deployment keeps its place, sha and group, so the timeline and labels stay as they are. */
        boolean sameSlot(final Place other) {
            return Objects.equals(ref, other.ref) && Objects.equals(sha, other.sha)
                    && Objects.equals(group, other.group);
        }
    }

    private Bytes timelineKey(final String group, final DeployRef ref) {
        return new Timeline(service, group, ref.getFinishedAt(), ref.getDeploymentId()).encode();
    }

    private Bytes shaKey(final String sha, final String group, final DeployRef ref) {
        return new ShaDeployment(service, sha, group, ref.getFinishedAt(), ref.getDeploymentId()).encode();
    }

    private static DeployRef ref(final KeyValue<Bytes, byte[]> entry) {
        if (entry == null) {
            return null;
        }
        final Timeline key = Timeline.decode(entry.key);
        return new DeployRef(key.finishedAt(), key.deploymentId());
    }

    /** The first deployment of a group: its baseline. */
    DeployRef first(final String group) {
        final Bytes prefix = Timeline.prefix(service, group);
        return ref(tx.first(prefix, Keys.after(prefix)));
    }

    /** The last deployment of the group before {@code ref}. */
    DeployRef predecessor(final String group, final DeployRef ref) {
        final Bytes self = timelineKey(group, ref);
        return ref(tx.lastOther(Timeline.prefix(service, group), self, self));
    }

    /** The first deployment of the group after {@code ref}. */
    DeployRef successor(final String group, final DeployRef ref) {
        return ref(tx.first(Keys.after(timelineKey(group, ref)), Keys.after(Timeline.prefix(service, group))));
    }

    /** The last deployment of the group that finished at or before {@code at}. */
    DeployRef latestAtOrBefore(final String group, final long at) {
        return ref(tx.last(Timeline.prefix(service, group), Keys.after(Timeline.prefix(service, group, at))));
    }

    /** The successful deployments of the group, after {@code ref}, that roll back deployment {@code target}. */
    List<String> rollbacksAfter(final String target, final String group, final DeployRef ref) {
        final List<String> rollbacks = new ArrayList<>();
        for (final Rollback rollback : tx.keys(Rollback.prefix(service, target), Rollback::decode)) {
            final DeploymentEvent event = deployment(rollback.rollbackId());
            final DeployRef place = DeploymentOrder.ref(event);
            if (place != null && group.equals(change.group(event.getEnvironment()))
                    && DeploymentOrder.compare(place, ref) > 0) {
                rollbacks.add(rollback.rollbackId());
            }
        }
        return rollbacks;
    }
}
