package dev.dora.launcher;

import dev.dora.launcher.observability.ObservabilitySettings;
import dev.dora.streams.reports.ReportSettings;

/**
 * What the consumers of the metrics that run in dora publish: the gauges of {@code GET /metrics}, the weekly
 * reports of {@code dora.reports.weekly}, and how many of the query API's answers are kept to be given again.
 *
 * @param metrics           what {@code GET /metrics} measures
 * @param reports           how the weekly reports are published
 * @param queryCacheEntries the most answers the query API keeps ({@code --query-cache-entries}; 0: none)
 */
record OutputSettings(ObservabilitySettings metrics, ReportSettings reports, int queryCacheEntries) {

    /** The query API's answer cache by default: 1,000 answers. */
    static final int DEFAULT_QUERY_CACHE_ENTRIES = 1_000;

    /** The defaults of {@code demo} and {@code serve}. */
    static OutputSettings defaults() {
        return new OutputSettings(ObservabilitySettings.defaults(),
                ReportSettings.withGrace(ReportSettings.DEFAULT_GRACE), DEFAULT_QUERY_CACHE_ENTRIES);
    }
}
