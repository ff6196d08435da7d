package dev.dora.ingest;

import dev.dora.events.BuildEvent;
import dev.dora.ingest.catalog.ServiceCatalog;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/**
 * Stamps each build with its service's default branch as the service catalog names it when the build is accepted
 * ({@code defaultBranch}, null when the catalog names none, which the pipeline reads as {@code main} or
 * {@code master}). The canonical API, the webhooks and the importer all stamp through here, after validation, so a
 * sender can never set it and every edge reads the catalog alike.
 */
public final class DefaultBranches {

    private DefaultBranches() {
    }

    /** The events, each build stamped from {@code catalog} (null: no catalog); other events as they are. */
    public static List<SpecificRecord> stamp(final List<SpecificRecord> events, final ServiceCatalog catalog) {
        boolean builds = false;
        for (final SpecificRecord event : events) {
            builds |= event instanceof BuildEvent;
        }
        if (!builds) {
            return events;
        }
        final List<SpecificRecord> stamped = new ArrayList<>(events.size());
        for (final SpecificRecord event : events) {
            stamped.add(event instanceof BuildEvent build ? stamp(build, catalog) : event);
        }
        return stamped;
    }

    /** A copy of the build with the catalog's default branch of its service (null when it names none). */
    public static BuildEvent stamp(final BuildEvent build, final ServiceCatalog catalog) {
        final String branch = catalog == null ? null : catalog.defaultBranch(build.getService());
        return BuildEvent.newBuilder(build).setDefaultBranch(branch).build();
    }
}
