package dev.dora.ingest.github;

import dev.dora.ingest.JsonFields;
import dev.dora.ingest.catalog.ServiceCatalog;
import java.util.List;
import java.util.Optional;

/** Whose event it is: from the catalog, else the deployer's payload, else the repository name (unmapped). */
record Owner(String service, String team, boolean mapped) {

    static Owner of(final ServiceCatalog catalog, final JsonFields repository, final JsonFields deployerPayload) {
        final String fullName = repository.text("full_name");
        final Optional<ServiceCatalog.Entry> entry = catalog.forRepository(fullName);
        if (entry.isPresent()) {
            return new Owner(entry.get().name(), entry.get().team(), true);
        }
        final String service = deployerPayload == null ? null : deployerPayload.looseText("service");
        if (service != null) {
            final String team = catalog.service(service).map(ServiceCatalog.Entry::team)
                    .orElse(deployerPayload.looseText("team"));
            return new Owner(service, team, true);
        }
        final String name = repository.optionalText("name") != null
                ? repository.optionalText("name")
                : fullName.substring(fullName.lastIndexOf('/') + 1);
        return new Owner(name, null, false);
    }

    List<String> unmapped() {
        return mapped ? List.of() : List.of(service);
    }
}
