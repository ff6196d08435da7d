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
        final Walk walk = new Walk(null);
        final List<Role> out = new ArrayList<>(steps.size());
        for (final Step step : steps) {
            out.add(walk.next(step));
        }
        return out;
    }

    /**
     * The walk along a timeline, one step at a time, from a known state: green (after a success, or at the start),
     * or broken since a given time. The state after a step depends only on the state before it and the step, which
     * is what lets the ledger keep each entry's state, start a walk at the entry before a change, and stop it once
     * the old and the new states agree again.
     */
    public static final class Walk {
        private Long brokenSince;

        /** @param brokenSince when the branch broke, in epoch milliseconds; null when it is green */
        public Walk(final Long brokenSince) {
            this.brokenSince = brokenSince;
        }

        /** When the branch broke, as of the steps walked so far; null when it is green. */
        public Long brokenSince() {
            return brokenSince;
        }

        /** The role of the next step, which moves the walk past it. */
        public Role next(final Step step) {
            if (step.outcome() == Outcome.FAILURE && brokenSince == null) {
                brokenSince = step.finishedAtMs();
                return new Role(true, null);
            }
            if (step.outcome() == Outcome.SUCCESS && brokenSince != null) {
                final long since = brokenSince;
                brokenSince = null;
                return new Role(false, Math.max(0, step.finishedAtMs() - since) / MILLIS_PER_SECOND);
            }
            return Role.NONE;
        }
    }
}
