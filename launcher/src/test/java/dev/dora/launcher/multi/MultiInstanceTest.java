package dev.dora.launcher.multi;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dora.api.cluster.CallerToken;
import dev.dora.api.cluster.ClusterReader;
import dev.dora.events.BuildEvent;
import dev.dora.events.ChangeEvent;
import dev.dora.events.DeploymentEvent;
import dev.dora.events.DeploymentStatus;
import dev.dora.ingest.CanonicalEvents;
import dev.dora.launcher.http.ApiTokens;
import dev.dora.schema.Topics;
import dev.dora.state.ServiceInfo;
import dev.dora.streams.LocalPartitions;
import dev.dora.streams.model.ReferenceModel;
import dev.dora.streams.simulation.BuildHistory;
import dev.dora.streams.simulation.HistoryGenerator;
import dev.dora.streams.simulation.ServiceProfile;
import dev.dora.streams.store.BucketKey;
import dev.dora.testkit.TestKafkaCluster;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three instances of one application on one real broker, each with its own state directory, behind the HTTP edge
 * with tokens, a generated history loaded through one of them: every endpoint answers byte for byte the same from
 * each instance as a single instance reading all the state itself (an application of its own over the same events),
 * and the organisation's numbers are the reference model's. A read forwarded by another instance is answered from
 * the receiver's own partitions only, never fanned out again, and only through the edge. When one instance stops as
 * a crash would, the others answer 503 with Retry-After until its partitions have moved, then the full numbers: never
 * a partial one.
 */
@Tag("e2e")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class MultiInstanceTest {

    private static final String READ = "read-token-multi-0123456789";
    private static final String INGEST = "ingest-token-multi-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FROM = "2026-09-12";
    private static final String TO = "2026-10-02";
    /** A window holding a whole calendar month, which teams and the organisation answer from their month rows. */
    private static final String MONTH_FROM = "2026-09-01";

    private final HttpClient client = HttpClient.newHttpClient();

    private static ApiTokens tokens() {
        return ApiTokens.parse("tokens:\n"
                + "  - {name: grafana, scope: read, sha256: " + ApiTokens.sha256Hex(READ) + "}\n"
                + "  - {name: ci, scope: ingest, sha256: " + ApiTokens.sha256Hex(INGEST) + "}\n");
    }

    @Test
    void everyInstanceAnswersEveryQueryAsOneAndTheOthersTakeOverWithoutAPartialAnswer() throws Exception {
        final HistoryGenerator generator = HistoryGenerator.builder().seed(7)
                .end(Instant.parse(TO + "T00:00:00Z")).days(20).build();
        final List<SpecificRecord> events = generator.generate();
        final List<BuildEvent> builds = BuildHistory.generate(generator.services(), 7, Instant.parse(TO + "T00:00:00Z"),
                20);
        final ReferenceModel model = ReferenceModel.defaults().load(events).load(builds);
        try (TestKafkaCluster kafka = TestKafkaCluster.start();
             AppInstance single = AppInstance.single(kafka.bootstrapServers(), tokens());
             Instances three = Instances.start(3, () -> AppInstance.clustered(kafka.bootstrapServers(), tokens()))) {
            final AppInstance a = three.get(0);
            final AppInstance b = three.get(1);
            final AppInstance c = three.get(2);
            final long began = System.nanoTime();
            post(b, events);
            produce(kafka.bootstrapServers(), builds);
            for (final AppInstance instance : List.of(a, b, c, single)) {
                awaitCaughtUp(instance);
            }
            awaitEachHoldsActivePartitions(a, List.of(a, b, c));
            System.out.printf("MULTI-MEASURE %d events loaded and processed by every instance: %.1f s%n",
                    events.size(), (System.nanoTime() - began) / 1e9);
            final long asking = System.nanoTime();
            final Map<String, String> expected = answers(single, queries(single));
            System.out.printf("MULTI-MEASURE %d queries of the single instance: %.1f s%n", expected.size(),
                    (System.nanoTime() - asking) / 1e9);
            assertEquals(model.metrics(null, null, Instant.parse(FROM + "T00:00:00Z"),
                    Instant.parse(TO + "T00:00:00Z")).deployments(),
                    JSON.readTree(body(expected.get(metricsOf("", "")))).at("/deploymentFrequency/deployments").asLong(),
                    "the organisation's deployments are the reference model's");
            final JsonNode september = JSON.readTree(body(expected.get("/api/v1/metrics?from=" + MONTH_FROM + "&to="
                    + TO)));
            final var fromSeptember = model.metrics(null, null, Instant.parse(MONTH_FROM + "T00:00:00Z"),
                    Instant.parse(TO + "T00:00:00Z"));
            assertEquals(fromSeptember.deployments(), september.at("/deploymentFrequency/deployments").asLong(),
                    "a window of whole months: the organisation's deployments are the reference model's");
            assertEquals(fromSeptember.leadTimeSamples(), september.at("/leadTime/samples").asLong());
            assertEquals(fromSeptember.openIncidents(), september.at("/timeToRestore/openIncidents").asLong());
            final long runs = model.pipelineHealth(null, null, Instant.parse(FROM + "T00:00:00Z"),
                    Instant.parse(TO + "T00:00:00Z")).total().runs();
            assertTrue(runs > 100, "the history has builds: " + runs);
            assertEquals(runs, JSON.readTree(body(expected.get(metricsOf("", "")))).at("/pipelineHealth/runs").asLong(),
                    "the organisation's builds are the reference model's");
            for (final AppInstance instance : List.of(a, b, c)) {
                final long one = System.nanoTime();
                assertSameAnswers(expected, answers(instance, expected.keySet()), instance.baseUrl());
                System.out.printf("MULTI-MEASURE the same queries of %s: %.1f s, %d requests to other instances "
                        + "so far%n", instance.baseUrl(), (System.nanoTime() - one) / 1e9, instance.peerRequests());
            }

            aForwardedReadIsAnsweredFromOwnPartitionsOnlyAndThroughTheEdge(a);

            final String org = metricsOf("", "");
            final long stopped = System.nanoTime();
            c.stopWithoutLeaving();
            final List<Integer> statuses = new ArrayList<>();
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
                final HttpResponse<String> fromA = get(a, org);
                final HttpResponse<String> fromB = get(b, team(model));
                statuses.add(fromA.statusCode());
                statuses.add(fromB.statusCode());
                assertFullOrUnavailable(fromA, body(expected.get(org)));
                assertFullOrUnavailable(fromB, body(expected.get(team(model))));
                return fromA.statusCode() == 200 && fromB.statusCode() == 200
                        && a.pipeline().partitions().ledgerPartitionsByHost().size() == 2;
            });
            System.out.printf("MULTI-MEASURE instance stopped -> the others answer the full numbers: %.1f s "
                            + "(answers meanwhile: %s)%n", (System.nanoTime() - stopped) / 1e9,
                    statuses.stream().collect(Collectors.groupingBy(s -> s, Collectors.counting())));
            for (final AppInstance instance : List.of(a, b)) {
                assertSameAnswers(expected, answers(instance, expected.keySet()), instance.baseUrl() + " after");
            }

            aCachedAnswerIsGivenAgainOnlyWhileNoInstanceChanged(a, b, single, generator);
            theServicesAreListedAgainOnlyAfterAnInstanceChanged(a, b);
        }
    }

    /**
     * The answer cache across instances: an organisation's answer asked again of A is given again from A's cache; a
     * deployment that lands in a partition only B holds changes B's part of the version, so A computes the answer
     * again, and it is the single instance's.
     */
    private void aCachedAnswerIsGivenAgainOnlyWhileNoInstanceChanged(final AppInstance a, final AppInstance b,
                                                                     final AppInstance single,
                                                                     final HistoryGenerator generator)
            throws Exception {
        final String org = metricsOf("", "");
        final String before = get(a, org).body();
        final long hits = cacheHits(a);
        assertEquals(before, get(a, org).body());
        assertEquals(hits + 1, cacheHits(a), "the same question, nothing changed anywhere: given again");
        final String service = generator.services().stream().map(ServiceProfile::name)
                .filter(name -> b.baseUrl().endsWith(":" + a.pipeline().partitions()
                        .owner(LocalPartitions.Keyed.SERVICE, name).orElseThrow().activeHost().port()))
                .findFirst().orElseThrow(() -> new AssertionError("B holds some service's partition"));
        final Instant at = Instant.parse(FROM + "T12:00:00Z");
        final DeploymentEvent deployment = DeploymentEvent.newBuilder().setId("cache-check-1").setService(service)
                .setSource("github-actions").setEnvironment("production").setStatus(DeploymentStatus.success)
                .setSha("c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00").setStartedAt(at).setFinishedAt(at.plusSeconds(60))
                .setOccurredAt(at.plusSeconds(60)).build();
        post(a, List.of(deployment));
        for (final AppInstance instance : List.of(a, b, single)) {
            awaitCaughtUp(instance);
        }
        final long computing = System.nanoTime();
        final String after = get(a, org).body();
        final long computed = System.nanoTime() - computing;
        final long hitting = System.nanoTime();
        assertEquals(after, get(a, org).body());
        System.out.printf("MULTI-MEASURE the organisation's answer across instances: computed %.1f ms, given again"
                + " %.1f ms%n", computed / 1e6, (System.nanoTime() - hitting) / 1e6);
        assertEquals(get(single, org).body(), after, "computed again across the instances, with B's new deployment");
        assertEquals(JSON.readTree(before).at("/deploymentFrequency/deployments").asLong() + 1,
                JSON.readTree(after).at("/deploymentFrequency/deployments").asLong(), after);
    }

    /**
     * The services read across instances are listed once and the listing kept while no instance's services store
     * moved; a new service in a partition only B holds is in A's next listing.
     */
    private void theServicesAreListedAgainOnlyAfterAnInstanceChanged(final AppInstance a, final AppInstance b)
            throws Exception {
        // read here, not through a route: the reads forwarded to B carry the token a route would have set
        CallerToken.set("Bearer " + READ);
        try {
            listedAgainOnlyAfterAnInstanceChanged(a, b);
        } finally {
            CallerToken.clear();
        }
    }

    private void listedAgainOnlyAfterAnInstanceChanged(final AppInstance a, final AppInstance b) throws Exception {
        final List<ServiceInfo> listed = a.pipeline().query().services();
        assertSame(listed, a.pipeline().query().services(), "kept while no instance changed");
        final String service = IntStream.range(0, 1_000).mapToObj(i -> "listing-check-" + i)
                .filter(name -> b.baseUrl().endsWith(":" + a.pipeline().partitions()
                        .owner(LocalPartitions.Keyed.SERVICE, name).orElseThrow().activeHost().port()))
                .findFirst().orElseThrow(() -> new AssertionError("B holds some partition"));
        final Instant at = Instant.parse(FROM + "T13:00:00Z");
        final String sha = "1157ed00c0ffee00c0ffee00c0ffee00c0ffee00";
        post(a, List.of(ChangeEvent.newBuilder().setId(sha).setService(service).setTeam("listing")
                .setOccurredAt(at).setSha(sha).setParents(List.of()).setCommittedAt(at).build()));
        for (final AppInstance instance : List.of(a, b)) {
            awaitCaughtUp(instance);
        }
        final List<ServiceInfo> relisted = a.pipeline().query().services();
        assertNotSame(listed, relisted, "listed again after B's services store moved");
        assertEquals(listed.size() + 1, relisted.size(), relisted.toString());
        assertTrue(relisted.stream().anyMatch(info -> info.getService().equals(service)), relisted.toString());
        assertSame(relisted, a.pipeline().query().services(), "and kept again");
    }

    private long cacheHits(final AppInstance instance) throws Exception {
        return JSON.readTree(get(instance, "/api/v1/health").body()).at("/queryCache/hits").asLong();
    }

    /** Every answer while the partitions move is the full one, or 503 with Retry-After. */
    private static void assertFullOrUnavailable(final HttpResponse<String> response, final String full) {
        if (response.statusCode() == 503) {
            assertTrue(response.headers().firstValue("Retry-After").isPresent(), "503 with Retry-After");
            return;
        }
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(full, response.body(), "a full answer, never a partial one");
    }

    private void aForwardedReadIsAnsweredFromOwnPartitionsOnlyAndThroughTheEdge(final AppInstance a)
            throws Exception {
        final Set<Integer> own = a.pipeline().partitions().ledgerPartitionsByHost()
                .get(ClusterReader.hostOf(URI.create(a.baseUrl())));
        final String internal = "/api/v1/internal/gather/buckets?partitions=0,1,2&kind=ORGANISATION&name="
                + "&group=production&from=0&last=" + BucketKey.LIFETIME;
        final long sentBefore = a.peerRequests();
        final HttpResponse<String> forwarded = client.send(request(a, internal)
                .header("X-Dora-Internal", "test").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, forwarded.statusCode(), forwarded.body());
        final JsonNode answer = JSON.readTree(forwarded.body());
        final Set<Integer> answered = new TreeSet<>();
        answer.get("answered").fieldNames().forEachRemaining(p -> answered.add(Integer.parseInt(p)));
        final Set<Integer> failed = new TreeSet<>();
        answer.get("failed").fieldNames().forEachRemaining(p -> failed.add(Integer.parseInt(p)));
        assertEquals(own, answered, "only the receiver's own active partitions answer");
        assertEquals(Set.of(0, 1, 2).stream().filter(p -> !own.contains(p)).collect(Collectors.toSet()), failed,
                "the others are reported as not answered: " + answer.get("failed"));
        assertEquals(sentBefore, a.peerRequests(), "a forwarded read asks no other instance");

        assertEquals(400, client.send(request(a, internal).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode(), "the internal routes answer instances only");
        assertEquals(401, client.send(HttpRequest.newBuilder(URI.create(a.baseUrl() + internal))
                .header("X-Dora-Internal", "test").build(), HttpResponse.BodyHandlers.ofString()).statusCode(),
                "the internal routes are behind the edge: no token, no answer");
        assertEquals(400, client.send(request(a, metricsOf("", "")).header("X-Dora-Internal", "test").build(),
                HttpResponse.BodyHandlers.ofString()).statusCode(), "a forwarded request cannot fan out again");
    }

    /** Every query of the comparison: each scope's metrics and series, lists page by page, each item. */
    private List<String> queries(final AppInstance reference) throws Exception {
        final List<String> queries = new ArrayList<>();
        queries.add("/api/v1/services");
        final JsonNode services = JSON.readTree(get(reference, "/api/v1/services").body()).get("services");
        final Set<String> teams = new TreeSet<>();
        final List<String[]> scopes = new ArrayList<>();
        scopes.add(new String[] {"", ""});
        for (final JsonNode service : services) {
            scopes.add(new String[] {"&service=" + encode(service.get("service").asText()), ""});
            if (!service.get("team").isNull()) {
                teams.add(service.get("team").asText());
            }
            for (final JsonNode environment : service.get("environments")) {
                queries.add(metricsOf("&service=" + encode(service.get("service").asText()), "")
                        + "&environment=" + encode(environment.asText()));
            }
        }
        teams.forEach(team -> scopes.add(new String[] {"", "&team=" + encode(team)}));
        queries.add("/api/v1/metrics?service=no-such-service");
        for (final String[] scope : scopes) {
            queries.add(metricsOf(scope[0], scope[1]));
            queries.add("/api/v1/metrics/series?granularity=week&from=" + FROM + "&to=" + TO + scope[0] + scope[1]);
            queries.add("/api/v1/metrics?window=7d&to=" + TO + scope[0] + scope[1]);
            queries.add("/api/v1/metrics?from=" + MONTH_FROM + "&to=" + TO + scope[0] + scope[1]);
            queries.addAll(pages(reference, "/api/v1/deployments?limit=9&from=" + FROM + "&to=" + TO + scope[0]
                    + scope[1], "deployments"));
            queries.addAll(pages(reference, "/api/v1/deployments?format=rows&limit=50&from=" + FROM + "&to=" + TO
                    + scope[0] + scope[1], "rows"));
            queries.addAll(pages(reference, "/api/v1/incidents?limit=7&from=" + FROM + "&to=" + TO + scope[0]
                    + scope[1], "incidents"));
            queries.addAll(pages(reference, "/api/v1/builds?limit=100&from=" + FROM + "&to=" + TO + scope[0]
                    + scope[1], "builds"));
        }
        final JsonNode deployments = JSON.readTree(get(reference, "/api/v1/deployments?limit=1000&from=" + FROM
                + "&to=" + TO).body()).get("deployments");
        // every fifth deployment and every incident: each read of one is routed like the others
        for (int i = 0; i < deployments.size(); i += 5) {
            queries.add("/api/v1/deployments/" + encode(deployments.get(i).get("id").asText()));
        }
        final JsonNode incidents = JSON.readTree(get(reference, "/api/v1/incidents?limit=1000&from=" + FROM
                + "&to=" + TO).body()).get("incidents");
        incidents.forEach(i -> queries.add("/api/v1/incidents/" + encode(i.get("id").asText())));
        queries.add("/api/v1/deployments/no-such-deployment");
        assertTrue(deployments.size() > 20 && incidents.size() > 2, "the history has deployments and incidents");
        return queries;
    }

    /** The query and every following page, by the cursors the reference gives. */
    private List<String> pages(final AppInstance reference, final String first, final String items)
            throws Exception {
        final List<String> pages = new ArrayList<>();
        String query = first;
        while (query != null && pages.size() < 200) {
            pages.add(query);
            final JsonNode page = JSON.readTree(get(reference, query).body());
            assertTrue(page.has(items), query + " answers " + items);
            query = page.get("next").isNull() ? null : first + "&cursor=" + encode(page.get("next").asText());
        }
        return pages;
    }

    private Map<String, String> answers(final AppInstance instance, final Iterable<String> queries)
            throws Exception {
        final Map<String, String> answers = new LinkedHashMap<>();
        for (final String query : queries) {
            final HttpResponse<String> response = get(instance, query);
            answers.put(query, response.statusCode() + " " + response.body());
        }
        return answers;
    }

    private static void assertSameAnswers(final Map<String, String> expected, final Map<String, String> actual,
                                          final String where) {
        expected.forEach((query, answer) -> assertEquals(answer, actual.get(query), where + " " + query));
        assertTrue(expected.values().stream().filter(a -> a.startsWith("200 ")).count() > 100,
                "most queries answer 200: " + expected.size());
    }

    /** The body of an answer as {@link #answers} keeps it ("STATUS BODY"). */
    private static String body(final String answer) {
        assertTrue(answer.startsWith("200 "), answer.substring(0, Math.min(200, answer.length())));
        return answer.substring(4);
    }

    private static String metricsOf(final String service, final String team) {
        return "/api/v1/metrics?from=" + FROM + "&to=" + TO + service + team;
    }

    private static String team(final ReferenceModel model) {
        return metricsOf("", "&team=" + encode(new TreeSet<>(model.teams().values()).first()));
    }

    private static String encode(final String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private void post(final AppInstance instance, final List<SpecificRecord> events) throws Exception {
        for (int i = 0; i < events.size(); i += 500) {
            final String body = events.subList(i, Math.min(events.size(), i + 500)).stream()
                    .map(e -> CanonicalEvents.toJson(e).toString()).collect(Collectors.joining("\n"));
            final HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                    URI.create(instance.baseUrl() + "/api/v1/events")).header("Authorization", "Bearer " + INGEST)
                    .header("Content-Type", "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(202, response.statusCode(), response.body());
        }
    }

    /**
     * The builds go straight to their topic, as a connector's producer would send them: this test is about reading
     * them across instances, not about the ingest edge.
     */
    private static void produce(final String bootstrap, final List<BuildEvent> builds) {
        try (KafkaProducer<String, BuildEvent> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                Topics.BUILDS.keySerde().serializer(), Topics.BUILDS.valueSerde().serializer())) {
            builds.forEach(build -> producer.send(new ProducerRecord<>(Topics.BUILDS.name(), build.getId(), build)));
            producer.flush();
        }
    }

    private void awaitCaughtUp(final AppInstance instance) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).during(Duration.ofMillis(500))
                .until(() -> {
                    final HttpResponse<String> health = get(instance, "/api/v1/health");
                    return health.statusCode() == 200
                            && JSON.readTree(health.body()).get("pendingRecords").asLong(-1) == 0;
                });
    }

    /** Waits until the assignment has settled: each instance actively holds some partition, all three covered. */
    private static void awaitEachHoldsActivePartitions(final AppInstance any, final List<AppInstance> all) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> {
            final LocalPartitions partitions = any.pipeline().partitions();
            final Map<org.apache.kafka.streams.state.HostInfo, Set<Integer>> byHost =
                    partitions.ledgerPartitionsByHost();
            return byHost.size() == all.size()
                    && byHost.values().stream().mapToInt(Set::size).sum() == partitions.partitions();
        });
        assertFalse(all.isEmpty());
    }

    private HttpRequest.Builder request(final AppInstance instance, final String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create(instance.baseUrl() + pathAndQuery))
                .header("Authorization", "Bearer " + READ);
    }

    private HttpResponse<String> get(final AppInstance instance, final String pathAndQuery) throws Exception {
        return client.send(request(instance, pathAndQuery).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
