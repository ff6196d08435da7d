package dev.dora.launcher.observability;

import dev.dora.streams.query.WindowMetrics;
import io.prometheus.metrics.model.snapshots.Labels;

/**
 * One scope of the DORA gauges and its metrics over the window: a service (with its team, if it has one), a team, or
 * the organisation. Its labels name nothing finer than a service, so the series per metric stay services + teams + 1.
 *
 * @param kind    {@code service}, {@code team} or {@code organisation}: the {@code scope} label
 * @param service the service, for a service scope
 * @param team    the team: of a team scope, or the service's current team (null when it has none)
 * @param metrics what {@code GET /api/v1/metrics} answers for this scope and window
 */
record DoraScope(String kind, String service, String team, WindowMetrics metrics) {

    static final String SERVICE = "service";
    static final String TEAM = "team";
    static final String ORGANISATION = "organisation";

    static DoraScope service(final String service, final String team, final WindowMetrics metrics) {
        return new DoraScope(SERVICE, service, team, metrics);
    }

    static DoraScope team(final String team, final WindowMetrics metrics) {
        return new DoraScope(TEAM, null, team, metrics);
    }

    static DoraScope organisation(final WindowMetrics metrics) {
        return new DoraScope(ORGANISATION, null, null, metrics);
    }

    /** The series' labels; a label without a value is left out rather than set empty. */
    Labels labels(final String window) {
        Labels labels = Labels.of("scope", kind, "window", window);
        if (service != null) {
            labels = labels.add("service", service);
        }
        if (team != null) {
            labels = labels.add("team", team);
        }
        return labels;
    }
}
