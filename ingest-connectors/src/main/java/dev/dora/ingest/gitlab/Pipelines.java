package dev.dora.ingest.gitlab;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dora.events.BuildEvent;
import dev.dora.events.BuildStatus;
import dev.dora.ingest.CanonicalBuilds;
import dev.dora.ingest.InvalidEventException;
import dev.dora.ingest.JsonFields;
import dev.dora.ingest.catalog.ServiceCatalog;
import dev.dora.ingest.webhook.Mapping;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * GitLab's {@code Pipeline Hook} ({@code object_kind: pipeline}) as a canonical build, one per pipeline
 * ({@code object_attributes.id}; a retried job keeps its pipeline, a new run is a new pipeline).
 *
 * <ul>
 *   <li>{@code status}: {@code running} → in_progress, {@code success} → success, {@code failed} → failure,
 *       {@code canceled} → cancelled; the states before a pipeline runs or that say nothing about the code
 *       ({@code created}, {@code waiting_for_resource}, {@code preparing}, {@code pending}, {@code skipped},
 *       {@code manual}, {@code scheduled}, {@code canceling}, …) are ignored, naming the state;</li>
 *   <li>a pipeline for a tag ({@code tag: true}) is ignored: a tag is not a branch, and a release pipeline says
 *       nothing about whether a branch is broken;</li>
 *   <li>{@code startedAt} = {@code started_at} when present, else {@code created_at}; {@code finishedAt} =
 *       {@code finished_at}, else {@code startedAt} + {@code duration}; {@code occurredAt} = {@code finishedAt}
 *       when finished, else {@code startedAt}, so a redelivery maps to the same event and the end wins over the
 *       start;</li>
 *   <li>{@code branch} = {@code ref}, {@code sha} = {@code sha}, {@code pipeline} = {@code name} (GitLab's
 *       {@code workflow:name}), else {@value CanonicalBuilds#DEFAULT_PIPELINE}; {@code coverage} = the pipeline's
 *       {@code coverage}, a percentage GitLab sends as a number or a string ({@code "87.5"}), divided by 100;</li>
 *   <li>the service, as for GitLab's other hooks, from {@code project.path_with_namespace}.</li>
 * </ul>
 * The user who ran the pipeline and the commit's author are never read.
 */
final class Pipelines {

    private Pipelines() {
    }

    static Mapping map(final JsonFields body, final ServiceCatalog catalog) {
        final JsonFields attributes = body.object("object_attributes");
        final String id = attributes.id("id");
        final String state = attributes.text("status");
        final BuildStatus status = status(state);
        if (status == null) {
            return Mapping.ignored("pipeline " + id + " is " + JsonFields.echo(state) + ": only running, success,"
                    + " failed and canceled pipelines are builds");
        }
        final String ref = attributes.text("ref");
        if (attributes.optionalBoolean("tag")) {
            return Mapping.ignored("pipeline " + id + " ran for tag " + JsonFields.echo(ref) + ", not a branch");
        }
        final Instant startedAt = attributes.optionalText("started_at") != null
                ? GitLabSource.time(attributes, "started_at")
                : GitLabSource.time(attributes, "created_at");
        final Instant finishedAt = CanonicalBuilds.finished(status) ? finishedAt(attributes, startedAt) : null;
        final Service service = Service.forRepository(catalog, body.object("project").text("path_with_namespace"));
        final String name = attributes.optionalText("name");
        return service.mapping(List.of(BuildEvent.newBuilder()
                .setId(id)
                .setService(service.name())
                .setTeam(service.team())
                .setSource(GitLabSource.NAME)
                .setOccurredAt(finishedAt != null ? finishedAt : startedAt)
                .setStatus(status)
                .setStartedAt(startedAt)
                .setFinishedAt(finishedAt)
                .setBranch(ref)
                .setSha(attributes.optionalSha("sha"))
                .setPipeline(name != null ? name : CanonicalBuilds.DEFAULT_PIPELINE)
                .setCoverage(coverage(attributes))
                .build()));
    }

    /** The build status of a pipeline status; null for a state that is not a build's. */
    static BuildStatus status(final String state) {
        switch (state) {
            case "running":
                return BuildStatus.in_progress;
            case "success":
                return BuildStatus.success;
            case "failed":
                return BuildStatus.failure;
            case "canceled":
                return BuildStatus.cancelled;
            default:
                return null;
        }
    }

    private static Instant finishedAt(final JsonFields attributes, final Instant startedAt) {
        if (attributes.optionalText("finished_at") != null) {
            return GitLabSource.time(attributes, "finished_at");
        }
        final JsonNode duration = attributes.node("duration");
        if (duration == null) {
            throw attributes.invalid("finished_at", "required for a finished pipeline (or duration)");
        }
        if (!duration.isNumber() || duration.doubleValue() < 0 || duration.doubleValue() > Integer.MAX_VALUE) {
            throw attributes.invalid("duration", "must be a number of seconds (got " + JsonFields.echo(duration)
                    + ")");
        }
        return startedAt.plus(Duration.ofMillis(Math.round(duration.doubleValue() * 1000)));
    }

    /** GitLab's coverage percentage as a fraction; null when absent. */
    static Double coverage(final JsonFields attributes) {
        final JsonNode value = attributes.node("coverage");
        if (value == null) {
            return null;
        }
        double percent;
        if (value.isNumber()) {
            percent = value.doubleValue();
        } else if (value.isTextual()) {
            final String text = value.textValue().trim();
            try {
                percent = Double.parseDouble(text.endsWith("%") ? text.substring(0, text.length() - 1) : text);
            } catch (final NumberFormatException e) {
                percent = Double.NaN;
            }
        } else {
            percent = Double.NaN;
        }
        if (!(percent >= 0 && percent <= 100)) {
            throw new InvalidEventException(attributes.path("coverage"), "must be a percentage from 0 to 100, as a"
                    + " number or a string (got " + JsonFields.echo(value) + ")");
        }
        return percent / 100;
    }
}
