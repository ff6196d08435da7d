package dev.dora.api;

import dev.dora.streams.benchmarks.Benchmark;
import dev.dora.streams.benchmarks.BenchmarkCatalog;
import dev.dora.streams.metrics.Granularity;
import dev.dora.streams.query.MetricsQuery;
import dev.dora.streams.query.Tiering;
import dev.dora.streams.query.WindowMetrics;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * {@code GET /api/v1/metrics} (every metric of a scope and window, with its DORA tiers) and
 * {@code GET /api/v1/metrics/series} (the same per day, ISO week or month of the window).
 */
final class MetricsRoutes {

    /** The most periods one series may have. */
    static final int MAX_SERIES_BUCKETS = 1_000;
    private static final BenchmarkCatalog BENCHMARKS = BenchmarkCatalog.standard();

    private final PipelineAccess pipeline;
    private final Clock clock;

    MetricsRoutes(final PipelineAccess pipeline, final Clock clock) {
        this.pipeline = pipeline;
        this.clock = clock;
    }

    Answers.Metrics metrics(final Context ctx) {
        final RequestScope.Params params = RequestScope.params(ctx, clock);
        final Benchmark benchmark = benchmark(QueryParams.one(ctx, "benchmark"));
        final RequestScope scope = params.resolve(pipeline);
        final Window window = scope.window();
        final MetricsQuery.TieredWindow tiered = scope.query().tieredMetrics(scope.bucketScope(), scope.environment(),
                window.fromDay(), window.toDay());
        return new Answers.Metrics(scope.echo(), tiered.metrics(), Tiering.tiers(benchmark, tiered.metrics(),
                tiered.deployDaysPerWeekMedian(), window.days()));
    }

    Answers.Series series(final Context ctx) {
        final RequestScope.Params params = RequestScope.params(ctx, clock);
        final Granularity granularity = granularity(QueryParams.one(ctx, "granularity"));
        final RequestScope scope = params.resolve(pipeline);
        final List<Granularity.Period> periods = granularity.periods(scope.window().fromDate(),
                scope.window().toDate());
        if (periods.size() > MAX_SERIES_BUCKETS) {
            throw ApiException.badRequest("granularity: " + granularity + " over this window gives " + periods.size()
                    + " buckets, more than " + MAX_SERIES_BUCKETS
                    + "; choose a coarser granularity or a shorter window");
        }
        final List<WindowMetrics> metrics = scope.query().series(scope.bucketScope(), scope.environment(), periods);
        final List<Answers.SeriesBucket> buckets = new ArrayList<>(periods.size());
        for (int i = 0; i < periods.size(); i++) {
            buckets.add(new Answers.SeriesBucket(periods.get(i).start().toString(), periods.get(i).end().toString(),
                    metrics.get(i)));
        }
        return new Answers.Series(scope.echo(), granularity.toString(), buckets);
    }

    private static Benchmark benchmark(final String name) {
        try {
            return BENCHMARKS.get(name == null || name.isBlank() ? BENCHMARKS.newest() : name.trim());
        } catch (final IllegalArgumentException e) {
            throw ApiException.badRequest("benchmark: " + e.getMessage());
        }
    }

    private static Granularity granularity(final String name) {
        try {
            return Granularity.parse(Objects.requireNonNullElse(name, "week"));
        } catch (final IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }
}
