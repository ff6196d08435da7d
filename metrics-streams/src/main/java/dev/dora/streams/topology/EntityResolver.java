package dev.dora.streams.topology;

import dev.dora.schema.EventFields;
import dev.dora.state.CauseClaim;
import dev.dora.state.EntityRemoval;
import dev.dora.state.EntityType;
import dev.dora.state.TeamObservation;
import dev.dora.streams.rules.Precedence;
import dev.dora.streams.store.ClaimKey;
import dev.dora.streams.store.StateWrites;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.BytesSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the winning event of each deployment or incident, keyed by its global id, and re-keys winners by
 * service for the ledgers. When the winner names another service than the previous one, the old service's
 * ledger is told to let go. Events that lose still say which team their service belongs to.
 *
 * <p>Deployments also receive the {@link CauseClaim}s of incidents naming them, from any service: the resolver
 * is the one place that knows a deployment's current service, so it keeps the claims and hands them to that
 * service's ledger, again whenever the deployment moves.
 */
public final class EntityResolver implements Processor<String, SpecificRecord, String, SpecificRecord> {

    private final String storeName;
    private final String claimsStoreName;
    private final EntityType type;
    private final ProcessedOffsets offsets;
    private KeyValueStore<String, SpecificRecord> winners;
    private KeyValueStore<Bytes, SpecificRecord> claims;
    private ProcessorContext<String, SpecificRecord> context;
    private PromptCommits commits;

    /**
     * @param claimsStoreName the store of cause claims, for deployments; null for incidents
     * @param offsets         where the task's positions are kept; null for none
     */
    public EntityResolver(final String storeName, final String claimsStoreName, final EntityType type,
                          final ProcessedOffsets offsets) {
        this.storeName = storeName;
        this.claimsStoreName = claimsStoreName;
        this.type = type;
        this.offsets = offsets;
    }

    @Override
    public void init(final ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.commits = new PromptCommits(context, offsets);
        this.winners = context.getStateStore(storeName);
        if (claimsStoreName != null) {
            this.claims = context.getStateStore(claimsStoreName);
        }
        StateWrites.moved();
    }

    @Override
    public void close() {
        commits.close();
        StateWrites.moved();
    }

    /** What it forwards keeps the record's headers, so history stays marked as such ({@link PromptCommits}). */
    @Override
    public void process(final Record<String, SpecificRecord> record) {
        try {
            resolve(record);
        } finally {
            StateWrites.moved();
            commits.processed(record.headers());
        }
    }

    private void resolve(final Record<String, SpecificRecord> record) {
        final SpecificRecord event = record.value();
        if (event == null) {
            // an event topic is a log of what happened: a tombstone deletes nothing, so it is refused visibly
            throw new IllegalArgumentException("record keyed by '" + record.key() + "' has no value: " + type
                    + " events cannot be deleted, send a newer event instead");
        }
        if (event instanceof CauseClaim claim && claims != null) {
            claim(record, claim);
            return;
        }
        final String id = EventFields.id(event);
        if (!id.equals(record.key())) {
            throw new IllegalArgumentException("record keyed by '" + record.key() + "' holds " + type + " '" + id
                    + "': " + type + " events must be keyed by their id");
        }
        final SpecificRecord current = winners.get(id);
        if (!Precedence.wins(event, current)) {
            final String team = EventFields.team(event);
            if (team != null && !event.equals(current)) {
                context.forward(record.withKey(EventFields.service(event)).withValue(new TeamObservation(
                        EventFields.service(event), team, EventFields.occurredAt(event).toEpochMilli())));
            }
            return;
        }
        winners.put(id, event);
        final boolean moved = current != null && !EventFields.service(current).equals(EventFields.service(event));
        if (moved) {
            context.forward(record.withKey(EventFields.service(current)).withValue(new EntityRemoval(type, id)));
        }
        context.forward(record.withKey(EventFields.service(event)));
        if ((current == null || moved) && claims != null) {
            try (KeyValueIterator<Bytes, SpecificRecord> held = claims.prefixScan(
                    ClaimKey.prefix(id), new BytesSerializer())) {
                held.forEachRemaining(kv -> context.forward(record.withKey(EventFields.service(event)).withValue(kv.value)));
            }
        }
    }

    private void claim(final Record<String, SpecificRecord> record, final CauseClaim claim) {
        final Bytes key = new ClaimKey(claim.getDeploymentId(), claim.getIncidentId(), claim.getIncidentService())
                .encode();
        if (claim.getPresent()) {
            claims.put(key, claim);
        } else {
            claims.delete(key);
        }
        final SpecificRecord deployment = winners.get(claim.getDeploymentId());
        if (deployment != null) {
            context.forward(record.withKey(EventFields.service(deployment)));
        }
    }

}
