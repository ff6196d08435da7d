package dev.dora.streams.rules;

import dev.dora.facts.FailureRule;
import java.util.Collection;

/**
 * Change failure (docs/METRICS.md, "Change failure rate"): a production deployment D is a failed change when at
 * least one of four rules holds, reported in this order of precedence:
 * <ol>
 *   <li>{@code cause_deployment_id}: an incident of any service names D as its cause;</li>
 *   <li>{@code cause_sha}: an incident of D's service names as its cause a change D delivered first;</li>
 *   <li>{@code time_window}: an incident of D's service naming no cause opened within the incident window after D
 *       finished, and D is the last deployment that finished at or before it opened;</li>
 *   <li>{@code rollback}: a later deployment of D's service rolls D back.</li>
 * </ol>
 * Each incident charges at most one deployment per rule; the pair (deployment, incident) is charged by the first of
 * rules 1–3 that holds for it.
 */
public final class FailureAttribution {

    private FailureAttribution() {
    }

    /** The evidence the ledger gathered about one deployment, each list empty when its rule does not hold. */
    public record Evidence(Collection<String> causeDeploymentIncidents, Collection<String> causeShaIncidents,
                           Collection<String> timeWindowIncidents, Collection<String> rollbacks) {
    }

    /** The first rule that holds, or null when the deployment is not a failed change. */
    public static FailureRule rule(final Evidence evidence) {
        if (!evidence.causeDeploymentIncidents().isEmpty()) {
            return FailureRule.cause_deployment_id;
        }
        if (!evidence.causeShaIncidents().isEmpty()) {
            return FailureRule.cause_sha;
        }
        if (!evidence.timeWindowIncidents().isEmpty()) {
            return FailureRule.time_window;
        }
        return evidence.rollbacks().isEmpty() ? null : FailureRule.rollback;
    }

    /** The rule of precedence among two that hold for the same (deployment, incident) pair. */
    public static FailureRule first(final FailureRule a, final FailureRule b) {
        return a.ordinal() <= b.ordinal() ? a : b;
    }

    /**
     * Rule 3 seen from a deployment: the openedAt range [first, last] (epoch milliseconds, both inclusive) within
     * which an incident naming no cause is charged to a deployment that finished at {@code finishedAt}, the next
     * deployment of its group finishing at {@code nextFinishedAt} (null when none); null when the range is empty.
     */
    public static TimeRange timeWindow(final long finishedAt, final Long nextFinishedAt, final long windowMs) {
        long last = finishedAt + windowMs;
        if (nextFinishedAt != null) {
            // the next deployment takes every incident from the millisecond it finished
            last = Math.min(last, nextFinishedAt - 1);
        }
        return last >= finishedAt ? new TimeRange(finishedAt, last) : null;
    }

    /**
     * Rule 3 seen from an incident: whether an incident naming no cause that opened at {@code openedAt} is charged
     * to the last deployment that finished at or before it, at {@code lastFinishedAt}.
     */
    public static boolean chargedByTime(final long lastFinishedAt, final long openedAt, final long windowMs) {
        return openedAt - lastFinishedAt <= windowMs;
    }

    /** An inclusive range of epoch milliseconds. */
    public record TimeRange(long first, long last) {
    }
}
