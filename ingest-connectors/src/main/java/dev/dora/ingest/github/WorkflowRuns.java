package dev.dora.ingest.github;

import dev.dora.events.BuildEvent;
import dev.dora.events.BuildStatus;
import dev.dora.ingest.CanonicalBuilds;
import dev.dora.ingest.JsonFields;
import dev.dora.ingest.catalog.ServiceCatalog;
import dev.dora.ingest.webhook.Mapping;
import java.time.Instant;
import java.util.List;

/**
 * GitHub Actions' {@code workflow_run} webhook as a canonical build: one build per run attempt, id
 * {@code <workflow_run.id>-<workflow_run.run_attempt>} (a re-run keeps the run's id and raises its attempt, and is
 * another build).
 *
 * <ul>
 *   <li>action {@code in_progress}: a running build; action {@code completed}: a finished one, by
 *       {@code conclusion}: {@code success} → success, {@code failure} and {@code timed_out} → failure,
 *       {@code cancelled} → cancelled; any other conclusion ({@code skipped}, {@code neutral},
 *       {@code action_required}, {@code stale}, …) says nothing about the code's health and is ignored, naming it;
 *       any other action ({@code requested}) is ignored;</li>
 *   <li>{@code startedAt} = {@code run_started_at} (else {@code created_at}); {@code occurredAt} and, when finished,
 *       {@code finishedAt} = {@code updated_at}, so a redelivery maps to the same event and the completion wins over
 *       the start;</li>
 *   <li>{@code branch} = {@code head_branch}, {@code sha} = {@code head_sha}, {@code pipeline} = the workflow's
 *       name ({@code workflow_run.name}, else {@code workflow.name}, else {@code workflow_run.path}), else
 *       {@value CanonicalBuilds#DEFAULT_PIPELINE}; the service, as for GitHub's other events, from
 *       {@code repository}.</li>
 * </ul>
 * The run's actor, triggering actor and head commit's author are never read.
 */
final class WorkflowRuns {

    private WorkflowRuns() {
    }

    static Mapping map(final JsonFields payload, final ServiceCatalog catalog) {
        final String action = payload.text("action");
        final JsonFields run = payload.object("workflow_run");
        final String id = run.id("id") + "-" + (run.has("run_attempt") ? run.id("run_attempt") : "1");
        final BuildStatus status;
        switch (action) {
            case "in_progress":
                status = BuildStatus.in_progress;
                break;
            case "completed":
                status = conclusion(run.optionalText("conclusion"));
                if (status == null) {
                    return Mapping.ignored("workflow run " + id + " concluded "
                            + JsonFields.echo(String.valueOf(run.optionalText("conclusion")))
                            + ", which is neither a success, a failure nor a cancellation");
                }
                break;
            default:
                return Mapping.ignored("workflow_run action " + JsonFields.echo(action)
                        + " is not mapped (only in_progress and completed)");
        }
        final String branch = run.optionalText("head_branch");
        if (branch == null) {
            return Mapping.ignored("workflow run " + id + " names no head_branch");
        }
        final Instant updatedAt = run.instant("updated_at");
        final Instant startedAt = run.has("run_started_at") ? run.instant("run_started_at") : run.instant("created_at");
        final Owner owner = Owner.of(catalog, payload.object("repository"), null);
        final BuildEvent build = BuildEvent.newBuilder()
                .setId(id)
                .setService(owner.service())
                .setTeam(owner.team())
                .setSource(GitHubSource.SOURCE)
                .setOccurredAt(updatedAt)
                .setStatus(status)
                .setStartedAt(startedAt)
                .setFinishedAt(CanonicalBuilds.finished(status) ? updatedAt : null)
                .setBranch(branch)
                .setSha(run.optionalSha("head_sha"))
                .setPipeline(pipeline(payload, run))
                .build();
        return Mapping.of(List.of(build), owner.unmapped());
    }

    /** The build status of a completed run's conclusion; null for one that says nothing about the code. */
    static BuildStatus conclusion(final String conclusion) {
        if (conclusion == null) {
            return null;
        }
        switch (conclusion) {
            case "success":
                return BuildStatus.success;
            case "failure":
            case "timed_out":
                return BuildStatus.failure;
            case "cancelled":
                return BuildStatus.cancelled;
            default:
                return null;
        }
    }

    private static String pipeline(final JsonFields payload, final JsonFields run) {
        if (run.looseText("name") != null) {
            return run.looseText("name");
        }
        final JsonFields workflow = payload.looseObject("workflow");
        if (workflow != null && workflow.looseText("name") != null) {
            return workflow.looseText("name");
        }
        return run.looseText("path") != null ? run.looseText("path") : CanonicalBuilds.DEFAULT_PIPELINE;
    }
}
