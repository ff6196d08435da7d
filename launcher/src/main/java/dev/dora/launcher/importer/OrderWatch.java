package dev.dora.launcher.importer;

import dev.dora.events.DeploymentEvent;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Counts the deployments sent after a newer deployment of the same service: a file listing deployments newest first
 * after their commits costs the pipeline commits × deployments, where sorted ({@code --sort}) it costs each commit
 * once, so the summary says so. Holds one time per service.
 */
final class OrderWatch implements Iterator<ImportItem> {

    private final Iterator<ImportItem> items;
    private final Map<String, Long> newest = new HashMap<>();
    private long backwards;

    OrderWatch(final Iterator<ImportItem> items) {
        this.items = items;
    }

    @Override
    public boolean hasNext() {
        return items.hasNext();
    }

    @Override
    public ImportItem next() {
        final ImportItem item = items.next();
        if (item.event() instanceof DeploymentEvent deployment) {
            final long at = deployment.getOccurredAt().toEpochMilli();
            final long latest = newest.merge(deployment.getService(), at, Math::max);
            if (latest != at) {
                backwards++;
            }
        }
        return item;
    }

    /** Deployments that came after a newer one of their service. */
    long backwards() {
        return backwards;
    }
}
