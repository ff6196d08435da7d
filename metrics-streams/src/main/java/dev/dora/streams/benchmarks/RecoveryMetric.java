package dev.dora.streams.benchmarks;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Which recovery metric a report's fourth key classifies: reports up to 2022 measure restoring service after
 * incidents, reports from 2023 on measure recovering from failed deployments.
 */
public enum RecoveryMetric {
    /** Time to restore service: the restore time of resolved incidents. */
    TIME_TO_RESTORE("Time to restore service"),
    /** Failed deployment recovery time: from a failed change to its recovery. */
    FAILED_DEPLOYMENT_RECOVERY_TIME("Failed deployment recovery time");

    private final String title;

    RecoveryMetric(final String title) {
        this.title = title;
    }

    /** The metric's name as the reports print it, which is how the catalogue file names it. */
    @JsonValue
    public String title() {
        return title;
    }

    /** The metric a report names, refusing any other title. */
    @JsonCreator
    public static RecoveryMetric ofTitle(final String title) {
        for (final RecoveryMetric metric : values()) {
            if (metric.title.equals(title)) {
                return metric;
            }
        }
        throw new IllegalArgumentException("unknown recovery metric '" + title + "'");
    }
}
