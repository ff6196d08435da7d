package dev.dora.launcher.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dora.streams.model.MetricsAnswer;
import dev.dora.streams.model.ReferenceModel;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Compares what a running dora answers with the independent {@link ReferenceModel}: every service, every team and
 * the whole organisation, over each window. Counts and rates must be equal; medians and p90s within the histograms'
 * 1 %.
 */
public final class ModelCheck {

    private ModelCheck() {
    }

    /**
     * Asserts that every scope's answer over every window is the model's.
     *
     * @return the answers, by query, so that a later run can be compared with them
     */
    public static Map<String, JsonNode> assertMatches(final DoraApi api, final ReferenceModel model,
                                                      final List<LocalDate[]> windows) throws Exception {
        final Map<String, JsonNode> answers = new LinkedHashMap<>();
        for (final LocalDate[] window : windows) {
            for (final String[] scope : scopes(model)) {
                final String query = query(scope, window);
                final JsonNode actual = api.getJson(query);
                assertMatches(model.metrics(scope[0], scope[1], start(window[0]), start(window[1])), actual, query);
                answers.put(query, actual);
            }
        }
        return answers;
    }

    private static List<String[]> scopes(final ReferenceModel model) {
        final List<String[]> scopes = new ArrayList<>();
        scopes.add(new String[] {null, null});
        model.teams().keySet().stream().sorted().forEach(service -> scopes.add(new String[] {service, null}));
        new TreeSet<>(model.teams().values()).forEach(team -> scopes.add(new String[] {null, team}));
        return scopes;
    }

    private static String query(final String[] scope, final LocalDate[] window) {
        final StringBuilder query = new StringBuilder("/api/v1/metrics?from=" + window[0] + "&to=" + window[1]);
        if (scope[0] != null) {
            query.append("&service=").append(URLEncoder.encode(scope[0], StandardCharsets.UTF_8));
        }
        if (scope[1] != null) {
            query.append("&team=").append(URLEncoder.encode(scope[1], StandardCharsets.UTF_8));
        }
        return query.toString();
    }

    private static Instant start(final LocalDate day) {
        return day.atStartOfDay().toInstant(java.time.ZoneOffset.UTC);
    }

    private static void assertMatches(final MetricsAnswer expected, final JsonNode actual, final String where) {
        assertEquals(expected.deployments(), actual.at("/deploymentFrequency/deployments").asLong(), where);
        assertEquals(expected.perDay(), actual.at("/deploymentFrequency/perDay").asDouble(), 1e-12, where);
        assertEquals(expected.leadTimeSamples(), actual.at("/leadTime/samples").asLong(), where);
        assertTrue(MetricsAnswer.withinOnePercent(expected.leadTimeMedianSeconds(),
                number(actual, "/leadTime/medianSeconds")), where);
        assertTrue(MetricsAnswer.withinOnePercent(expected.leadTimeP90Seconds(),
                number(actual, "/leadTime/p90Seconds")), where);
        assertEquals(expected.failed(), actual.at("/changeFailureRate/failed").asLong(), where);
        assertEquals(expected.changeFailureRate(), number(actual, "/changeFailureRate/rate"), where);
        assertEquals(expected.incidents(), actual.at("/timeToRestore/incidents").asLong(), where);
        assertTrue(MetricsAnswer.withinOnePercent(expected.restoreMedianSeconds(),
                number(actual, "/timeToRestore/medianSeconds")), where);
        assertEquals(expected.openIncidents(), actual.at("/timeToRestore/openIncidents").asLong(), where);
        assertEquals(expected.reworkDeployments(), actual.at("/reworkRate/rework").asLong(), where);
        assertEquals(expected.unattributedIncidents(), actual.at("/dataQuality/incidentsNotAttributed").asLong(),
                where);
    }

    private static Double number(final JsonNode node, final String pointer) {
        final JsonNode value = node.at(pointer);
        return value.isNull() || value.isMissingNode() ? null : value.asDouble();
    }
}
