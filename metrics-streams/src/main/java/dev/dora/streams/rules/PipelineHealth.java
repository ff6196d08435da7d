package dev.dora.streams.rules;

import dev.dora.events.BuildEvent;
import dev.dora.events.BuildStatus;
import java.util.List;

/**
 * Which builds count and how (docs/METRICS.md, "Pipeline health"): a build belongs to the day of its
 * {@code finishedAt}; one still in progress counts nowhere yet. Its duration is {@code finishedAt − startedAt} in
 * whole seconds (truncated, never negative); a successful build is fast when it took at most the configured
 * threshold. Episodes of a broken default branch are {@link BrokenBranch}'s.
 */
public final class PipelineHealth {

    private static final long MILLIS_PER_SECOND = 1000;

    private PipelineHealth() {
    }

    /** Whether the build finished: success, failure or cancelled, with its finishedAt. */
    public static boolean finished(final BuildEvent build) {
        return build != null && build.getStatus() != BuildStatus.in_progress && build.getFinishedAt() != null;
    }

    /** The duration of a finished build in whole seconds. */
    public static long durationSeconds(final BuildEvent build) {
        return Math.max(0, build.getFinishedAt().toEpochMilli() - build.getStartedAt().toEpochMilli())
                / MILLIS_PER_SECOND;
    }

    /** Whether a finished build succeeded within {@code fastBuildSeconds}. */
    public static boolean fast(final BuildEvent build, final long fastBuildSeconds) {
        return build.getStatus() == BuildStatus.success && durationSeconds(build) <= fastBuildSeconds;
    }

    /** Whether a finished build is on its service's default branch, where episodes and coverage are counted. */
    public static boolean onDefaultBranch(final BuildEvent build) {
        return finished(build) && BrokenBranch.isDefaultBranch(build.getBranch(), build.getDefaultBranch());
    }

    /** The build's outcome for the episodes of its branch. */
    public static BrokenBranch.Outcome outcome(final BuildEvent build) {
        return switch (build.getStatus()) {
            case success -> BrokenBranch.Outcome.SUCCESS;
            case failure -> BrokenBranch.Outcome.FAILURE;
            default -> BrokenBranch.Outcome.OTHER;
        };
    }

    /** The successful builds' share within the threshold; null without successful builds. */
    public static Double underThreshold(final long fast, final long succeeded) {
        return succeeded == 0 ? null : (double) fast / succeeded;
    }

    /** succeeded / (succeeded + failed); null when both are 0 (cancelled builds do not count). */
    public static Double successRate(final long succeeded, final long failed) {
        return succeeded + failed == 0 ? null : (double) succeeded / (succeeded + failed);
    }

    /**
     * The coverage of several (service, pipeline)s: the mean of each one's latest value; null when none reported
     * one.
     */
    public static Double meanCoverage(final List<Double> latest) {
        if (latest.isEmpty()) {
            return null;
        }
        // summed in ascending order, not in the order the values were gathered (a hash map's, which depends on the
        // order the rows were written): floating-point addition is not associative, and every arrival order of the
        // same builds must give the same answer to the last bit (a weekly report would otherwise be revised)
        final double[] values = latest.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double sum = 0;
        for (final double value : values) {
            sum += value;
        }
        return sum / values.length;
    }

    /** The change of the coverage against the window before; null when either is null. */
    public static Double coverageChange(final Double latest, final Double before) {
        return latest == null || before == null ? null : latest - before;
    }
}
