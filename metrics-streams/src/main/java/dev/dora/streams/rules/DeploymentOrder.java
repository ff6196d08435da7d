package dev.dora.streams.rules;

import dev.dora.events.DeploymentEvent;
import dev.dora.events.DeploymentStatus;
import dev.dora.state.DeployRef;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;

/**
 * The order of an environment group's deployments, which "before", "last", "next" and "baseline" refer to: by
 * {@code finishedAt}, then by id in UTF-8 byte order (the order of the timeline's store keys). Only successful,
 * finished deployments take part.
 */
public final class DeploymentOrder {

    /** (finishedAt, id), as the timeline sorts them. */
    public static final Comparator<DeployRef> ORDER = DeploymentOrder::compare;

    private DeploymentOrder() {
    }

    public static int compare(final DeployRef a, final DeployRef b) {
        final int byTime = Long.compare(a.getFinishedAt(), b.getFinishedAt());
        return byTime != 0 ? byTime : Arrays.compareUnsigned(a.getDeploymentId().getBytes(StandardCharsets.UTF_8),
                b.getDeploymentId().getBytes(StandardCharsets.UTF_8));
    }

    /** The earlier of two places in the order; either may be null (absent). */
    public static DeployRef min(final DeployRef a, final DeployRef b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return compare(a, b) <= 0 ? a : b;
    }

    /** A successful, finished deployment's place in the order of its environment group; null for any other. */
    public static DeployRef ref(final DeploymentEvent deployment) {
        if (deployment == null || deployment.getStatus() != DeploymentStatus.success
                || deployment.getFinishedAt() == null) {
            return null;
        }
        return new DeployRef(deployment.getFinishedAt().toEpochMilli(), deployment.getId());
    }
}
