package dev.dora.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The per-service summary {@code dora demo} prints: one row per service, in human units. */
final class MetricsTable {

    private static final String NONE = "-";
    private static final String[] HEADERS = {
        "SERVICE", "TEAM", "DEPLOYS/DAY", "LEAD TIME", "CHANGE FAILURE", "TIME TO RESTORE", "OPEN INCIDENTS",
        "BUILDS OK", "BUILD TIME", "MAIN FIX"};
    /** What the pipeline-health columns mean, printed under the table. */
    static final String LEGEND = "BUILDS OK: builds that passed, of those that passed or failed; BUILD TIME: their "
            + "median duration;" + System.lineSeparator() + "MAIN FIX: median time from a broken default branch to "
            + "its next green build (docs/METRICS.md#pipeline-health)";

    /** One service's row, already formatted. */
    record Row(String service, String team, String deploysPerDay, String leadTime, String changeFailureRate,
               String timeToRestore, String openIncidents, String buildSuccess, String buildTime,
               String defaultBranchFix) {

        /** Reads a {@code GET /api/v1/metrics} answer; medians and rates may be null. */
        static Row of(final String service, final String team, final JsonNode metrics) {
            final JsonNode frequency = metrics.path("deploymentFrequency");
            final JsonNode failures = metrics.path("changeFailureRate");
            final JsonNode restore = metrics.path("timeToRestore");
            final JsonNode builds = metrics.path("pipelineHealth");
            return new Row(service, team == null ? NONE : team,
                    frequency.path("perDay").isNumber()
                            ? String.format(Locale.ROOT, "%.2f", frequency.path("perDay").asDouble()) : NONE,
                    duration(number(metrics.path("leadTime").path("medianSeconds"))),
                    percent(number(failures.path("rate"))),
                    duration(number(restore.path("medianSeconds"))),
                    restore.path("openIncidents").isNumber() ? Long.toString(restore.path("openIncidents").asLong())
                            : NONE,
                    percent(number(builds.path("successRate"))),
                    duration(number(builds.path("durationMedianSeconds"))),
                    duration(number(builds.path("brokenDefaultBranch").path("medianTimeToFixSeconds"))));
        }

        String[] cells() {
            return new String[] {service, team, deploysPerDay, leadTime, changeFailureRate, timeToRestore,
                openIncidents, buildSuccess, buildTime, defaultBranchFix};
        }
    }

    private MetricsTable() {
    }

    /** The rows as an aligned text table, with a header line; numbers are right-aligned. */
    static String render(final List<Row> rows) {
        final List<String[]> lines = new ArrayList<>();
        lines.add(HEADERS);
        rows.forEach(row -> lines.add(row.cells()));
        final int[] widths = new int[HEADERS.length];
        for (final String[] line : lines) {
            for (int i = 0; i < line.length; i++) {
                widths[i] = Math.max(widths[i], line[i].length());
            }
        }
        final StringBuilder text = new StringBuilder();
        for (final String[] line : lines) {
            final StringBuilder out = new StringBuilder();
            for (int i = 0; i < line.length; i++) {
                if (i > 0) {
                    out.append("  ");
                }
                // service and team read left to right; figures line up on the right
                out.append(i < 2 ? pad(line[i], widths[i], false) : pad(line[i], widths[i], true));
            }
            text.append(out.toString().stripTrailing()).append(System.lineSeparator());
        }
        return text.toString();
    }

    /** Seconds in the unit a person would use: {@code 45 s}, {@code 12 min}, {@code 3.2 h}, {@code 4.1 d}. */
    static String duration(final Double seconds) {
        if (seconds == null) {
            return NONE;
        }
        if (seconds < 60) {
            return String.format(Locale.ROOT, "%.0f s", seconds);
        }
        if (seconds < 3_600) {
            return String.format(Locale.ROOT, "%.0f min", seconds / 60);
        }
        if (seconds < 86_400) {
            return String.format(Locale.ROOT, "%.1f h", seconds / 3_600);
        }
        return String.format(Locale.ROOT, "%.1f d", seconds / 86_400);
    }

    /** A rate in [0, 1] as a percentage with one decimal, e.g. {@code 11.9 %}. */
    static String percent(final Double rate) {
        return rate == null ? NONE : String.format(Locale.ROOT, "%.1f %%", rate * 100);
    }

    private static Double number(final JsonNode node) {
        return node.isNumber() ? node.asDouble() : null;
    }

    private static String pad(final String text, final int width, final boolean right) {
        final String padding = " ".repeat(width - text.length());
        return right ? padding + text : text + padding;
    }
}
