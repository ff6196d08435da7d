package dev.dora.streams.rules;

import java.util.ArrayList;
import java.util.List;

/**
 * A broken default branch (docs/METRICS.md, "Pipeline health"): per (service, pipeline), the finished builds on
 * the default branch in (finishedAt, id) order; an episode starts at the {@code finishedAt} of the first failed
 * build after a successful one (or after none) and ends at the {@code finishedAt} of the next successful build.
 * Cancelled builds neither break nor fix the branch. The default branch is the one the service catalog names, or
 * {@code main} or {@code master} when it names none.
 */
public final class BrokenBranch {

    private static final long MILLIS_PER_SECOND = 1000;

    /** What a finished build did to its branch, as far as episodes go. */
    public enum Outcome {
        SUCCESS, FAILURE, OTHER
    }

    /** A finished default-branch build, in the timeline's order. */
    public record Step(Outcome outcome, long finishedAtMs) {
    }

    /**
     * A build's part in the episodes: the failure that broke the branch, the success that fixed it (with the
     * seconds since the episode started, truncated), or neither.
     */
    public record Role(boolean broke, Long timeToFixSeconds) {
        public static final Role NONE = new Role(false, null);

        public boolean fixed() {
            return timeToFixSeconds != null;
        }
    }

    private BrokenBranch() {
    }

    /** Whether {@code branch} is the default branch: {@code defaultBranch}, or main or master when that is null. */
    public static boolean isDefaultBranch(final String branch, final String defaultBranch) {
        if (defaultBranch != null) {
            return defaultBranch.equals(branch);
        }
        return "main".equals(branch) || "master".equals(branch);
    }

    /**
     * The roles of consecutive steps that follow a green branch (a success, or nothing), in order. The steps after
     * a success do not depend on anything before it, which is what lets the ledger recompute only the steps
     * between two successes when a build arrives, changes or leaves.
     */
    public static List<Role> roles(final List<Step> steps) {
        final List<Role> out = new ArrayList<>(steps.size());
        Long brokenSince = null;
        for (final Step step : steps) {
            if (step.outcome() == Outcome.FAILURE && brokenSince == null) {
                brokenSince = step.finishedAtMs();
                out.add(new Role(true, null));
            } else if (step.outcome() == Outcome.SUCCESS && brokenSince != null) {
                out.add(new Role(false, Math.max(0, step.finishedAtMs() - brokenSince) / MILLIS_PER_SECOND));
                brokenSince = null;
            } else {
                out.add(Role.NONE);
            }
        }
        return out;
    }
}
