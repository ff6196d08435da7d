package dev.dora.streams.rules;

import dev.dora.events.ChangeEvent;
import dev.dora.events.DeploymentEvent;
import dev.dora.streams.config.HotfixRule;
import java.util.List;

/**
 * Rework (docs/METRICS.md, "Rework rate"): a deployment is unplanned when it rolls another back, is sent with
 * {@code hotfix: true}, or, unless it is a baseline, delivers first a change the hotfix rule marks. A baseline
 * delivers the whole known history, whose old hotfixes were not unplanned work of that deployment.
 */
public final class Rework {

    private Rework() {
    }

    public static boolean isRework(final DeploymentEvent deployment, final boolean baseline,
                                   final List<ChangeEvent> delivered, final HotfixRule hotfixRule) {
        if (deployment.getRollbackOf() != null || deployment.getHotfix()) {
            return true;
        }
        return !baseline && delivered.stream().anyMatch(hotfixRule::matches);
    }
}
