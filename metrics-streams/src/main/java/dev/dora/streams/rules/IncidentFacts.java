package dev.dora.streams.rules;

import dev.dora.events.IncidentEvent;
import dev.dora.facts.ChargedDeployment;
import dev.dora.facts.IncidentFact;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/** Applies the rules to an incident: its {@link IncidentFact}. */
public final class IncidentFacts {

    /** The documented order of an incident's charged deployments: by rule, then deployment service, then id. */
    public static final Comparator<ChargedDeployment> CHARGE_ORDER = Comparator
            .comparing((ChargedDeployment c) -> c.getRule().ordinal())
            .thenComparing(ChargedDeployment::getDeploymentService)
            .thenComparing(ChargedDeployment::getDeploymentId);

    private IncidentFacts() {
    }

    /**
     * @param production       whether the incident's environment is a production one
     * @param previousOpenedAt when the previous incident of its service and group opened, null for the first
     * @param charged          the deployments charged with it, in any order
     */
    public static IncidentFact derive(final IncidentEvent incident, final boolean production,
                                      final Long previousOpenedAt, final List<ChargedDeployment> charged) {
        final Long resolvedAt = IncidentTimes.resolvedAt(incident);
        final List<ChargedDeployment> ordered = new ArrayList<>(charged);
        ordered.sort(CHARGE_ORDER);
        final TreeSet<String> attributed = new TreeSet<>();
        ordered.forEach(charge -> attributed.add(charge.getDeploymentId()));
        return IncidentFact.newBuilder()
                .setIncidentId(incident.getId())
                .setService(incident.getService())
                .setEnvironment(incident.getEnvironment())
                .setProduction(production)
                .setOpenedAt(incident.getOpenedAt())
                .setResolvedAt(resolvedAt == null ? null : Instant.ofEpochMilli(resolvedAt))
                .setRestoreSeconds(IncidentTimes.restoreSeconds(incident))
                .setSeverity(incident.getSeverity())
                .setCauseDeploymentId(incident.getCauseDeploymentId())
                .setCauseSha(incident.getCauseSha())
                .setSincePreviousSeconds(IncidentTimes.sincePreviousSeconds(incident, previousOpenedAt))
                .setAttributedDeployments(new ArrayList<>(attributed))
                .setDetectSeconds(IncidentTimes.detectSeconds(incident))
                .setChargedDeployments(ordered)
                .build();
    }
}
