package dev.dora.streams.ledger;

import dev.dora.events.ChangeEvent;
import dev.dora.state.CommitNode;
import dev.dora.state.DeployRef;
import dev.dora.streams.config.MetricsConfig;
import dev.dora.streams.rules.DeploymentOrder;
import dev.dora.streams.rules.Precedence;
import dev.dora.streams.store.Entity;
import dev.dora.streams.store.IndexKeys.Child;
import dev.dora.streams.store.IndexKeys.ShaDeployment;
import dev.dora.streams.store.LedgerTx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which deployment first delivered each commit to each environment group, kept incrementally. Every known commit
 * carries a label per group: the earliest successful deployment there, in {@link DeploymentOrder}, whose sha reaches
 * the commit through parents. A deployment's deployed changes are then exactly the commits labelled with it (the
 * {@link Entity#DELIVERED} value, kept beside the labels).
 *
 * <p>New deployments and commits can only lower labels, which propagate towards ancestors and stop where a label is
 * already lower ({@link #lower}); removals recompute just the region whose label came from what was removed
 * ({@link #raise}). Every relabelled commit marks the deployments whose facts change with it.
 */
final class CommitLabels {

    private final LedgerChange change;
    private final LedgerTx tx;
    private final String service;

    CommitLabels(final LedgerChange change) {
        this.change = change;
        this.tx = change.tx();
        this.service = change.service();
    }

    CommitNode commit(final String sha) {
        return tx.entity(Entity.COMMIT, sha);
    }

    static DeployRef label(final CommitNode node, final String group) {
        return node.getFirstDeployments().get(group);
    }

    /** A change event of this service: a new commit, a newer version of one, or a losing version. */
    void apply(final ChangeEvent received) {
        final String sha = received.getSha();
        final CommitNode node = commit(sha);
        if (node != null && !Precedence.wins(received, node.getChange())) {
            keepLabels(node, received);
            return;
        }
        // a push event usually wins over the pull request event that carried the labels: keep every label seen
        final ChangeEvent event = node == null ? received : withLabels(received, node.getChange().getLabels());
        final Map<String, DeployRef> firsts = node == null ? Map.of() : new TreeMap<>(node.getFirstDeployments());
        tx.putEntity(Entity.COMMIT, sha, new CommitNode(event, new TreeMap<>(firsts)));
        final Parents parents = relink(sha, node == null ? List.of() : node.getChange().getParents(),
                event.getParents());
        if (node == null) {
            arrived(sha, event);
        } else {
            replaced(node.getChange(), event, firsts, parents);
        }
    }

    /** The parents a new version of a commit dropped and gained. */
    private record Parents(List<String> removed, List<String> added) {
    }

    /** Moves the commit's child links from its old parents to its new ones. */
    private Parents relink(final String sha, final List<String> oldParents, final List<String> newParents) {
        final Set<String> before = new LinkedHashSet<>(oldParents);
        final Set<String> after = new LinkedHashSet<>(newParents);
        final List<String> removed = new ArrayList<>();
        for (final String parent : before) {
            if (!after.contains(parent)) {
                tx.unlink(new Child(service, parent, sha).encode());
                removed.add(parent);
            }
        }
        final List<String> added = new ArrayList<>();
        for (final String parent : after) {
            if (!before.contains(parent)) {
                tx.link(new Child(service, parent, sha).encode());
                added.add(parent);
            }
        }
        return new Parents(removed, added);
    }

    /**
     * A known commit got a new version: its day, its hotfix mark and its parents may have changed, and with them
     * the facts of the deployments that delivered it and the labels of its old and new ancestors.
     */
    private void replaced(final ChangeEvent old, final ChangeEvent event, final Map<String, DeployRef> firsts,
                          final Parents parents) {
        final boolean recommitted = !old.getCommittedAt().equals(event.getCommittedAt());
        if (!firsts.containsKey(MetricsConfig.PRODUCTION) && recommitted) {
            change.buckets().addUndeployedChange(service, old.getCommittedAt(), -1);
            change.buckets().addUndeployedChange(service, event.getCommittedAt(), 1);
        }
        final boolean remarked = change.config().hotfixRule().matches(old)
                != change.config().hotfixRule().matches(event);
        firsts.forEach((group, label) -> {
            if (recommitted || remarked) {
                change.markDeployment(label);
            }
            if (recommitted) {
                tx.deliver(label.getDeploymentId(), event.getSha(), event.getCommittedAt().toEpochMilli());
            }
            final List<String> seeds = new ArrayList<>();
            for (final String parent : parents.removed()) {
                final CommitNode p = commit(parent);
                if (p != null && label.equals(label(p, group))) {
                    seeds.add(parent);
                }
            }
            raise(group, seeds);
            for (final String parent : parents.added()) {
                lower(parent, group, label);
            }
        });
    }

    /** A commit seen for the first time: deployments of its sha may now deliver it, and it takes their labels. */
    private void arrived(final String sha, final ChangeEvent event) {
        change.buckets().addUndeployedChange(service, event.getCommittedAt(), 1);
        for (final ShaDeployment deployment : tx.keys(ShaDeployment.prefix(service, sha), ShaDeployment::decode)) {
            change.markDeployment(deployment.deploymentId());
        }
        computeLabels(sha).forEach((group, computed) -> lower(sha, group, computed));
    }

    /** The losing version of a change still contributes its labels, so the labels do not depend on arrival order. */
    private void keepLabels(final CommitNode node, final ChangeEvent loser) {
        final ChangeEvent merged = withLabels(node.getChange(), loser.getLabels());
        if (merged != node.getChange()) {
            tx.putEntity(Entity.COMMIT, loser.getSha(), new CommitNode(merged, node.getFirstDeployments()));
            node.getFirstDeployments().values().forEach(change::markDeployment);
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

    /** The labels, per group, a commit would get from its own deployments and its known children. */
    Map<String, DeployRef> computeLabels(final String sha) {
        final Map<String, DeployRef> labels = new TreeMap<>();
        for (final ShaDeployment deployment : tx.keys(ShaDeployment.prefix(service, sha), ShaDeployment::decode)) {
            labels.merge(deployment.group(), new DeployRef(deployment.finishedAt(), deployment.deploymentId()),
                    DeploymentOrder::min);
        }
        for (final Child child : tx.keys(Child.prefix(service, sha), Child::decode)) {
            final CommitNode node = commit(child.child());
            if (node != null) {
                node.getFirstDeployments().forEach((group, label) -> labels.merge(group, label, DeploymentOrder::min));
            }
        }
        return labels;
    }

    /** Lowers the group's label of {@code start} to {@code label} and propagates it to ancestors while it is lower. */
    void lower(final String start, final String group, final DeployRef label) {
        final Deque<String> pending = new ArrayDeque<>();
        pending.push(start);
        while (!pending.isEmpty()) {
            final String sha = pending.pop();
            final CommitNode node = commit(sha);
            final DeployRef current = node == null ? null : label(node, group);
            if (node == null || current != null && DeploymentOrder.compare(current, label) <= 0) {
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
    void raise(final String group, final List<String> seeds) {
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
        if (MetricsConfig.PRODUCTION.equals(group) && (old == null) != (label == null)) {
            change.buckets().addUndeployedChange(service, node.getChange().getCommittedAt(), label == null ? 1 : -1);
        }
        if (old != null) {
            tx.undeliver(old.getDeploymentId(), sha);
            change.markDeployment(old);
        }
        if (label != null) {
            tx.deliver(label.getDeploymentId(), sha, node.getChange().getCommittedAt().toEpochMilli());
            change.markDeployment(label);
        }
        final Map<String, DeployRef> labels = new TreeMap<>(node.getFirstDeployments());
        if (label == null) {
            labels.remove(group);
        } else {
            labels.put(group, label);
        }
        tx.putEntity(Entity.COMMIT, sha, new CommitNode(node.getChange(), labels));
    }
}
