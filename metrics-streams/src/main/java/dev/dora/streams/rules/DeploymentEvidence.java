package dev.dora.streams.rules;

import dev.dora.events.ChangeEvent;
import dev.dora.events.DeploymentEvent;
import java.util.List;

/**
 * Everything the rules need to know about one successful deployment, gathered by its ledger.
 *
 * @param deployment       its current event (successful and finished)
 * @param baseline         whether it is its environment group's first deployment
 * @param delivered        the changes it delivered first to its group
 * @param shaKnown         whether its sha is a known commit of its service
 * @param causeDeployment  incidents of any service of its group naming it as their cause (rule 1)
 * @param causeSha         incidents of its service and group naming as cause a change it delivered (rule 2)
 * @param timeWindow       incidents of its service and group naming no cause inside its window (rule 3), by openedAt
 * @param rollbacks        later deployments of its group rolling it back (rule 4)
 * @param nextFinishedAt   when the next deployment of its group finished, null when none
 */
public record DeploymentEvidence(DeploymentEvent deployment, boolean baseline, List<ChangeEvent> delivered,
                                 boolean shaKnown, List<Charge> causeDeployment, List<Charge> causeSha,
                                 List<Charge> timeWindow, List<String> rollbacks, Long nextFinishedAt) {

    /**
     * An incident charging the deployment, and when it was resolved (null while it is open).
     *
     * @param incident   the incident
     * @param resolvedAt its resolution, epoch milliseconds, null while open
     */
    public record Charge(IncidentRef incident, Long resolvedAt) {
    }
}
