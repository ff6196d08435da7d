package dev.dora.launcher.observability;

import dev.dora.api.Window;
import dev.dora.state.ServiceInfo;
import dev.dora.streams.config.MetricsConfig;
import dev.dora.streams.query.MetricsQuery;
import dev.dora.streams.store.Scope;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the metrics of every scope the gauges show from the state stores: each service, each team and the
 * organisation, in production, over the rolling window. It asks {@link MetricsQuery} exactly what
 * {@code GET /api/v1/metrics?window=Nd} asks for the same scope, so the gauges equal the API's answers.
 */
final class DoraScopes {

    private final int windowDays;
    private final Clock clock;

    DoraScopes(final int windowDays, final Clock clock) {
        this.windowDays = windowDays;
        this.clock = clock;
    }

    /** The window the API would use now: the {@code windowDays} days ending at the start of tomorrow, UTC. */
    Window window() {
        return Window.parse(null, null, windowDays + "d", LocalDate.now(clock));
    }

    /** Every scope's metrics now: services by name, then teams by name, then the organisation. */
    List<DoraScope> read(final MetricsQuery query) {
        final Window window = window();
        final List<ServiceInfo> services = query.services();
        final List<DoraScope> scopes = new ArrayList<>(services.size() + 1);
        final Set<String> teams = new TreeSet<>();
        for (final ServiceInfo info : services) {
            final String service = info.getService();
            if (info.getTeam() != null) {
                teams.add(info.getTeam());
            }
            scopes.add(DoraScope.service(service, info.getTeam(), query.metrics(Scope.service(service),
                    MetricsConfig.PRODUCTION, window.fromDay(), window.toDay())));
        }
        // a team's and the organisation's rows are their own: no merging of their services here
        teams.forEach(team -> scopes.add(DoraScope.team(team, query.metrics(Scope.team(team),
                MetricsConfig.PRODUCTION, window.fromDay(), window.toDay()))));
        scopes.add(DoraScope.organisation(query.metrics(Scope.ORGANISATION, MetricsConfig.PRODUCTION,
                window.fromDay(), window.toDay())));
        return scopes;
    }
}
