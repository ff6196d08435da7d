package dev.dora.streams.query;

import dev.dora.streams.benchmarks.Benchmark;
import dev.dora.streams.benchmarks.RecoveryMetric;

/**
 * Which numbers of a window a benchmark report classifies: reports up to 2022 classify the time to restore
 * service, reports from 2023 on the failed deployment recovery time (see {@link RecoveryMetric}).
 */
public final class Tiering {

    private Tiering() {
    }

    /**
     * @param deployDaysPerWeekMedian see {@link MetricsQuery#deployDaysPerWeekMedian}
     * @param windowDays              the window's length in days
     */
    public static Benchmark.Tiers tiers(final Benchmark benchmark, final WindowMetrics metrics,
                                        final double deployDaysPerWeekMedian, final long windowDays) {
        return benchmark.classify(inputs(benchmark.recoveryMetric(), metrics, deployDaysPerWeekMedian, windowDays));
    }

    /** The classifier's inputs from a window's metrics, with the recovery median {@code recovery} names. */
    public static Benchmark.Inputs inputs(final RecoveryMetric recovery, final WindowMetrics metrics,
                                          final double deployDaysPerWeekMedian, final long windowDays) {
        final Double recoveryMedian = recovery == RecoveryMetric.FAILED_DEPLOYMENT_RECOVERY_TIME
                ? metrics.failedDeploymentRecoveryTime().medianSeconds()
                : metrics.timeToRestore().medianSeconds();
        return new Benchmark.Inputs(metrics.deploymentFrequency().perDay(), deployDaysPerWeekMedian,
                metrics.leadTime().medianSeconds(), metrics.changeFailureRate().rate(), recoveryMedian, windowDays);
    }
}
