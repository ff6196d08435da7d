package dev.dora.streams.simulation;

import dev.dora.events.Severity;
import java.time.Instant;

/**
 * An incident before it becomes events; {@code resolvedAt} null means still open at the end. Mutable only in
 * {@code resolvedAt}: capping the open incidents resolves some after they were planned.
 */
final class IncidentPlan {
    final ServiceProfile service;
    final String id;
    final String environment;
    final Instant openedAt;
    Instant resolvedAt;
    final Severity severity;
    final String causeDeploymentId;
    final String causeSha;

    IncidentPlan(final ServiceProfile service, final String id, final String environment, final Instant openedAt,
                 final Instant resolvedAt, final Severity severity, final String causeDeploymentId,
                 final String causeSha) {
        this.service = service;
        this.id = id;
        this.environment = environment;
        this.openedAt = openedAt;
        this.resolvedAt = resolvedAt;
        this.severity = severity;
        this.causeDeploymentId = causeDeploymentId;
        this.causeSha = causeSha;
    }
}
