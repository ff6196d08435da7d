package dev.dora.streams.topology;

import dev.dora.schema.EventFields;
import dev.dora.state.EntityRemoval;
import dev.dora.state.EntityType;
import dev.dora.state.TeamObservation;
import dev.dora.streams.ledger.Precedence;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the winning event of each deployment or incident, keyed by its global id, and re-keys winners by
 * service for the ledgers. When the winner names another service than the previous one, the old service's
 * ledger is told to let go. Events that lose still say which team their service belongs to.
 */
public final class EntityResolver implements Processor<String, SpecificRecord, String, SpecificRecord> {

    private final String storeName;
    private final EntityType type;
    private KeyValueStore<String, SpecificRecord> winners;
    private ProcessorContext<String, SpecificRecord> context;

    public EntityResolver(final String storeName, final EntityType type) {
        this.storeName = storeName;
        this.type = type;
    }

    @Override
    public void init(final ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.winners = context.getStateStore(storeName);
    }

    @Override
    public void process(final Record<String, SpecificRecord> record) {
        final SpecificRecord event = record.value();
        if (event == null) {
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
                context.forward(record.withKey(EventFields.service(event))
                        .withValue(new TeamObservation(EventFields.service(event), team, EventFields.occurredAt(event).toEpochMilli())));
            }
            return;
        }
        winners.put(id, event);
        if (current != null && !EventFields.service(current).equals(EventFields.service(event))) {
            context.forward(record.withKey(EventFields.service(current)).withValue(new EntityRemoval(type, id)));
        }
        context.forward(record.withKey(EventFields.service(event)));
    }

}
