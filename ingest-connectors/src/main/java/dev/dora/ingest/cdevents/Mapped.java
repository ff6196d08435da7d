package dev.dora.ingest.cdevents;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dora.ingest.CanonicalEvents;
import dev.dora.ingest.InvalidEventException;
import dev.dora.ingest.JsonFields;
import java.util.Map;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;

/** A canonical event, validated, or why there is none. */
record Mapped(SpecificRecord event, String unmapped, String ignored) {

    static Mapped ignored(final String reason) {
        return new Mapped(null, null, reason);
    }

    /** Validates the canonical JSON; a rejection names the CDEvent field the value came from. */
    static Mapped of(final ObjectNode json, final String unmapped, final JsonFields cdevent,
                     final Map<String, String> sources) {
        try {
            return new Mapped(CanonicalEvents.parse(json), unmapped, null);
        } catch (final InvalidEventException e) {
            final String problem = e.getMessage().substring(Math.min(e.getMessage().length(),
                    e.field().length() + 2));
            final String source = "occurredAt".equals(e.field()) ? "context.timestamp" : sources.get(e.field());
            if (source != null) {
                throw cdevent.invalid(source, problem);
            }
            if (Set.of("service", "team").contains(e.field())) {
                throw cdevent.invalid("customData." + e.field(), problem);
            }
            throw cdevent.invalid("context", e.getMessage());
        }
    }
}
