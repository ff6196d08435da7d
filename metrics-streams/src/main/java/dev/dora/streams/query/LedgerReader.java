package dev.dora.streams.query;

import dev.dora.events.BuildEvent;
import dev.dora.facts.DeploymentFact;
import dev.dora.facts.IncidentFact;
import dev.dora.state.DeployRef;
import dev.dora.streams.rules.LeadTime;
import java.util.List;
import java.util.Optional;

/**
 * The drill-down's reads of the ledgers. Every read names the service whose ledger answers it, so it is answered by
 * the one partition (and the one instance) holding that service: by the local stores ({@link StoreLedgerReader}), or
 * routed to the instance that owns the service when several instances share the work.
 */
public interface LedgerReader {

    /** A commit a deployment delivered; its lead time is null when it yields no sample (see {@link LeadTime}). */
    record DeliveredChange(String sha, Long leadTimeSeconds) {
    }

    /**
     * A finished build as the rules see it (docs/METRICS.md, "Pipeline health"): its duration, whether it ran on its
     * service's default branch, whether it broke that branch, and the time to fix when it fixed it (null otherwise).
     */
    record BuildEntry(BuildEvent build, long durationSeconds, boolean defaultBranch, boolean brokeDefaultBranch,
                      Long timeToFixSeconds) {
    }

    Optional<DeploymentFact> deployment(String service, String id);

    Optional<IncidentFact> incident(String service, String id);

    /** The commits {@code deployment} delivered, by sha, with their lead-time samples. */
    List<DeliveredChange> changes(DeploymentFact deployment);

    /** Every incident of {@code service} opened in [fromMs, toMs), by (openedAt, id). */
    List<IncidentFact> incidents(String service, long fromMs, long toMs);

    /** The deployment that first delivered {@code sha} of {@code service} to environment {@code group}, if any. */
    Optional<DeployRef> firstDeployment(String service, String group, String sha);

    boolean knowsCommit(String service, String sha);

    /** The last successful deployment of {@code service} to {@code group} that finished at or before {@code atMs}. */
    Optional<DeployRef> latestAtOrBefore(String service, String group, long atMs);

    /**
     * Successful deployments of {@code service} to {@code group} that finished in [fromMs, toMs), in
     * (finishedAt, id) order, starting after {@code after} (exclusive; null for the first page), at most
     * {@code limit} of them.
     */
    List<DeployRef> deployments(String service, String group, long fromMs, long toMs, DeployRef after, int limit);

    /**
     * Builds of {@code service} (every pipeline and branch) that finished in [fromMs, toMs), in (finishedAt, id)
     * order, starting after {@code after} (its {@code deploymentId} being the build id; null for the first page), at
     * most {@code limit} of them.
     */
    List<BuildEntry> builds(String service, long fromMs, long toMs, DeployRef after, int limit);
}
