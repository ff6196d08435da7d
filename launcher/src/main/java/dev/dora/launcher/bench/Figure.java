package dev.dora.launcher.bench;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One measured figure: what it is, its value and unit, and the target for it if it has one.
 *
 * @param id     stable name in the JSON, e.g. {@code backfill.eventsPerSecond}
 * @param label  what it is, for the table
 * @param value  the measurement; null when it could not be taken
 * @param unit   {@code events/s}, {@code records/s}, {@code %}, {@code ms}, {@code s}, {@code bytes}, {@code B/event},
 *               {@code CPU-s}, {@code count}
 * @param target the target, or null when the issue sets none
 * @param note   how it was measured, when the label cannot say it
 */
public record Figure(String id, String label, Double value, String unit, Target target, String note) {

    /** A target: at least or at most a threshold, in the figure's unit. */
    public record Target(boolean atLeast, double threshold, String text) {

        static Target atLeast(final double threshold, final String text) {
            return new Target(true, threshold, text);
        }

        static Target atMost(final double threshold, final String text) {
            return new Target(false, threshold, text);
        }
    }

    static Figure info(final String id, final String label, final Double value, final String unit, final String note) {
        return new Figure(id, label, value, unit, null, note);
    }

    static Figure targeted(final String id, final String label, final Double value, final String unit,
                           final Target target, final String note) {
        return new Figure(id, label, value, unit, target, note);
    }

    /** Whether the target is met; null without a target or a value. */
    @JsonProperty("met")
    public Boolean met() {
        if (target == null || value == null || value.isNaN()) {
            return null;
        }
        return target.atLeast() ? value >= target.threshold() : value <= target.threshold();
    }

    /** How far off a missed target is: {@code 7 % of it} or {@code 12.3× the limit}; null otherwise. */
    @JsonProperty("shortfall")
    public String shortfall() {
        if (!Boolean.FALSE.equals(met())) {
            return null;
        }
        return target.atLeast() ? String.format("%.1f %% of it", 100 * value / target.threshold())
                : String.format("%.1f× the limit", value / target.threshold());
    }

    /** The value as the table shows it. */
    @JsonProperty("text")
    public String formatted() {
        if (value == null || value.isNaN()) {
            return "n/a";
        }
        final double v = value;
        return switch (unit) {
            case "events/s", "records/s" -> String.format("%,.0f %s", v, unit);
            case "%" -> String.format("%.1f %%", v);
            case "ms" -> v >= 10_000 ? String.format("%.1f s", v / 1000) : v >= 10 ? String.format("%,.0f ms", v)
                    : String.format("%.1f ms", v);
            case "s" -> String.format("%,.1f s", v);
            case "bytes" -> bytes(v);
            case "B/event" -> String.format("%,.0f B/event", v);
            case "CPU-s" -> String.format("%.3f CPU-s", v);
            default -> String.format("%,.0f", v);
        };
    }

    static String bytes(final double v) {
        if (v >= 1L << 30) {
            return String.format("%.2f GiB", v / (1L << 30));
        }
        if (v >= 1L << 20) {
            return String.format("%.1f MiB", v / (1L << 20));
        }
        return String.format("%,.0f KiB", v / 1024);
    }
}
