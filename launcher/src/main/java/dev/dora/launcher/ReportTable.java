package dev.dora.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The weekly reports {@code dora report} prints: one row per scope, each headline figure with its trend. */
final class ReportTable {

    private static final String NONE = "-";
    private static final String[] HEADERS = {
        "SCOPE", "DEPLOYS/DAY", "LEAD TIME", "CHANGE FAILURE", "TIME TO RESTORE", "OPEN", "TIER", "BUILDS OK",
        "BUILD TIME", "RED", "REV"};
    private static final int LEFT_ALIGNED = 1;

    private ReportTable() {
    }

    /** A title naming the week, the rows, and what the trend words compare. */
    static String render(final List<JsonNode> reports) {
        final JsonNode first = reports.get(0);
        final LocalDate start = LocalDate.ofInstant(Instant.parse(first.path("weekStart").asText()), ZoneOffset.UTC);
        final StringBuilder text = new StringBuilder(String.format(Locale.ROOT,
                "Weekly report %s (%s to %s), production%n%n", first.path("week").asText(), start, start.plusDays(6)));
        final List<String[]> lines = new ArrayList<>();
        lines.add(HEADERS);
        reports.forEach(report -> lines.add(row(report)));
        final int[] widths = new int[HEADERS.length];
        for (final String[] line : lines) {
            for (int i = 0; i < line.length; i++) {
                widths[i] = Math.max(widths[i], line[i].length());
            }
        }
        for (final String[] line : lines) {
            final StringBuilder out = new StringBuilder();
            for (int i = 0; i < line.length; i++) {
                final String padding = " ".repeat(widths[i] - line[i].length());
                out.append(i > 0 ? "  " : "").append(i < LEFT_ALIGNED ? line[i] + padding : padding + line[i]);
            }
            text.append(out.toString().stripTrailing()).append(System.lineSeparator());
        }
        return text.append(String.format(Locale.ROOT, "%nTrends compare the week with the 4 weeks before it "
                + "(docs/METRICS.md, \"Weekly reports\"); TIER is the overall DORA level under %s.%n"
                + "BUILDS OK is the build success rate, BUILD TIME the median build duration, RED the pipelines "
                + "whose default branch was broken at the week's end.%n",
                first.path("tiers").path("benchmark").asText())).toString();
    }

    private static String[] row(final JsonNode report) {
        final JsonNode scope = report.path("scope");
        final JsonNode trends = report.path("trends");
        // a report published before pipeline health existed has no pipeline block: its columns say "-"
        final JsonNode pipeline = report.path("pipelineHealth");
        final String kind = scope.path("kind").asText();
        return new String[] {
            kind.equals("organisation") ? "organisation" : kind + " " + scope.path("name").asText(),
            trended(number(report.path("deploymentFrequency").path("perDay"), "%.2f"),
                    trends.path("deploymentFrequency")),
            trended(MetricsTable.duration(value(report.path("leadTime").path("medianSeconds"))),
                    trends.path("leadTime")),
            trended(MetricsTable.percent(value(report.path("changeFailureRate").path("rate"))),
                    trends.path("changeFailureRate")),
            trended(MetricsTable.duration(value(report.path("timeToRestore").path("medianSeconds"))),
                    trends.path("timeToRestore")),
            Long.toString(report.path("timeToRestore").path("openIncidents").asLong()),
            report.path("tiers").path("overall").isTextual() ? report.path("tiers").path("overall").asText() : NONE,
            trended(MetricsTable.percent(value(pipeline.path("successRate"))), trends.path("buildSuccessRate")),
            trended(MetricsTable.duration(value(pipeline.path("durationMedianSeconds"))), trends.path("buildDuration")),
            pipeline.path("brokenDefaultBranch").path("openNow").isNumber()
                    ? Long.toString(pipeline.path("brokenDefaultBranch").path("openNow").asLong()) : NONE,
            Integer.toString(report.path("revision").asInt())};
    }

    /** The value and its trend word, e.g. {@code 0.80 (improving)}; nothing said of an unknown trend. */
    private static String trended(final String value, final JsonNode trend) {
        final String word = trend.path("trend").asText("unknown");
        return word.equals("unknown") ? value : value + " (" + word + ")";
    }

    private static String number(final JsonNode node, final String format) {
        return node.isNumber() ? String.format(Locale.ROOT, format, node.asDouble()) : NONE;
    }

    private static Double value(final JsonNode node) {
        return node.isNumber() ? node.asDouble() : null;
    }
}
