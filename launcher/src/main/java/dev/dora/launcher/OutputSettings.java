package dev.dora.launcher;

import dev.dora.launcher.observability.ObservabilitySettings;
import dev.dora.streams.reports.ReportSettings;

/**
 * What the consumers of the metrics that run in dora publish: the gauges of {@code GET /metrics} and the weekly
 * reports of {@code dora.reports.weekly}.
 *
 * @param metrics what {@code GET /metrics} measures
 * @param reports how the weekly reports are published
 */
record OutputSettings(ObservabilitySettings metrics, ReportSettings reports) {

    /** The defaults of {@code demo} and {@code serve}. */
    static OutputSettings defaults() {
        return new OutputSettings(ObservabilitySettings.defaults(),
                ReportSettings.withGrace(ReportSettings.DEFAULT_GRACE));
    }
}
