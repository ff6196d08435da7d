package dev.dora.launcher.observability;

import java.time.Duration;

/**
 * How {@code GET /metrics} measures: the rolling window of the DORA gauges and how often one background refresher
 * reads them from the state stores.
 *
 * @param windowDays      the gauges' rolling window in days, ending at the start of tomorrow (UTC), as
 *                        {@code GET /api/v1/metrics?window=Nd} counts it
 * @param refreshInterval how often the gauges and the pipeline's health figures are read again
 */
public record ObservabilitySettings(int windowDays, Duration refreshInterval) {

    /** {@code --prometheus-window}'s default. */
    public static final String DEFAULT_WINDOW = "30d";
    /** The longest window, as the query API allows. */
    public static final int MAX_WINDOW_DAYS = 3_660;
    /** Every few seconds: a scrape never scans the stores, and a refresh costs one pass per scope. */
    public static final Duration DEFAULT_REFRESH = Duration.ofSeconds(5);

    public ObservabilitySettings {
        if (windowDays < 1 || windowDays > MAX_WINDOW_DAYS) {
            throw new IllegalArgumentException("the window must be 1 to " + MAX_WINDOW_DAYS + " days, got " + windowDays);
        }
        if (refreshInterval.isNegative() || refreshInterval.isZero()) {
            throw new IllegalArgumentException("the refresh interval must be positive, got " + refreshInterval);
        }
    }

    /** A 30-day window, refreshed every five seconds. */
    public static ObservabilitySettings defaults() {
        return new ObservabilitySettings(windowDays(DEFAULT_WINDOW), DEFAULT_REFRESH);
    }

    /** These settings with the window given as {@code --prometheus-window} takes it, e.g. {@code 7d}. */
    public ObservabilitySettings withWindow(final String window) {
        return new ObservabilitySettings(windowDays(window), refreshInterval);
    }

    public ObservabilitySettings withRefreshInterval(final Duration interval) {
        return new ObservabilitySettings(windowDays, interval);
    }

    /** The gauges' {@code window} label, e.g. {@code 30d}: the same text {@code GET /api/v1/metrics?window=} takes. */
    public String windowLabel() {
        return windowDays + "d";
    }

    /**
     * Days of a window written as the query API's {@code window} parameter: a whole number of days and {@code d}.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static int windowDays(final String window) {
        final String value = window == null ? "" : window.trim();
        if (value.matches("[1-9][0-9]{0,3}d")) {
            final int days = Integer.parseInt(value.substring(0, value.length() - 1));
            if (days <= MAX_WINDOW_DAYS) {
                return days;
            }
        }
        throw new IllegalArgumentException("must be a number of days like 7d, 30d or 90d, at most " + MAX_WINDOW_DAYS
                + "d (got '" + window + "')");
    }
}
