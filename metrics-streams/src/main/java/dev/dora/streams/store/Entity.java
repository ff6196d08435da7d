package dev.dora.streams.store;

import dev.dora.events.BuildEvent;
import dev.dora.events.DeploymentEvent;
import dev.dora.events.IncidentEvent;
import dev.dora.facts.DeploymentFact;
import dev.dora.facts.IncidentFact;
import dev.dora.state.CommitNode;
import dev.dora.state.DeliveredChanges;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.utils.Bytes;

/**
 * A kind of record the {@code ledger-entities} store holds, keyed (tag, service, id): the tag names the kind, so
 * one service's records of one kind are contiguous and the value's type is known from the key.
 *
 * @param <T> the record type stored under this kind
 */
public final class Entity<T extends SpecificRecord> {

    /** A commit of the service with its first-deployment label per environment group, by sha. */
    public static final Entity<CommitNode> COMMIT = new Entity<>((byte) 'C', CommitNode.class);
    /** The winning event of a deployment now belonging to the service, by id. */
    public static final Entity<DeploymentEvent> DEPLOYMENT = new Entity<>((byte) 'D', DeploymentEvent.class);
    /** The winning event of an incident now belonging to the service, by id. */
    public static final Entity<IncidentEvent> INCIDENT = new Entity<>((byte) 'I', IncidentEvent.class);
    /** The last fact derived for a deployment, by id. */
    public static final Entity<DeploymentFact> DEPLOYMENT_FACT = new Entity<>((byte) 'F', DeploymentFact.class);
    /** The last fact derived for an incident, by id. */
    public static final Entity<IncidentFact> INCIDENT_FACT = new Entity<>((byte) 'G', IncidentFact.class);

    /**
     * The changes a deployment delivered first to its environment group, with their commit times, by deployment id:
     * the inverse of the commits' labels, one value per deployment (so a restore reads one record where it read one
     * per change).
     */
    public static final Entity<DeliveredChanges> DELIVERED = new Entity<>((byte) 'M', DeliveredChanges.class);

    /** The winning event of a build now belonging to the service, by id. */
    public static final Entity<BuildEvent> BUILD = new Entity<>((byte) 'B', BuildEvent.class);

    /**
     * The winning event of a deployment that arrived after a later one of its group and waits, by id, to be applied
     * with the others of its batch, oldest first (see {@code ServiceLedger#applyLateDeployments}).
     */
    public static final Entity<DeploymentEvent> LATE_DEPLOYMENT = new Entity<>((byte) 'L', DeploymentEvent.class);

    private final byte tag;
    private final Class<T> type;

    private Entity(final byte tag, final Class<T> type) {
        this.tag = tag;
        this.type = type;
    }

    public byte tag() {
        return tag;
    }

    public Bytes key(final String service, final String id) {
        return Keys.of(tag).str(service).str(id).build();
    }

    /** Every record of this kind of {@code service}. */
    public Bytes prefix(final String service) {
        return Keys.of(tag).str(service).build();
    }

    /** Every record of this kind, of every service. */
    public Bytes prefix() {
        return Keys.of(tag).build();
    }

    /** The service in a key made by {@link #key}. */
    public static String service(final Bytes key) {
        return Keys.read(key, true).str();
    }

    /** The id in a key made by {@link #key}. */
    public static String id(final Bytes key) {
        final Keys.Reader in = Keys.read(key, true);
        in.str();
        return in.str();
    }

    public T cast(final SpecificRecord value) {
        return type.cast(value);
    }

    @Override
    public String toString() {
        return type.getSimpleName();
    }
}
