package dev.dora.api;

import dev.dora.streams.config.MetricsConfig;
import dev.dora.streams.query.MetricsQuery;
import dev.dora.streams.store.Scope;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.SortedSet;
import java.util.function.Supplier;

/**
 * What a metrics or drill-down request covers: one service, one team or every service (the services it resolves to
 * now), one environment group (production unless named) and a window of whole days; with the query that resolved it.
 *
 * @param service     the named service, or null
 * @param team        the named team, or null
 * @param environment the environment group
 * @param window      the window
 * @param inScope     the services in scope, by name, listed when first asked for
 * @param query       the query over the local stores
 */
record RequestScope(String service, String team, String environment, Window window, InScope inScope,
                    MetricsQuery query) {

    /** The services in scope, by name. */
    List<String> services() {
        return inScope.get();
    }

    /**
     * The services a scope covers, listed once and only if a route asks. The organisation's metrics never ask: with
     * a thousand services, listing them (every service's row decoded and sorted) was half of a cold organisation
     * answer.
     */
    static final class InScope {
        private final Supplier<List<String>> list;
        private List<String> services;

        InScope(final Supplier<List<String>> list) {
            this.list = list;
        }

        List<String> get() {
            if (services == null) {
                services = list.get();
            }
            return services;
        }
    }

    /** The scope's parameters, checked but not yet resolved against the stores. */
    record Params(String service, String team, String environment, Window window) {

        /** Resolves the scope against the pipeline's stores: 404 for what nobody named, 503 when not ready. */
        RequestScope resolve(final PipelineAccess pipeline) {
            final MetricsQuery query = pipeline.query();
            // a named service or team must exist, so the checks below list it now; the organisation's list waits
            final InScope inScope = new InScope(() -> query.servicesIn(service, team));
            if (service != null && inScope.get().isEmpty()) {
                throw ApiException.notFound("service: no events have named service '" + service + "'");
            }
            if (team != null && inScope.get().isEmpty()) {
                throw ApiException.notFound("team: no service currently belongs to team '" + team + "'");
            }
            final String group = environment == null ? MetricsConfig.PRODUCTION
                    : pipeline.config().environmentGroup(environment);
            if (environment != null && !MetricsConfig.PRODUCTION.equals(group)) {
                final SortedSet<String> known = query.environmentsOf(inScope.get());
                if (!known.contains(group)) {
                    throw ApiException.notFound("environment: no deployment or incident of " + (service != null
                            ? "service '" + service + "'" : team != null ? "team '" + team + "'" : "any service")
                            + " names environment '" + environment + "'; known: " + String.join(", ", known));
                }
            }
            return new RequestScope(service, team, group, window, inScope, query);
        }
    }

    /**
     * Checks {@code service}, {@code team}, {@code environment}, {@code from}, {@code to} and {@code window}, before
     * any work: each at most once, names bounded ({@link QueryParams}), the window within its limits ({@link Window}).
     *
     * @throws ApiException 400 naming the invalid parameter
     */
    static Params params(final Context ctx, final Clock clock) {
        final String service = QueryParams.name(ctx, "service");
        final String team = QueryParams.name(ctx, "team");
        if (service != null && team != null) {
            throw ApiException.badRequest("service, team: give one of them, or neither for every service");
        }
        final String environment = QueryParams.name(ctx, "environment");
        final Window window = Window.parse(QueryParams.one(ctx, "from"), QueryParams.one(ctx, "to"),
                QueryParams.one(ctx, "window"), LocalDate.now(clock));
        return new Params(service, team, environment, window);
    }

    /** {@link #params} resolved at once. */
    static RequestScope parse(final Context ctx, final PipelineAccess pipeline, final Clock clock) {
        return params(ctx, clock).resolve(pipeline);
    }

    /** Whether the request named an environment (the incident list shows every environment when it names none). */
    static boolean namesEnvironment(final Context ctx) {
        return QueryParams.name(ctx, "environment") != null;
    }

    /** Whose day buckets answer: the service's, the team's or the organisation's. */
    Scope bucketScope() {
        return MetricsQuery.scope(service, team);
    }

    /** The scope as every answer echoes it. */
    Answers.Scope echo() {
        return new Answers.Scope(service, team, environment, window.from().toString(), window.to().toString());
    }
}
