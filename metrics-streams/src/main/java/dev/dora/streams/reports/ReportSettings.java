package dev.dora.streams.reports;

import dev.dora.streams.benchmarks.Benchmark;
import dev.dora.streams.benchmarks.BenchmarkCatalog;
import java.time.Duration;
import java.util.Objects;

/**
 * How the weekly reports are published.
 *
 * @param grace         how long after a week's end (in event time) it closes: late events within it are in the
 *                      first revision (default one day, {@code --report-grace})
 * @param checkInterval how often the publisher looks whether the pipeline moved on
 * @param busyInterval  while the pipeline has work pending, the least time between two passes
 * @param benchmark     the benchmark whose tiers the reports carry (the newest report year)
 */
public record ReportSettings(Duration grace, Duration checkInterval, Duration busyInterval, Benchmark benchmark) {

    public static final Duration DEFAULT_GRACE = Duration.ofDays(1);

    public ReportSettings {
        Objects.requireNonNull(benchmark, "benchmark");
        if (grace.isNegative()) {
            throw new IllegalArgumentException("the report grace cannot be negative");
        }
    }

    /** A grace of {@code grace}, a check every 5 s and a pass at least a minute apart while the pipeline is busy. */
    public static ReportSettings withGrace(final Duration grace) {
        final BenchmarkCatalog catalog = BenchmarkCatalog.standard();
        return new ReportSettings(grace, Duration.ofSeconds(5), Duration.ofMinutes(1),
                catalog.get(catalog.newest()));
    }

    public ReportSettings withIntervals(final Duration check, final Duration busy) {
        return new ReportSettings(grace, check, busy, benchmark);
    }
}
