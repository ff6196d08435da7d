package dev.dora.streams.model;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * The reference model's view of one production deployment, for tracing a number back to its inputs.
 *
 * @param id              deployment id
 * @param service         the service of its winning event
 * @param finishedAt      when it finished
 * @param sha             the deployed commit, possibly null
 * @param baseline        whether it is its service's first production deployment
 * @param deployedChanges shas it deployed first (see semantics §4)
 * @param leadTimeSamples its lead-time samples in seconds, ascending (empty for the baseline)
 * @param failed          whether it is a failed change
 * @param rule            the first failure rule that holds, as the {@code dev.dora.facts.FailureRule} symbol
 *                        name (cause_deployment_id, cause_sha, time_window, rollback), or null
 */
public record DeploymentView(
        String id,
        String service,
        Instant finishedAt,
        String sha,
        boolean baseline,
        Set<String> deployedChanges,
        List<Long> leadTimeSamples,
        boolean failed,
        String rule,
        Long recoverySeconds) {

    public DeploymentView {
        deployedChanges = Set.copyOf(deployedChanges);
        leadTimeSamples = List.copyOf(leadTimeSamples);
    }
}
