package dev.dora.streams.rules;

import java.util.Collection;

/**
 * Failed deployment recovery time (docs/METRICS.md): for a failed change, from its {@code finishedAt} to the
 * resolution of the last incident charged to it by rules 1–3; or, when no incident is charged but it was rolled back,
 * to the {@code finishedAt} of the next deployment of its group. No sample while a charged incident is open, nor for
 * a negative duration.
 */
public final class Recovery {

    private static final long MILLIS_PER_SECOND = 1000;

    private Recovery() {
    }

    /**
     * @param finishedAt       the failed change's finishedAt, epoch milliseconds
     * @param incidentsResolved when each incident charged to it by rules 1–3 was resolved; null for one still open
     * @param rolledBack       whether a later deployment rolls it back (rule 4)
     * @param nextFinishedAt   when the next deployment of its group finished, or null
     * @return whole seconds, or null when it has not recovered or there is no sample
     */
    public static Long seconds(final long finishedAt, final Collection<Long> incidentsResolved,
                               final boolean rolledBack, final Long nextFinishedAt) {
        final Long recoveredAt = incidentsResolved.isEmpty() ? (rolledBack ? nextFinishedAt : null)
                : lastResolution(incidentsResolved);
        return recoveredAt == null || recoveredAt < finishedAt ? null
                : (recoveredAt - finishedAt) / MILLIS_PER_SECOND;
    }

    /** The last resolution, or null while any of the incidents is open. */
    private static Long lastResolution(final Collection<Long> resolutions) {
        long last = Long.MIN_VALUE;
        for (final Long resolved : resolutions) {
            if (resolved == null) {
                return null;
            }
            last = Math.max(last, resolved);
        }
        return last;
    }
}
