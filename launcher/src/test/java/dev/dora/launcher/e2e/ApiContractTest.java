package dev.dora.launcher.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.dora.events.DeploymentEvent;
import dev.dora.events.DeploymentStatus;
import dev.dora.events.IncidentEvent;
import dev.dora.events.IncidentStatus;
import dev.dora.streams.model.DeploymentView;
import dev.dora.streams.model.ReferenceModel;
import dev.dora.streams.simulation.BuildHistory;
import dev.dora.streams.simulation.HistoryGenerator;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The query API's answers are a public contract: for a fixed history, every answer (metrics, series, drill-down,
 * services, errors) must equal, byte for byte, the answer recorded in {@code src/test/resources/contract/answers.txt}.
 * A change that only adds fields re-records the file ({@code -Ddora.contract.record=true}) and the diff shows the
 * additions; anything else in the diff is a broken contract.
 */
@Tag("e2e")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ApiContractTest {

    private static final Instant END = Instant.parse("2026-11-01T00:00:00Z");
    private static final Path RECORDED = Path.of("src/test/resources/contract/answers.txt");

    /**
     * A generated history with its CI builds, plus incidents that exercise every attribution rule and every reason
     * for none.
     */
    static List<SpecificRecord> history() {
        final HistoryGenerator generator = HistoryGenerator.builder().seed(7).end(END).days(40).build();
        final List<SpecificRecord> events = new ArrayList<>(BuildHistory.merged(generator.generate(),
                BuildHistory.generate(generator.services(), 7, END, 40)));
        final List<DeploymentEvent> production = events.stream()
                .filter(e -> e instanceof DeploymentEvent d && d.getStatus() == DeploymentStatus.success
                        && d.getEnvironment().startsWith("prod"))
                .map(DeploymentEvent.class::cast).toList();
        final DeploymentEvent named = production.get(production.size() / 2);
        events.add(incident("contract-cross", "edge-proxy", named.getFinishedAt().plusSeconds(120))
                .setCauseDeploymentId(named.getId()).build());
        events.add(incident("contract-unknown-deployment", named.getService(), named.getFinishedAt().plusSeconds(60))
                .setCauseDeploymentId("no-such-deployment").build());
        events.add(incident("contract-unknown-sha", named.getService(), named.getFinishedAt().plusSeconds(90))
                .setCauseSha("0123456789abcdef0123456789abcdef01234567").build());
        events.add(incident("contract-before-any", named.getService(), Instant.parse("2020-01-01T00:00:00Z")).build());
        return events;
    }

    private static IncidentEvent.Builder incident(final String id, final String service, final Instant openedAt) {
        return IncidentEvent.newBuilder().setId(id).setService(service).setOccurredAt(openedAt.plusSeconds(1800))
                .setEnvironment("production").setStatus(IncidentStatus.resolved).setOpenedAt(openedAt)
                .setResolvedAt(openedAt.plusSeconds(1800));
    }

    /** The requests whose answers are pinned; ids are picked from the reference model so they cover every case. */
    static List<String> requests(final ReferenceModel model) {
        final String window = "from=2026-09-22&to=2026-11-01";
        final String service = model.teams().keySet().stream().sorted().findFirst().orElseThrow();
        final String team = model.teams().values().stream().filter(java.util.Objects::nonNull).sorted().findFirst()
                .orElseThrow();
        final List<String> requests = new ArrayList<>(List.of(
                "/api/v1/services",
                "/api/v1/metrics?" + window,
                "/api/v1/metrics?" + window + "&team=" + team,
                "/api/v1/metrics?" + window + "&service=" + service,
                "/api/v1/metrics?" + window + "&service=" + service + "&environment=staging",
                "/api/v1/metrics?" + window + "&benchmark=dora-2019",
                "/api/v1/metrics?window=7d&to=2026-10-20&team=" + team,
                "/api/v1/metrics/series?" + window + "&granularity=week",
                "/api/v1/metrics/series?" + window + "&granularity=month&team=" + team,
                "/api/v1/metrics/series?from=2026-10-20&to=2026-10-27&granularity=day&service=" + service,
                "/api/v1/deployments?" + window + "&service=" + service,
                "/api/v1/deployments?" + window + "&team=" + team + "&limit=5",
                "/api/v1/deployments?" + window + "&service=" + service + "&environment=staging&limit=3",
                // every incident of the history, in the longest window there is (ten years; issue 13)
                "/api/v1/incidents?from=2017-01-01&to=2026-12-31&limit=1000",
                "/api/v1/incidents?" + window + "&service=" + service + "&environment=production",
                "/api/v1/metrics?from=yesterday",
                "/api/v1/metrics?from=2026-10-02&to=2026-10-01",
                "/api/v1/metrics?service=a&team=b",
                "/api/v1/metrics?service=nope",
                "/api/v1/metrics?" + window + "&service=" + service + "&environment=stagin",
                "/api/v1/metrics?benchmark=dora-2025",
                "/api/v1/metrics/series?" + window + "&granularity=hour",
                "/api/v1/deployments?limit=1001",
                "/api/v1/deployments?cursor=garbage",
                "/api/v1/deployments/no-such-deployment",
                "/api/v1/incidents/no-such-incident",
                "/api/v1/deployments?" + window + "&service=" + service + "&format=rows",
                "/api/v1/deployments?" + window + "&team=" + team + "&limit=5&format=rows",
                "/api/v1/deployments?format=table",
                "/api/v1/builds?" + window + "&service=" + service,
                "/api/v1/builds?" + window + "&team=" + team + "&limit=5",
                "/api/v1/builds?limit=1001",
                "/api/v1/builds?cursor=garbage",
                "/api/v1/builds?service=nope"));
        final Set<String> deployments = new LinkedHashSet<>();
        for (final String rule : List.of(ReferenceModel.CAUSE_DEPLOYMENT_ID, ReferenceModel.CAUSE_SHA,
                ReferenceModel.TIME_WINDOW, ReferenceModel.ROLLBACK)) {
            model.deployments().values().stream().filter(v -> rule.equals(v.rule())).map(DeploymentView::id).sorted()
                    .findFirst().ifPresent(deployments::add);
        }
        model.deployments().values().stream().filter(DeploymentView::baseline).map(DeploymentView::id).sorted()
                .findFirst().ifPresent(deployments::add);
        model.deployments().values().stream().filter(v -> !v.failed() && !v.baseline()).map(DeploymentView::id)
                .sorted().findFirst().ifPresent(deployments::add);
        deployments.forEach(id -> requests.add("/api/v1/deployments/" + id));
        final Set<String> incidents = new LinkedHashSet<>(List.of("contract-cross", "contract-unknown-deployment",
                "contract-unknown-sha", "contract-before-any"));
        model.attributedIncidents().stream().sorted().limit(3).forEach(incidents::add);
        incidents.forEach(id -> requests.add("/api/v1/incidents/" + id));
        return requests;
    }

    @Test
    void everyAnswerEqualsTheRecordedOneByteForByte() throws Exception {
        final List<SpecificRecord> events = history();
        final ReferenceModel model = ReferenceModel.defaults().load(events);
        final StringBuilder actual = new StringBuilder();
        try (RunningStack stack = RunningStack.start()) {
            stack.postAll(events, 500);
            stack.awaitCaughtUp();
            for (final String request : requests(model)) {
                final HttpResponse<String> answer = stack.get(request);
                actual.append("### ").append(answer.statusCode()).append(' ').append(request).append('\n')
                        .append(answer.body()).append('\n');
            }
        }
        if (Boolean.getBoolean("dora.contract.record")) {
            Files.createDirectories(RECORDED.getParent());
            Files.writeString(RECORDED, actual, StandardCharsets.UTF_8);
        }
        assertTrue(Files.exists(RECORDED), "no recorded answers: run once with -Ddora.contract.record=true");
        final List<String> expected = Files.readAllLines(RECORDED, StandardCharsets.UTF_8);
        final List<String> got = actual.toString().lines().toList();
        for (int i = 0; i < Math.min(expected.size(), got.size()); i++) {
            if (!expected.get(i).equals(got.get(i))) {
                fail("answer line " + (i + 1) + " differs from the recorded one " + difference(expected.get(i),
                        got.get(i)));
            }
        }
        assertEquals(expected.size(), got.size(), "number of answer lines");
    }

    /** Where two lines first differ, with some context either side, so a long answer's change is readable. */
    private static String difference(final String expected, final String actual) {
        int at = 0;
        while (at < Math.min(expected.length(), actual.length()) && expected.charAt(at) == actual.charAt(at)) {
            at++;
        }
        final int from = Math.max(0, at - 120);
        return "at column " + (at + 1) + ":\n  recorded: …" + expected.substring(from, Math.min(expected.length(), at + 120))
                + "\n  answered: …" + actual.substring(from, Math.min(actual.length(), at + 120));
    }
}
