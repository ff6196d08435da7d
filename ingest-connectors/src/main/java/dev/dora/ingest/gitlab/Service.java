package dev.dora.ingest.gitlab;

import dev.dora.ingest.catalog.ServiceCatalog;
import dev.dora.ingest.webhook.Mapping;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/** The canonical service and team of a GitLab project, and whether the catalog named it. */
record Service(String name, String team, boolean mapped) {

    static Service forRepository(final ServiceCatalog catalog, final String pathWithNamespace) {
        return catalog.forRepository(pathWithNamespace)
                .map(entry -> new Service(entry.name(), entry.team(), true))
                .orElseGet(() -> new Service(
                        pathWithNamespace.substring(pathWithNamespace.lastIndexOf('/') + 1), null, false));
    }

    Mapping mapping(final List<? extends SpecificRecord> events) {
        return Mapping.of(events, mapped ? List.of() : List.of(name));
    }
}
