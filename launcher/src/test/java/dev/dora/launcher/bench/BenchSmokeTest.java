package dev.dora.launcher.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dora.launcher.DoraCommand;
import dev.dora.streams.model.MetricsAnswer;
import dev.dora.streams.model.ReferenceModel;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dora bench} on a tiny history, every phase and the profile: the harness produces every figure, checks the
 * answers itself, and the answers it kept after the backfill are the reference model's for the same events. The
 * numbers themselves are not judged here: speed targets live in the harness, not in tests.
 */
@Tag("e2e")
@Timeout(value = 12, unit = TimeUnit.MINUTES)
class BenchSmokeTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final LocalDate END = LocalDate.parse("2026-11-01");
    private static final Set<String> FIGURES = Set.of(
            "startup.seconds", "memory.emptyResidentBytes", "passthrough.recordsPerSecond",
            "backfill.importEventsPerSecond", "backfill.eventsPerSecond", "backfill.percentOfPassThrough",
            "backfill.tenMillionSeconds", "backfill.cpuSecondsPerThousandEvents",
            "backfill.cpuByThreads.streamThreads", "backfill.cpuByThreads.streamsOther",
            "backfill.cpuByThreads.clientNetwork", "backfill.cpuByThreads.logCleaner", "backfill.cpuByThreads.broker",
            "backfill.cpuByThreads.jit", "backfill.cpuByThreads.gc", "backfill.cpuByThreads.doraTasks",
            "backfill.cpuByThreads.other", "backfill.cpuByThreads.nativeAndEnded", "memory.peakResidentBytes",
            "memory.steadyResidentBytes", "memory.residentBytesPerMillionEvents", "disk.kafkaBytes", "disk.stateBytes",
            "disk.bytesPerEvent",
            "queries.service90Days.p50", "queries.service90Days.p99", "queries.team90Days.p50",
            "queries.team90Days.p99", "queries.organisation90Days.p50", "queries.organisation90Days.p99",
            "queries.organisationWeekly.p50", "queries.organisationWeekly.p99", "queries.deploymentPage.p50",
            "queries.deploymentPage.p99",
            "queries.service90DaysCold.p50", "queries.service90DaysCold.p99", "queries.team90DaysCold.p50",
            "queries.team90DaysCold.p99", "queries.organisation90DaysCold.p50", "queries.organisation90DaysCold.p99",
            "queries.organisationWeeklyCold.p50", "queries.organisationWeeklyCold.p99",
            "queries.deploymentPageCold.p50", "queries.deploymentPageCold.p99",
            "queries.httpFloor.p50", "queries.httpFloor.p99",
            "queries.service90Days.doraCpu", "queries.team90Days.doraCpu", "queries.organisation90Days.doraCpu",
            "queries.organisationWeekly.doraCpu", "queries.deploymentPage.doraCpu",
            "queries.service90DaysCold.doraCpu", "queries.team90DaysCold.doraCpu",
            "queries.organisation90DaysCold.doraCpu", "queries.organisationWeeklyCold.doraCpu",
            "queries.deploymentPageCold.doraCpu", "queries.httpFloor.doraCpu",
            "freshness.rest.p50", "freshness.rest.p99", "freshness.backfill.p50", "freshness.backfill.p99",
            "freshness.backfill.eventsPerSecond",
            "restart.cleanSeconds", "restart.killSeconds", "restart.restoreSeconds",
            "restart.restoreTenMillionSeconds");

    @TempDir
    Path dir;

    @Test
    void aTinyRunMeasuresEveryFigureAndKeepsTheReferenceModelsAnswers() throws Exception {
        final Path report = dir.resolve("report.json");
        final Path work = dir.resolve("work");
        final StringWriter output = new StringWriter();
        final PrintWriter out = new PrintWriter(output, true);
        final int code = DoraCommand.newCommandLine().setOut(out).setErr(out).execute("bench",
                "--events", "3000", "--services", "6", "--days", "45", "--seed", "3", "--end", END.toString(),
                "--query-warm-up", "20", "--query-requests", "40", "--query-seconds", "5",
                "--freshness-rate", "50", "--freshness-seconds", "3",
                "--concurrent-events", "1000", "--profile", "--profile-delay", "0", "--profile-seconds", "60",
                // the production logging configuration, as ./dora runs it, instead of the tests' console one
                "--java-opts", "-Xmx512m -Dlog4j2.configurationFile=log4j2.xml",
                "--work-dir", work.toString(), "--keep", "--json", report.toString());
        System.out.print(output);
        assertEquals(0, code, output.toString());
        final JsonNode json = JSON.readTree(report.toFile());

        final Set<String> measured = new TreeSet<>();
        for (final JsonNode figure : json.get("figures")) {
            final String id = figure.get("id").asText();
            measured.add(id);
            assertTrue(figure.get("value").isNumber(), id + " has a value: " + figure);
            assertTrue(figure.get("value").asDouble() >= 0, id + " is not negative: " + figure);
            assertEquals(figure.get("target").isNull(), figure.get("met").isNull(), "a target says whether it is met");
        }
        assertEquals(new TreeSet<>(FIGURES), measured);
        assertTrue(json.get("failures").isEmpty(), json.get("failures").toString());
        assertTrue(json.at("/verification/correct").asBoolean(), json.get("verification").toString());
        assertTrue(json.at("/verification/checked").asLong() >= 6 * 5 + 2 * 4 + 2 * 4,
                "every service (four counts and the team), the team and the organisation (four counts, two windows)");
        assertTrue(json.at("/history/events").asLong() > 2_000);
        assertEquals(20, json.at("/settings/queryWarmUp").asInt(), "the warm-up is part of the report's settings");
        assertTrue(json.at("/profile/samples").asLong() > 0, "the JFR profile was read");
        assertTrue(output.toString().contains("FIGURE"), "one table printed");

        final Instant end = END.atStartOfDay().toInstant(ZoneOffset.UTC);
        final ReferenceModel model = ReferenceModel.defaults().load(
                BenchHistory.generator(3000, 6, 45, end, 3).generate());
        final JsonNode samples = json.at("/verification/samples");
        assertEquals(3, samples.size(), "a service, a team and the organisation were kept whole");
        samples.fields().forEachRemaining(sample -> {
            final Map<String, String> query = parameters(sample.getKey());
            final MetricsAnswer expected = model.metrics(query.get("service"), query.get("team"),
                    Instant.parse(query.get("from") + "T00:00:00Z"), Instant.parse(query.get("to") + "T00:00:00Z"));
            assertMatchesModel(expected, sample.getValue(), sample.getKey());
        });
        assertTrue(model.metrics(null, null, end.minusSeconds(45L * 86_400), end).deployments() > 0);

        assertTrue(Files.size(work.resolve("data/logs/dora.log")) > 0, "dora serve logs into its data directory");
        assertFalse(Files.exists(work.resolve("spill")) && Files.list(work.resolve("spill")).findAny().isPresent(),
                "the generator's spill files are gone");
    }

    private static void assertMatchesModel(final MetricsAnswer expected, final JsonNode actual, final String where) {
        assertEquals(expected.deployments(), actual.at("/deploymentFrequency/deployments").asLong(), where);
        assertEquals(expected.perDay(), actual.at("/deploymentFrequency/perDay").asDouble(), 1e-12, where);
        assertEquals(expected.leadTimeSamples(), actual.at("/leadTime/samples").asLong(), where);
        assertTrue(MetricsAnswer.withinOnePercent(expected.leadTimeMedianSeconds(),
                number(actual, "/leadTime/medianSeconds")), where);
        assertEquals(expected.failed(), actual.at("/changeFailureRate/failed").asLong(), where);
        assertEquals(expected.changeFailureRate(), number(actual, "/changeFailureRate/rate"), where);
        assertEquals(expected.incidents(), actual.at("/timeToRestore/incidents").asLong(), where);
        assertTrue(MetricsAnswer.withinOnePercent(expected.restoreMedianSeconds(),
                number(actual, "/timeToRestore/medianSeconds")), where);
        assertEquals(expected.openIncidents(), actual.at("/timeToRestore/openIncidents").asLong(), where);
        assertEquals(expected.reworkDeployments(), actual.at("/reworkRate/rework").asLong(), where);
        assertEquals(expected.incidentsOpened(), actual.at("/incidents/opened").asLong(), where);
        assertEquals(expected.unattributedIncidents(), actual.at("/dataQuality/incidentsNotAttributed").asLong(),
                where);
    }

    private static Double number(final JsonNode node, final String pointer) {
        final JsonNode value = node.at(pointer);
        return value.isNull() || value.isMissingNode() ? null : value.asDouble();
    }

    private static Map<String, String> parameters(final String pathAndQuery) {
        final Map<String, String> parameters = new HashMap<>();
        for (final String pair : URI.create("http://x" + pathAndQuery).getQuery().split("&")) {
            final int equals = pair.indexOf('=');
            parameters.put(pair.substring(0, equals), pair.substring(equals + 1));
        }
        return parameters;
    }
}
