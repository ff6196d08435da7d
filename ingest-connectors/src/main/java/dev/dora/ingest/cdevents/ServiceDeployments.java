package dev.dora.ingest.cdevents;

import static dev.dora.ingest.cdevents.CanonicalJson.putIfPresent;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dora.ingest.JsonFields;
import dev.dora.ingest.catalog.ServiceCatalog;
import java.util.Map;
import java.util.Objects;

/**
 * CDEvents {@code service.deployed}, {@code service.upgraded} and {@code service.rolledback} as successful canonical
 * deployments, to {@code subject.content.environment.id}. The id is {@code customData.deploymentId}, else the
 * CDEvent's {@code context.id}; {@code sha} and, on a rollback, {@code rollbackOf} come from {@code customData}. The
 * service: see {@link ServiceNames#owner} (by {@code subject.id} and {@code subject.content.artifactId}).
 */
final class ServiceDeployments {

    private ServiceDeployments() {
    }

    static Mapped map(final CDEvent event, final ServiceCatalog catalog, final boolean rollback) {
        final JsonFields content = event.subject().object("content");
        final String environment = content.object("environment").text("id");
        final String subjectId = event.subject().optionalText("id");
        final String artifactId = content.optionalText("artifactId");
        final String explicit = event.custom().optionalText("service");
        final ServiceNames.Owner owner = ServiceNames.owner(catalog, explicit, subjectId, artifactId);
        if (owner.fallback() == null) {
            throw event.subject().invalid("id", "required to name the service (or set customData.service)");
        }
        final String deploymentId = Objects.requireNonNullElse(event.custom().optionalText("deploymentId"), event.id());
        final ObjectNode json = CanonicalJson.common("deployment", deploymentId, event, owner.entry(), owner.fallback());
        json.put("environment", environment);
        json.put("status", "success");
        json.put("finishedAt", event.timestamp().toString());
        putIfPresent(json, "sha", event.custom().optionalSha("sha"));
        if (rollback) {
            putIfPresent(json, "rollbackOf", event.custom().optionalText("rollbackOf"));
        }
        return Mapped.of(json, owner.entry().isEmpty() ? json.get("service").textValue() : null, event.cdevent(),
                Map.of("id", event.custom().has("deploymentId") ? "customData.deploymentId" : "context.id",
                        "environment", "subject.content.environment.id", "finishedAt", "context.timestamp",
                        "sha", "customData.sha", "rollbackOf", "customData.rollbackOf"));
    }
}
