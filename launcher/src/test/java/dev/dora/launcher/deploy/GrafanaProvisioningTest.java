package dev.dora.launcher.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dora.launcher.observability.DebianTool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Grafana cannot run on the development machines, so the provisioned dashboards are checked for what can be
 * checked without it: unique ids, a grid within 24 columns without overlaps, data sources that are provisioned and
 * of the right type, variables that are defined, PromQL that promtool parses and that names only documented series.
 * The Infinity queries are called against a running stack by {@link GrafanaInfinityQueriesTest}.
 */
@Tag("unit")
class GrafanaProvisioningTest {

    /** Grafana's own variables and Infinity's time macros. */
    private static final Set<String> BUILT_IN = Set.of("__timeFrom", "__timeTo", "__from", "__to", "__interval",
            "__interval_ms", "__rate_interval", "__range", "__range_s", "__range_ms", "__dashboard", "__user", "__org",
            "__name");
    private static final Pattern VARIABLE = Pattern.compile(
            "\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:[:.][^}]*)?}|\\$([A-Za-z_][A-Za-z0-9_]*)|\\[\\[([A-Za-z_][A-Za-z0-9_]*)]]");
    private static final Pattern SERIES = Pattern.compile("\\b(dora_[a-z_]+|kafka_[a-z_]+|jvm_[a-z_]+)\\b");

    @TempDir
    Path temp;

    @Test
    void theDashboardsAndDataSourcesAreProvisioned() {
        final Map<Path, JsonNode> dashboards = Dashboards.all();
        assertEquals(Set.of("dora-overview.json", "dora-deployments.json", "dora-pipeline.json"),
                dashboards.keySet().stream().map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toSet()));
        final Map<String, JsonNode> datasources = Dashboards.datasources();
        assertEquals(Dashboards.PROMETHEUS, datasources.get("dora-prometheus").path("type").asText());
        assertEquals(Dashboards.INFINITY, datasources.get("dora-api").path("type").asText());
        final JsonNode api = datasources.get("dora-api");
        assertTrue(api.path("jsonData").path("allowedHosts").toString().contains(api.path("url").asText()),
                "Infinity is allowed to call its own base URL");
        final JsonNode providers = Repository.yaml(Repository.file("deploy/grafana/provisioning/dashboards/dora.yaml"));
        assertEquals("/etc/grafana/dashboards/dora", providers.at("/providers/0/options/path").asText());
    }

    @Test
    void idsAreUniqueAndTheGridHasNoOverlap() {
        final Set<String> uids = new HashSet<>();
        for (final var entry : Dashboards.all().entrySet()) {
            final JsonNode dashboard = entry.getValue();
            final String name = entry.getKey().getFileName().toString();
            assertTrue(uids.add(dashboard.path("uid").asText()), "dashboard uid " + dashboard.path("uid") + " twice");
            assertFalse(dashboard.path("title").asText().isBlank(), name);
            final Set<Integer> ids = new HashSet<>();
            final List<int[]> boxes = new ArrayList<>();
            for (final JsonNode panel : Dashboards.panels(dashboard)) {
                final String title = name + " '" + panel.path("title").asText() + "'";
                assertTrue(panel.path("id").isInt() && ids.add(panel.get("id").asInt()), "unique id of " + title);
                final JsonNode grid = panel.path("gridPos");
                final int x = grid.path("x").asInt(-1);
                final int y = grid.path("y").asInt(-1);
                final int w = grid.path("w").asInt(0);
                final int h = grid.path("h").asInt(0);
                assertTrue(x >= 0 && y >= 0 && w >= 1 && h >= 1 && x + w <= 24, title + " inside the 24 columns: " + grid);
                for (final int[] other : boxes) {
                    final boolean overlap = x < other[0] + other[2] && other[0] < x + w
                            && y < other[1] + other[3] && other[1] < y + h;
                    assertFalse(overlap, title + " overlaps a panel at " + java.util.Arrays.toString(other));
                }
                boxes.add(new int[] {x, y, w, h});
            }
        }
    }

    @Test
    void everyDataSourceIsProvisionedWithItsType() {
        final Map<String, JsonNode> datasources = Dashboards.datasources();
        for (final var entry : Dashboards.all().entrySet()) {
            for (final JsonNode panel : Dashboards.panels(entry.getValue())) {
                if (panel.has("targets")) {
                    assertNotNull(panel.get("datasource"), "panel '" + panel.path("title").asText() + "' names its source");
                }
            }
            for (final Dashboards.Query query : Dashboards.queries(entry.getValue())) {
                final String where = entry.getKey().getFileName() + " " + query.where();
                assertNotNull(query.datasource(), where);
                final JsonNode provisioned = datasources.get(query.datasource().path("uid").asText());
                assertNotNull(provisioned, where + " uses the unprovisioned data source " + query.datasource());
                assertEquals(provisioned.path("type").asText(), query.datasource().path("type").asText(), where);
            }
        }
    }

    @Test
    void everyVariableUsedIsDefined() {
        for (final var entry : Dashboards.all().entrySet()) {
            final Set<String> defined = new HashSet<>(BUILT_IN);
            entry.getValue().path("templating").path("list").forEach(v -> defined.add(v.path("name").asText()));
            final Set<String> used = new TreeSet<>();
            collect(entry.getValue(), used);
            assertFalse(used.isEmpty(), entry.getKey() + " uses variables");
            for (final String variable : used) {
                assertTrue(defined.contains(variable), entry.getKey().getFileName() + " uses $" + variable
                        + ", which it does not define");
            }
        }
    }

    /** Every variable named in a string of the dashboard, except a variable's current value ($__all). */
    private static void collect(final JsonNode node, final Set<String> used) {
        if (node.isTextual()) {
            final Matcher matcher = VARIABLE.matcher(node.asText());
            while (matcher.find()) {
                for (int group = 1; group <= 3; group++) {
                    if (matcher.group(group) != null) {
                        used.add(matcher.group(group));
                    }
                }
            }
        } else if (node.isObject()) {
            node.fields().forEachRemaining(field -> {
                if (!field.getKey().equals("current")) {
                    collect(field.getValue(), used);
                }
            });
        } else if (node.isArray()) {
            node.forEach(child -> collect(child, used));
        }
    }

    @Test
    void everyPromQlExpressionParsesAndNamesDocumentedSeries() throws Exception {
        final List<String> expressions = new ArrayList<>();
        for (final JsonNode dashboard : Dashboards.all().values()) {
            for (final Dashboards.Query query : Dashboards.queries(dashboard)) {
                if (!Dashboards.PROMETHEUS.equals(query.datasource().path("type").asText())) {
                    continue;
                }
                final String expr = query.query().has("expr") ? query.query().get("expr").asText()
                        : labelValuesSelector(query.query().path("query").asText());
                assertFalse(expr.isBlank(), query.where());
                // what Grafana puts in before Prometheus sees the query
                expressions.add(expr.replace("$__rate_interval", "1m").replace("$__interval", "1m")
                        .replace("${instance}", ".*").replace("$instance", ".*"));
            }
        }
        assertTrue(expressions.size() >= 15, "the dashboards query Prometheus: " + expressions.size());
        final StringBuilder rules = new StringBuilder("groups:\n  - name: dashboards\n    rules:\n");
        for (int i = 0; i < expressions.size(); i++) {
            rules.append("      - record: dashboard_query_").append(i).append("\n        expr: '")
                    .append(expressions.get(i).replace("'", "''")).append("'\n");
        }
        final Path file = temp.resolve("dashboards.rules.yml");
        Files.writeString(file, rules);
        final DebianTool.Result check = DebianTool.PROMTOOL.run(null, "check", "rules", file.toString());
        assertEquals(0, check.exitCode(), "promtool check rules on every PromQL of the dashboards:\n" + check.output()
                + "\n" + rules);

        // every series a panel reads is one the endpoint writes and docs/MONITORING.md documents
        final String documented = Files.readString(Repository.file("docs/MONITORING.md"));
        final Set<String> series = new LinkedHashSet<>();
        expressions.forEach(e -> {
            final Matcher matcher = SERIES.matcher(e);
            while (matcher.find()) {
                series.add(matcher.group(1));
            }
        });
        for (final String name : series) {
            final String family = name.replaceAll("_(sum|count|max|total)$", "");
            assertTrue(documented.contains("`" + name + "`") || documented.contains("`" + family),
                    name + " is read by a dashboard but not documented in docs/MONITORING.md");
        }
    }

    /** The series selector of a {@code label_values(selector, label)} variable query. */
    private static String labelValuesSelector(final String query) {
        final Matcher matcher = Pattern.compile("label_values\\((.*),\\s*[A-Za-z_]+\\s*\\)").matcher(query.trim());
        assertTrue(matcher.matches(), "a label_values query: " + query);
        return matcher.group(1);
    }
}
