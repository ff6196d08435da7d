package dev.dora.streams.query;

import dev.dora.facts.DeploymentFact;
import dev.dora.facts.IncidentFact;
import dev.dora.state.DeployRef;
import dev.dora.streams.config.MetricsConfig;
import dev.dora.streams.rules.FailureAttribution;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Why an incident is charged to no deployment, in words, for the drill-down. Which deployments an incident charges
 * is the ledger's answer ({@link IncidentFact#getChargedDeployments()}); this only names, for an incident with none,
 * which condition of each rule it would need fails.
 */
public final class UnattributedReason {

    private final MetricsConfig config;
    private final LedgerReader ledger;
    private final Function<String, Optional<DeploymentFact>> deploymentById;

    /** @param deploymentById the fact of a deployment, of whatever service it currently belongs to */
    public UnattributedReason(final MetricsConfig config, final LedgerReader ledger,
                              final Function<String, Optional<DeploymentFact>> deploymentById) {
        this.config = config;
        this.ledger = ledger;
        this.deploymentById = deploymentById;
    }

    /** The reason, or null when the incident is charged to a deployment. */
    public String of(final IncidentFact incident) {
        if (!incident.getChargedDeployments().isEmpty()) {
            return null;
        }
        final String group = config.environmentGroup(incident.getEnvironment());
        final List<String> reasons = new ArrayList<>();
        if (incident.getCauseDeploymentId() != null) {
            reasons.add(causeDeployment(incident, group));
        }
        if (incident.getCauseSha() != null) {
            reasons.add(causeSha(incident, group));
        }
        if (reasons.isEmpty()) {
            reasons.add(timeWindow(incident, group));
        }
        return String.join("; ", reasons);
    }

    private String causeDeployment(final IncidentFact incident, final String group) {
        final String id = incident.getCauseDeploymentId();
        final Optional<DeploymentFact> named = deploymentById.apply(id);
        if (named.isEmpty()) {
            return "causeDeploymentId names deployment '" + id + "', which is not a known successful deployment";
        }
        if (!group.equals(config.environmentGroup(named.get().getEnvironment()))) {
            return "causeDeploymentId names deployment '" + id + "' to " + named.get().getEnvironment()
                    + ", not to the incident's environment " + incident.getEnvironment();
        }
        return "causeDeploymentId names deployment '" + id + "' of " + named.get().getService()
                + ", whose ledger has not taken the claim yet";
    }

    private String causeSha(final IncidentFact incident, final String group) {
        final String sha = incident.getCauseSha();
        final String service = incident.getService();
        if (!ledger.knowsCommit(service, sha)) {
            return "causeSha " + sha + " is not a known commit of " + service;
        }
        return ledger.firstDeployment(service, group, sha).isEmpty()
                ? "causeSha " + sha + " has not been delivered by a deployment of " + service + " to " + group
                : "causeSha " + sha + " was delivered to " + group + ", whose deployment has not been charged yet";
    }

    private String timeWindow(final IncidentFact incident, final String group) {
        final String service = incident.getService();
        final long opened = incident.getOpenedAt().toEpochMilli();
        final Optional<DeployRef> last = ledger.latestAtOrBefore(service, group, opened);
        if (last.isEmpty()) {
            return "no deployment of " + service + " to " + group + " finished before the incident opened";
        }
        final Duration window = config.incidentWindow();
        if (!FailureAttribution.chargedByTime(last.get().getFinishedAt(), opened, window.toMillis())) {
            return "the last deployment of " + service + " to " + group + " before it ("
                    + last.get().getDeploymentId() + ") finished more than " + human(window) + " before it opened";
        }
        return "the last deployment of " + service + " to " + group + " before it ("
                + last.get().getDeploymentId() + ") has not been charged yet";
    }

    /** A duration as people write it: {@code 24 h}, {@code 30 min}, {@code 1 h 30 min}, {@code 45 s}. */
    static String human(final Duration duration) {
        final long seconds = duration.toSeconds();
        if (seconds % 3600 == 0) {
            return seconds / 3600 + " h";
        }
        if (seconds % 60 == 0) {
            return seconds < 3600 ? seconds / 60 + " min" : seconds / 3600 + " h " + seconds % 3600 / 60 + " min";
        }
        return seconds + " s";
    }
}
