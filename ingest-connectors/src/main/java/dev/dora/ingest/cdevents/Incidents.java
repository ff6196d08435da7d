package dev.dora.ingest.cdevents;

import static dev.dora.ingest.cdevents.CanonicalJson.putIfPresent;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dora.ingest.JsonFields;
import dev.dora.ingest.catalog.ServiceCatalog;
import java.time.Instant;
import java.util.Map;

/**
 * CDEvents {@code incident.detected} and {@code incident.reported} as open canonical incidents, and
 * {@code incident.resolved} as resolved ones, in {@code subject.content.environment.id}, with id {@code subject.id}.
 * A resolution must say when the incident opened ({@code customData.openedAt}), for which the spec has no field;
 * {@code severity}, {@code causeDeploymentId} and {@code causeSha} come from {@code customData}. The service: see
 * {@link ServiceNames#owner} (by {@code subject.content.service.id} and {@code subject.content.artifactId}).
 */
final class Incidents {

    private Incidents() {
    }

    static Mapped map(final CDEvent event, final ServiceCatalog catalog, final boolean resolved) {
        final JsonFields content = event.subject().object("content");
        final String environment = content.object("environment").text("id");
        final String incidentId = event.subject().text("id");
        final JsonFields service = content.optionalObject("service");
        final String serviceId = service == null ? null : service.optionalText("id");
        final String artifactId = content.optionalText("artifactId");
        final String explicit = event.custom().optionalText("service");
        final ServiceNames.Owner owner = ServiceNames.owner(catalog, explicit, serviceId, artifactId);
        if (owner.fallback() == null) {
            throw content.invalid("service.id", "required to name the service"
                    + " (or set customData.service, or subject.content.artifactId)");
        }
        final Instant openedAt = resolved ? openedAt(event) : event.timestamp();
        final ObjectNode json = CanonicalJson.common("incident", incidentId, event, owner.entry(), owner.fallback());
        json.put("environment", environment);
        json.put("status", resolved ? "resolved" : "open");
        json.put("openedAt", openedAt.toString());
        if (resolved) {
            json.put("resolvedAt", event.timestamp().toString());
        }
        putIfPresent(json, "severity", event.custom().optionalText("severity"));
        putIfPresent(json, "causeDeploymentId", event.custom().optionalText("causeDeploymentId"));
        putIfPresent(json, "causeSha", event.custom().optionalSha("causeSha"));
        return Mapped.of(json, owner.entry().isEmpty() ? json.get("service").textValue() : null, event.cdevent(),
                Map.of("id", "subject.id", "environment", "subject.content.environment.id",
                        "openedAt", resolved && event.custom().has("openedAt")
                                ? "customData.openedAt" : "context.timestamp",
                        "resolvedAt", "context.timestamp", "severity", "customData.severity",
                        "causeDeploymentId", "customData.causeDeploymentId", "causeSha", "customData.causeSha"));
    }

    /** {@code customData.openedAt} of a resolution: required, and not after the resolution. */
    private static Instant openedAt(final CDEvent event) {
        final Instant given = event.custom().optionalInstant("openedAt");
        if (given != null && given.isAfter(event.timestamp())) {
            throw event.custom().invalid("openedAt", "must not be after the resolution"
                    + " time context.timestamp (got " + given + " where context.timestamp is " + event.timestamp()
                    + ")");
        }
        if (given == null) {
            // the latest event of an incident wins, so a resolution claiming to open at its own time would
            // overwrite the real opening and report a time to restore of zero
            throw event.custom().invalid("openedAt", "required on incident.resolved:"
                    + " when the incident was opened (CDEvents has no field for it)");
        }
        return given;
    }
}
