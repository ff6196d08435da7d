package dev.dora.streams.reports;

import dev.dora.reports.TrendWord;

/**
 * Whether a headline metric got better (docs/METRICS.md, "Weekly reports"): a week's value against the same metric
 * over the four weeks before it. More deployments per day and a higher build success rate are better; shorter lead,
 * restore, recovery and build times and lower failure and rework rates are better. A change within the tolerance is
 * {@code steady}: 10 % of the four weeks' value for frequencies and durations, 5 percentage points for rates (a rate
 * of a few deployments or builds jumps).
 * Without a value on either side the trend is {@code unknown}.
 */
public enum TrendRule {
    /** Deployments per day. */
    FREQUENCY(true, 0.10, 0),
    /** A median duration: lead time, time to restore, recovery time, build duration. */
    DURATION(false, 0.10, 0),
    /** A share of deployments: change failure rate, rework rate. */
    RATE(false, 0, 0.05),
    /** The build success rate: a share of builds where, unlike failures, more is better. */
    SUCCESS_RATE(true, 0, 0.05);

    private final boolean higherIsBetter;
    private final double relativeTolerance;
    private final double absoluteTolerance;

    TrendRule(final boolean higherIsBetter, final double relativeTolerance, final double absoluteTolerance) {
        this.higherIsBetter = higherIsBetter;
        this.relativeTolerance = relativeTolerance;
        this.absoluteTolerance = absoluteTolerance;
    }

    /** The trend of {@code week} against {@code weeksBefore}. */
    public TrendWord trend(final Double week, final Double weeksBefore) {
        if (week == null || weeksBefore == null) {
            return TrendWord.unknown;
        }
        final double change = week - weeksBefore;
        final double tolerance = Math.max(absoluteTolerance, relativeTolerance * Math.abs(weeksBefore));
        if (Math.abs(change) <= tolerance) {
            return TrendWord.steady;
        }
        return change > 0 == higherIsBetter ? TrendWord.improving : TrendWord.worsening;
    }
}
