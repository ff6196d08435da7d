package dev.dora.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dora.events.BuildEvent;
import dev.dora.events.BuildStatus;
import java.time.Instant;

/**
 * The canonical {@code build} event: one attempt of a service's CI pipeline (a re-run is another build, with its
 * own id), as {@code POST /api/v1/events} takes it.
 *
 * <pre>
 * {"type": "build", "id", "service", "team"?, "source"?, "occurredAt",
 *  "status": "in_progress" | "success" | "failure" | "cancelled", "startedAt", "finishedAt"?,
 *  "branch", "sha"?, "pipeline"?, "coverage"?}
 * </pre>
 *
 * <p>The rules are those of the other types: a rejection names the field; {@code finishedAt} is required exactly
 * when the build finished (success, failure, cancelled) and must not be before {@code startedAt}; {@code pipeline}
 * defaults to {@value #DEFAULT_PIPELINE}; {@code coverage} is a JSON number from 0 to 1. A build has no author: any
 * author or e-mail field a sender adds is ignored like every field the contract does not define, and so is a
 * {@code defaultBranch}, which only the ingest edge sets ({@link DefaultBranches}).
 */
public final class CanonicalBuilds {

    /** The pipeline of a build whose tool names none. */
    public static final String DEFAULT_PIPELINE = "ci";
    /** The field the ingest edge stamps from the service catalog; never read from a sender. */
    static final String STAMPED = "defaultBranch";

    private CanonicalBuilds() {
    }

    /** Whether a build in this state has finished, and so has a {@code finishedAt}. */
    public static boolean finished(final BuildStatus status) {
        return status != BuildStatus.in_progress;
    }

    static BuildEvent build(final JsonFields fields) {
        final CanonicalEvents.Common common = CanonicalEvents.common(fields);
        final BuildStatus status = fields.requiredEnum("status", BuildStatus.class);
        final Instant startedAt = fields.instant("startedAt");
        final Instant finishedAt = fields.optionalInstant("finishedAt");
        if (finished(status) && finishedAt == null) {
            throw new InvalidEventException("finishedAt", "required when status is " + status);
        }
        if (!finished(status) && finishedAt != null) {
            throw new InvalidEventException("finishedAt", "must be absent when status is " + status);
        }
        if (finishedAt != null && finishedAt.isBefore(startedAt)) {
            throw new InvalidEventException("finishedAt", "must not be before startedAt (got " + finishedAt
                    + " where startedAt is " + startedAt + ")");
        }
        final String branch = fields.boundedText("branch", CanonicalEvents.MAX_REF_CHARS);
        final String sha = fields.optionalSha("sha");
        final String pipeline = fields.optionalBoundedText("pipeline", CanonicalEvents.MAX_NAME_CHARS);
        final Double coverage = coverage(fields);
        return BuildEvent.newBuilder()
                .setId(common.id())
                .setService(common.service())
                .setTeam(common.team())
                .setSource(common.source())
                .setOccurredAt(common.occurredAt())
                .setStatus(status)
                .setStartedAt(startedAt)
                .setFinishedAt(finishedAt)
                .setBranch(branch)
                .setSha(sha)
                .setPipeline(pipeline == null ? DEFAULT_PIPELINE : pipeline)
                .setCoverage(coverage)
                .setDefaultBranch(null)
                .build();
    }

    /** A JSON number from 0 to 1, or null when absent. */
    private static Double coverage(final JsonFields fields) {
        final JsonNode value = fields.node("coverage");
        if (value == null) {
            return null;
        }
        if (!value.isNumber()) {
            throw fields.invalid("coverage", "must be a number from 0 to 1 (got " + JsonFields.echo(value) + ")");
        }
        final double fraction = value.doubleValue();
        if (!(fraction >= 0 && fraction <= 1)) {
            throw fields.invalid("coverage", "must be from 0 to 1, a fraction of the lines covered (got "
                    + JsonFields.echo(value) + ")");
        }
        return fraction;
    }
}
