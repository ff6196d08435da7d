package dev.dora.api;

import dev.dora.events.BuildEvent;
import dev.dora.state.DeployRef;
import dev.dora.streams.query.LedgerReader;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The evidence behind pipeline health: {@code GET /api/v1/builds} lists the CI builds that finished in the window, of
 * one service, a team's services or every service, by service then (finishedAt, id), each with its duration and
 * whether it broke or fixed its pipeline's default branch (read from the episodes the ledger keeps, never derived
 * again here). A build still running has no finishedAt, so it belongs to no window yet and is not listed. Builds have
 * no environment. Validation and paging are those of {@code /api/v1/deployments}.
 */
final class BuildRoutes {

    private final PipelineAccess pipeline;
    private final Clock clock;

    BuildRoutes(final PipelineAccess pipeline, final Clock clock) {
        this.pipeline = pipeline;
        this.clock = clock;
    }

    /** One page of builds; {@code next} is the cursor of the following page, null on the last. */
    record Page(List<Build> builds, String next) {
    }

    /**
     * One finished build. {@code defaultBranch} says whether it ran on its service's default branch, where episodes
     * are counted; {@code timeToFixSeconds} is set on the build that fixed the branch.
     */
    record Build(String id, String service, String pipeline, String branch, String sha, String status,
                 String startedAt, String finishedAt, long durationSeconds, Double coverage, boolean defaultBranch,
                 boolean brokeDefaultBranch, boolean fixedDefaultBranch, Long timeToFixSeconds) {
    }

    void list(final Context ctx) {
        final int limit = DeploymentRoutes.limit(QueryParams.one(ctx, "limit"));
        final DeploymentRoutes.Cursor after = DeploymentRoutes.Cursor.parse(QueryParams.one(ctx, "cursor"));
        final RequestScope scope = RequestScope.parse(ctx, pipeline, clock);
        final LedgerReader ledger = pipeline.ledger();
        // one more than a page tells whether another page follows
        final List<Build> found = new ArrayList<>();
        final List<DeploymentRoutes.Cursor> places = new ArrayList<>();
        for (final String name : scope.services()) {
            if (after != null && name.compareTo(after.service()) < 0) {
                continue;
            }
            final DeployRef from = after != null && name.equals(after.service()) ? after.ref() : null;
            for (final LedgerReader.BuildEntry entry : ledger.builds(name, scope.window().from().toEpochMilli(),
                    scope.window().to().toEpochMilli(), from, limit + 1 - found.size())) {
                found.add(view(entry));
                places.add(new DeploymentRoutes.Cursor(name, new DeployRef(
                        entry.build().getFinishedAt().toEpochMilli(), entry.build().getId())));
            }
            if (found.size() > limit) {
                break;
            }
        }
        final String next = found.size() > limit ? places.get(limit - 1).encode() : null;
        ctx.json(new Page(found.subList(0, Math.min(limit, found.size())), next));
    }

    private static Build view(final LedgerReader.BuildEntry entry) {
        final BuildEvent b = entry.build();
        return new Build(b.getId(), b.getService(), b.getPipeline(), b.getBranch(), b.getSha(), b.getStatus().name(),
                b.getStartedAt().toString(), b.getFinishedAt().toString(), entry.durationSeconds(),
                b.getCoverage(), entry.defaultBranch(), entry.brokeDefaultBranch(),
                entry.timeToFixSeconds() != null, entry.timeToFixSeconds());
    }
}
