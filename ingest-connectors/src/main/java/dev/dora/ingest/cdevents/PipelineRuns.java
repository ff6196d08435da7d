package dev.dora.ingest.cdevents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dora.ingest.JsonFields;
import dev.dora.ingest.catalog.ServiceCatalog;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * CDEvents {@code pipelineRun.started} and {@code pipelineRun.finished} as canonical builds. Before builds existed
 * dora ignored both; they stay ignored ({@code 202}, naming the key) for a sender that does not name the branch,
 * for which the CDEvents spec has no field, so a tool that never heard of builds is answered as before.
 *
 * <ul>
 *   <li>{@code id} = {@code customData.buildId}, else {@code subject.id} (the spec keeps it stable for one run, so
 *       the start and the end of a run are one build);</li>
 *   <li>{@code started} → in_progress, {@code startedAt} = {@code context.timestamp};</li>
 *   <li>{@code finished} → by {@code subject.content.outcome}: {@code success} → success, {@code failure} and
 *       {@code error} → failure, {@code cancel} → cancelled; no or another outcome is ignored, naming it.
 *       {@code finishedAt} = {@code context.timestamp}; {@code startedAt} = {@code customData.startedAt},
 *       required (as {@code openedAt} on {@code incident.resolved}: the latest event of a build wins, so an end
 *       claiming to start at its own time would erase the run's duration);</li>
 *   <li>{@code branch} = {@code customData.branch}, {@code sha} = {@code customData.sha}, {@code pipeline} =
 *       {@code subject.content.pipelineName}, {@code coverage} = {@code customData.coverage} (0 to 1);</li>
 *   <li>the service: the catalog's {@code applications} ∋ {@code customData.service} (or a catalog service of that
 *       name), else {@code repositories} ∋ {@code customData.repository}; without an entry
 *       {@code customData.service}, else the repository's last segment; neither is a {@code 400} naming
 *       {@code customData.service}.</li>
 * </ul>
 */
final class PipelineRuns {

    private PipelineRuns() {
    }

    static Mapped map(final CDEvent event, final ServiceCatalog catalog, final boolean finished) {
        final JsonFields content = content(event);
        final String outcome = content.optionalText("outcome");
        final String status = finished ? status(outcome) : "in_progress";
        if (status == null) {
            return Mapped.ignored(event.type() + " with outcome " + JsonFields.echo(String.valueOf(outcome))
                    + " is not a build (outcomes: success, failure, error, cancel)");
        }
        final String branch = event.custom().optionalText("branch");
        if (branch == null) {
            return Mapped.ignored(event.type() + " names no branch (set customData.branch): no build to record");
        }
        final Instant startedAt = finished ? startedAt(event) : event.timestamp();
        final Owner owner = Owner.of(event, catalog);
        final boolean customId = event.custom().has("buildId");
        final String id = customId ? event.custom().optionalText("buildId") : event.subject().text("id");
        final ObjectNode json = CanonicalJson.common("build", id, event, owner.entry(), owner.fallback());
        json.put("status", status);
        json.put("startedAt", startedAt.toString());
        if (finished) {
            json.put("finishedAt", event.timestamp().toString());
        }
        json.put("branch", branch);
        CanonicalJson.putIfPresent(json, "sha", event.custom().optionalSha("sha"));
        CanonicalJson.putIfPresent(json, "pipeline", content.looseText("pipelineName"));
        final JsonNode coverage = event.custom().node("coverage");
        if (coverage != null) {
            json.set("coverage", coverage);
        }
        return Mapped.of(json, owner.entry().isEmpty() ? json.get("service").textValue() : null, event.cdevent(),
                Map.of("id", customId ? "customData.buildId" : "subject.id",
                        "startedAt", finished ? "customData.startedAt" : "context.timestamp",
                        "finishedAt", "context.timestamp", "branch", "customData.branch", "sha", "customData.sha",
                        "pipeline", "subject.content.pipelineName", "coverage", "customData.coverage"));
    }

    /**
     * The catalog entry of a build's service and the service without one.
     *
     * @param fallback {@code customData.service}, else the last segment of {@code customData.repository}
     */
    private record Owner(Optional<ServiceCatalog.Entry> entry, String fallback) {

        static Owner of(final CDEvent event, final ServiceCatalog catalog) {
            final String explicit = event.custom().optionalText("service");
            final String repository = event.custom().optionalText("repository");
            if (explicit == null && repository == null) {
                throw event.custom().invalid("service", "required to name the service of a build"
                        + " (or set customData.repository)");
            }
            final Optional<ServiceCatalog.Entry> entry = ServiceNames.byApplication(catalog, List.of(), explicit)
                    .or(() -> repository == null ? Optional.empty() : ServiceNames.byRepository(catalog, repository));
            return new Owner(entry, explicit != null ? explicit
                    : ServiceNames.lastSegment(ServiceNames.repositoryPath(repository)));
        }
    }

    /** {@code subject.content}; without one (it is optional for pipeline runs), an object without keys. */
    private static JsonFields content(final CDEvent event) {
        final JsonFields content = event.subject().looseObject("content");
        return content != null ? content
                : JsonFields.at(JsonNodeFactory.instance.objectNode(), event.subject().path("content")).lenient();
    }

    /** The canonical status of a finished run's outcome; null for another outcome. */
    static String status(final String outcome) {
        if (outcome == null) {
            return null;
        }
        switch (outcome) {
            case "success":
                return "success";
            case "failure":
            case "error":
                return "failure";
            case "cancel":
                return "cancelled";
            default:
                return null;
        }
    }

    private static Instant startedAt(final CDEvent event) {
        final Instant given = event.custom().optionalInstant("startedAt");
        if (given == null) {
            throw event.custom().invalid("startedAt", "required on pipelineRun.finished: when the run started"
                    + " (CDEvents has no field for it)");
        }
        if (given.isAfter(event.timestamp())) {
            throw event.custom().invalid("startedAt", "must not be after the end of the run context.timestamp (got "
                    + given + " where context.timestamp is " + event.timestamp() + ")");
        }
        return given;
    }
}
