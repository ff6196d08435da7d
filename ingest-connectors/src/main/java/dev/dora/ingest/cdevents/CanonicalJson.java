package dev.dora.ingest.cdevents;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dora.ingest.catalog.ServiceCatalog;
import java.util.Optional;

/** The canonical JSON every CDEvent family's mapping starts from and fills in. */
final class CanonicalJson {

    /** The canonical events' {@code source}. */
    static final String SOURCE = "cdevents";

    private CanonicalJson() {
    }

    /** The fields every canonical event has; the catalog's team wins over {@code customData.team}. */
    static ObjectNode common(final String type, final String id, final CDEvent event,
                             final Optional<ServiceCatalog.Entry> entry, final String fallback) {
        final ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("type", type);
        json.put("id", id);
        json.put("service", entry.map(ServiceCatalog.Entry::name).orElse(fallback));
        final String team = entry.map(ServiceCatalog.Entry::team)
                .orElseGet(() -> event.custom().optionalText("team"));
        putIfPresent(json, "team", team);
        json.put("source", SOURCE);
        json.put("occurredAt", event.timestamp().toString());
        return json;
    }

    static void putIfPresent(final ObjectNode json, final String field, final String value) {
        if (value != null) {
            json.put(field, value);
        }
    }
}
