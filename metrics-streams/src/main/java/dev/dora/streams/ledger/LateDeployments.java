package dev.dora.streams.ledger;

import dev.dora.events.DeploymentEvent;
import dev.dora.state.DeployRef;
import dev.dora.streams.rules.DeploymentOrder;
import dev.dora.streams.store.Entity;
import dev.dora.streams.store.LedgerTx;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.utils.Bytes;

/**
 * The deployments of a task's ledgers held back because they arrived after a later deployment of their environment
 * group, each stored as {@link Entity#LATE_DEPLOYMENT} until its batch is applied.
 *
 * <p>Why: a deployment applied after a later one relabels every commit it delivers, all of which the later one had
 * (see {@link CommitLabels}), and the later one's fact is derived again. When a history arrives newest first, the
 * k-th oldest deployment relabels every commit up to it, so the work summed over the arrivals is commits ×
 * deployments. Applied as a batch, oldest first, and with each fact derived once per batch, every commit is
 * relabelled at most once per batch. The facts are the same either way, since every derived value depends on the
 * entities only, never on their arrival order.
 *
 * <p>This class only keeps the set in memory, as loaded from the store and changed by committed records; the store
 * is the truth, so a restarted or moved task finds its held deployments again.
 */
final class LateDeployments {

    /** Most deployments a task holds; one more applies the batch at once, so a batch's work stays bounded. */
    static final int MOST_HELD = 2_000;

    private final Map<String, Set<String>> held = new TreeMap<>();
    private int count;

    /** The held deployments the stores know, e.g. after a restart. */
    void load(final LedgerTx tx) {
        for (final Bytes key : tx.entityKeys(Entity.LATE_DEPLOYMENT)) {
            held(Entity.service(key), Entity.id(key));
        }
    }

    /**
     * Whether {@code event}, applied now, would find a later successful deployment of its group already in place,
     * whose delivered commits it would take over one by one.
     */
    static boolean arrivesLate(final DeploymentTimeline timeline, final LedgerChange change,
                               final DeploymentEvent event) {
        final DeployRef ref = DeploymentOrder.ref(event);
        return ref != null && timeline.successor(change.group(event.getEnvironment()), ref) != null;
    }

    boolean isHeld(final String service, final String id) {
        final Set<String> ids = held.get(service);
        return ids != null && ids.contains(id);
    }

    void held(final String service, final String id) {
        if (held.computeIfAbsent(service, s -> new LinkedHashSet<>()).add(id)) {
            count++;
        }
    }

    void released(final String service, final String id) {
        final Set<String> ids = held.get(service);
        if (ids != null && ids.remove(id)) {
            count--;
            if (ids.isEmpty()) {
                held.remove(service);
            }
        }
    }

    int size() {
        return count;
    }

    /** A copy of the held deployments by service, to apply while the set changes. */
    Map<String, List<String>> byService() {
        final Map<String, List<String>> copy = new LinkedHashMap<>();
        held.forEach((service, ids) -> copy.put(service, new ArrayList<>(ids)));
        return copy;
    }

    /** The held events of {@code ids}, oldest first in {@link DeploymentOrder}. */
    static List<DeploymentEvent> oldestFirst(final LedgerTx tx, final List<String> ids) {
        final List<DeploymentEvent> events = new ArrayList<>(ids.size());
        for (final String id : ids) {
            final DeploymentEvent event = tx.entity(Entity.LATE_DEPLOYMENT, id);
            if (event != null) {
                events.add(event);
            }
        }
        events.sort(Comparator.comparing(DeploymentOrder::ref, Comparator.nullsFirst(DeploymentOrder.ORDER)));
        return events;
    }
}
