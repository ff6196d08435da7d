package dev.dora.streams.simulation;

import java.util.SplittableRandom;

/**
 * How a production deployment fails, if it does: what the {@link DeploymentGenerator} decides and the
 * {@link IncidentGenerator} turns into an incident that each attribution rule must find (or, for {@link #LATE},
 * must not).
 */
enum FailureKind {
    NONE, CAUSE_DEPLOYMENT, CAUSE_SHA, TIME_WINDOW, LATE, ROLLBACK_ONLY;

    /** One draw: the kind of a deployment already known to fail. */
    static FailureKind draw(final SplittableRandom rng) {
        final double x = rng.nextDouble();
        if (x < 0.30) {
            return CAUSE_DEPLOYMENT;
        }
        if (x < 0.50) {
            return CAUSE_SHA;
        }
        if (x < 0.75) {
            return TIME_WINDOW;
        }
        if (x < 0.85) {
            return LATE;
        }
        return ROLLBACK_ONLY;
    }
}
