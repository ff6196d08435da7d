package dev.dora.streams.rules;

import dev.dora.events.IncidentEvent;
import dev.dora.events.IncidentStatus;

/**
 * The durations an incident contributes (docs/METRICS.md, "Time to restore" and "Incidents"), in whole seconds,
 * truncated.
 */
public final class IncidentTimes {

    private static final long MILLIS_PER_SECOND = 1000;

    private IncidentTimes() {
    }

    /** When the incident was resolved, in epoch milliseconds, or null while it is open. */
    public static Long resolvedAt(final IncidentEvent incident) {
        return incident == null || incident.getStatus() != IncidentStatus.resolved || incident.getResolvedAt() == null
                ? null : incident.getResolvedAt().toEpochMilli();
    }

    /** Time to restore: {@code resolvedAt − openedAt} of a resolved incident (never negative), else null. */
    public static Long restoreSeconds(final IncidentEvent incident) {
        final Long resolved = resolvedAt(incident);
        return resolved == null ? null
                : Math.max(0, resolved - incident.getOpenedAt().toEpochMilli()) / MILLIS_PER_SECOND;
    }

    /** Time to detect: {@code detectedAt − openedAt} when a detection time is given, else null. */
    public static Long detectSeconds(final IncidentEvent incident) {
        return incident.getDetectedAt() == null ? null
                : (incident.getDetectedAt().toEpochMilli() - incident.getOpenedAt().toEpochMilli()) / MILLIS_PER_SECOND;
    }

    /** Time between failures: since the previous incident of the group opened, or null for the first one. */
    public static Long sincePreviousSeconds(final IncidentEvent incident, final Long previousOpenedAt) {
        return previousOpenedAt == null ? null
                : (incident.getOpenedAt().toEpochMilli() - previousOpenedAt) / MILLIS_PER_SECOND;
    }
}
