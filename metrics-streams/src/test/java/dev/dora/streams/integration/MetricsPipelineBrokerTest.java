package dev.dora.streams.integration;

import static dev.dora.streams.topology.PipelineDriver.commit;
import static dev.dora.streams.topology.PipelineDriver.deploy;
import static dev.dora.streams.topology.PipelineDriver.incidentBuilder;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dora.events.BuildEvent;
import dev.dora.events.ChangeEvent;
import dev.dora.events.DeploymentEvent;
import dev.dora.events.IncidentEvent;
import dev.dora.schema.AvroSerdes;
import dev.dora.schema.Topics;
import dev.dora.state.ServiceInfo;
import dev.dora.streams.MetricsPipeline;
import dev.dora.streams.PipelineProgress;
import dev.dora.streams.config.MetricsConfig;
import dev.dora.streams.config.StreamsOverrides;
import dev.dora.streams.metrics.DayBuckets;
import dev.dora.streams.query.MetricsQuery;
import dev.dora.streams.query.WindowMetrics;
import dev.dora.streams.store.Scope;
import dev.dora.testkit.TestKafkaCluster;
import dev.dora.testkit.TopicRecords;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The topology on a real broker: exactly-once processing, the repartition hop, progress reporting, restarts. */
@Tag("broker")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
public class MetricsPipelineBrokerTest {

    private static final Instant T0 = Instant.parse("2026-10-01T00:00:00Z");
    private static TestKafkaCluster kafka;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = TestKafkaCluster.start();
    }

    @AfterAll
    static void stopKafka() throws Exception {
        kafka.close();
    }

    public static void produce(final String bootstrap, final List<? extends SpecificRecord> events) throws Exception {
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), AvroSerdes.any().serializer())) {
            for (final SpecificRecord event : events) {
                if (event instanceof ChangeEvent c) {
                    producer.send(new ProducerRecord<>(Topics.CHANGES.name(), c.getService(), c));
                } else if (event instanceof DeploymentEvent d) {
                    producer.send(new ProducerRecord<>(Topics.DEPLOYMENTS.name(), d.getId(), d));
                } else if (event instanceof IncidentEvent i) {
                    producer.send(new ProducerRecord<>(Topics.INCIDENTS.name(), i.getId(), i));
                } else if (event instanceof BuildEvent b) {
                    producer.send(new ProducerRecord<>(Topics.BUILDS.name(), b.getId(), b));
                } else {
                    throw new IllegalArgumentException("not an event type: " + event.getClass().getName());
                }
            }
            producer.flush();
        }
    }

    /** Waits until the pipeline runs with nothing left to process, for long enough that no stage is in between. */
    static void awaitIdle(final MetricsPipeline pipeline) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).during(Duration.ofMillis(400))
                .until(() -> pipeline.isRunning() && pipeline.pendingRecords() == 0);
    }

    @Test
    void aRecordThatCannotBeProcessedGoesToTheDeadLetterTopicAndProcessingGoesOn() throws Exception {
        final Path state = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "dora-dlq");
        final MetricsConfig config = MetricsConfig.defaults(kafka.bootstrapServers(), state)
                .withReplicationFactor((short) 1).withApplicationId("dlq-test");
        try (MetricsPipeline pipeline = MetricsPipeline.start(config);
             KafkaProducer<String, byte[]> raw = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                     new StringSerializer(), new ByteArraySerializer())) {
            raw.send(new ProducerRecord<>(Topics.DEPLOYMENTS.name(), "garbage", "not avro".getBytes())).get();
            // an event topic is a log: a tombstone deletes nothing and is refused, visibly
            raw.send(new ProducerRecord<>(Topics.INCIDENTS.name(), "tombstone", null)).get();
            // keyed by the wrong service: the ledger refuses it rather than splitting a service's state
            raw.send(new ProducerRecord<>(Topics.CHANGES.name(), "elsewhere",
                    Topics.CHANGES.valueSerde().serializer().serialize("t", commit("dlq-shop", "z", T0)))).get();
            produce(kafka.bootstrapServers(), List.of(deploy("dlq-d1", "dlq-shop", null, T0.plusSeconds(60))));
            awaitIdle(pipeline);
            final MetricsQuery query = pipeline.query();
            final long day = DayBuckets.epochDay(T0);
            assertEquals(1, query.metrics(Scope.service("dlq-shop"), MetricsConfig.PRODUCTION, day, day + 1).deploymentFrequency().deployments(),
                    "the good record after the bad ones was processed");
            final Map<String, String> reasons = deadLetterReasons();
            assertTrue(reasons.containsKey("garbage"), reasons.toString());
            assertTrue(reasons.get("elsewhere").contains("keyed by their service"), reasons.toString());
            assertTrue(reasons.get("tombstone").contains("cannot be deleted"), reasons.toString());
        }
    }

    /** The dead letters' reasons by record key. */
    private static Map<String, String> deadLetterReasons() {
        final Map<String, String> reasons = new HashMap<>();
        TopicRecords.read(kafka.bootstrapServers(), Topics.DEAD_LETTER.name(), r -> true).forEach(r -> {
            final var header = r.headers().lastHeader("__streams.errors.message");
            reasons.put(TopicRecords.key(r), header == null ? "" : TopicRecords.text(header.value()));
        });
        return reasons;
    }

    @Test
    void processesEventsReportsProgressAndKeepsStateAcrossRestarts() throws Exception {
        final Path state = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "dora-state");
        final MetricsConfig config = MetricsConfig.defaults(kafka.bootstrapServers(), state).withReplicationFactor((short) 1);
        final List<SpecificRecord> events = List.of(
                commit("shop", "a", T0), commit("shop", "b", T0.plusSeconds(3600), "a"),
                deploy("d1", "shop", "a", T0.plusSeconds(7200)), deploy("d2", "shop", "b", T0.plusSeconds(10_800)),
                incidentBuilder("i1", "shop", T0.plusSeconds(11_000), T0.plusSeconds(12_800))
                        .setCauseDeploymentId("d2").build());
        final long from = DayBuckets.epochDay(T0);
        try (MetricsPipeline pipeline = MetricsPipeline.start(config)) {
            produce(kafka.bootstrapServers(), events);
            awaitIdle(pipeline);
            final MetricsQuery query = pipeline.query();
            final WindowMetrics m = query.metrics(Scope.service("shop"), MetricsConfig.PRODUCTION, from, from + 1);
            assertEquals(2, m.deploymentFrequency().deployments());
            assertEquals(1, m.changeFailureRate().failed());
            assertEquals(1, m.leadTime().samples());
            assertEquals(7200.0, m.leadTime().medianSeconds(), 72);
            assertEquals(1, m.timeToRestore().incidents());
            assertEquals("team-shop", query.service("shop").orElseThrow().getTeam());
        }
        try (MetricsPipeline restarted = MetricsPipeline.start(config)) {
            awaitIdle(restarted);
            final MetricsQuery query = restarted.query();
            assertEquals(2, query.metrics(Scope.service("shop"), MetricsConfig.PRODUCTION, from, from + 1).deploymentFrequency().deployments(),
                    "a restart on the same state keeps every metric");
            produce(kafka.bootstrapServers(), List.of(deploy("d3", "shop", "b", T0.plusSeconds(20_000))));
            awaitIdle(restarted);
            assertEquals(3, restarted.query().metrics(Scope.service("shop"), MetricsConfig.PRODUCTION, from, from + 1).deploymentFrequency().deployments());
            assertEquals(0, restarted.pendingRecords(), "idle means nothing pending");
        }
    }

    /**
     * A deployment older than one already in place is held, then applied by the ledger's punctuation, in a
     * transaction that moves no committed offset: {@link MetricsPipeline#stateWritten()}, which the weekly reports'
     * publisher watches whatever instance applied it, moves all the same. The punctuation may also come before the
     * held deployment's own commit, which shows nothing: such an attempt is made again with another deployment.
     */
    @Test
    void aHeldDeploymentAppliedLaterMovesTheStateWrittenAndNoOffset() throws Exception {
        final Path state = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "dora-held");
        final MetricsConfig config = MetricsConfig.defaults(kafka.bootstrapServers(), state)
                .withReplicationFactor((short) 1).withApplicationId("held-test");
        final long day = DayBuckets.epochDay(T0);
        try (MetricsPipeline pipeline = MetricsPipeline.start(config)) {
            produce(kafka.bootstrapServers(), List.of(commit("held-shop", "h1", T0),
                    deploy("held-new", "held-shop", "h1", T0.plusSeconds(5 * 86_400))));
            awaitIdle(pipeline);
            int applied = 0;
            for (int attempt = 1; attempt <= 5 && applied == 0; attempt++) {
                produce(kafka.bootstrapServers(), List.of(deploy("held-old-" + attempt, "held-shop", "h1",
                        T0.plusSeconds(3600L * attempt))));
                final long expected = 1 + attempt;
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                        .until(() -> pipeline.isRunning() && pipeline.pendingRecords() == 0);
                final MetricsPipeline.Progress progress = pipeline.progress();
                final long written = pipeline.stateWritten();
                if (deployments(pipeline, day) == expected) {
                    continue;
                }
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                        .until(() -> deployments(pipeline, day) == expected);
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                        .until(() -> pipeline.stateWritten() > written);
                assertEquals(progress, pipeline.progress(), "the punctuation's transaction moved no committed offset");
                applied = attempt;
            }
            assertTrue(applied > 0, "in five attempts, a held deployment was applied after its own commit");
        }
    }

    /**
     * History sent in bulk is committed at the commit interval (ten minutes here), so nothing of it is seen before,
     * though its processed offsets are published at once; a live event asks for a commit once processed, at each of
     * its two stages, and is seen at once, with the history its stream thread processed before it.
     */
    @Test
    void historyWaitsForTheCommitIntervalAndALiveEventIsCommittedAtOnce() throws Exception {
        final Path state = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "dora-prompt");
        final MetricsConfig config = MetricsConfig.defaults(kafka.bootstrapServers(), state)
                .withReplicationFactor((short) 1).withApplicationId("prompt-test").withStreamThreads(1)
                .withStreamsOverrides(StreamsOverrides.of(Map.of(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "600000",
                        StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), "600000")));
        final long day = DayBuckets.epochDay(T0);
        try (MetricsPipeline pipeline = MetricsPipeline.start(config);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            produce(kafka.bootstrapServers(), List.of(deploy("prompt-warm-up", "prompt-live", null, T0)));
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> deploymentsOf(pipeline, "prompt-live", day) == 1);
            // the other tests' events, live, are all processed and committed too
            awaitIdle(pipeline);

            // a change goes to the ledger directly: processed, as published for imports to pace themselves by, but
            // not committed, so not seen
            produceHistory(commit("prompt-history", "h1", T0.plusSeconds(60)));
            await().atMost(Duration.ofSeconds(30)).until(() -> PipelineProgress.readProcessed(admin,
                    config.streamsApplicationId()).pending() == 0);
            assertTrue(pipeline.pendingRecords() > 0, "the history's offsets are not committed");
            await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
                    .until(() -> pipeline.query().service("prompt-history").isEmpty());

            produce(kafka.bootstrapServers(), List.of(deploy("prompt-l1", "prompt-live", null, T0.plusSeconds(120))));
            await().atMost(Duration.ofSeconds(30)).until(() -> deploymentsOf(pipeline, "prompt-live", day) == 2);
            await().atMost(Duration.ofSeconds(30)).until(() -> pipeline.query().service("prompt-history").isPresent());
            awaitIdle(pipeline);
        }
    }

    /** Sends a change as an import does: marked as history. */
    private static void produceHistory(final ChangeEvent change) throws Exception {
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), AvroSerdes.any().serializer())) {
            final ProducerRecord<String, SpecificRecord> record = new ProducerRecord<>(Topics.CHANGES.name(),
                    change.getService(), change);
            Topics.markBulk(record.headers());
            producer.send(record).get();
        }
    }

    private static long deploymentsOf(final MetricsPipeline pipeline, final String service, final long day) {
        return pipeline.query().metrics(Scope.service(service), MetricsConfig.PRODUCTION, day, day + 1)
                .deploymentFrequency().deployments();
    }

    private static long deployments(final MetricsPipeline pipeline, final long day) {
        return pipeline.query().metrics(Scope.service("held-shop"), MetricsConfig.PRODUCTION, day, day + 6)
                .deploymentFrequency().deployments();
    }

    /**
     * The services are listed once and the listing kept while the services store does not move: a team's scope is
     * resolved from it. A new service, or a service that changes team, is in the next listing.
     */
    @Test
    void theServicesAreListedAgainOnlyAfterTheyChange() throws Exception {
        final Path state = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "dora-list");
        final MetricsConfig config = MetricsConfig.defaults(kafka.bootstrapServers(), state)
                .withReplicationFactor((short) 1).withApplicationId("listing-test");
        try (MetricsPipeline pipeline = MetricsPipeline.start(config)) {
            produce(kafka.bootstrapServers(), List.of(commit("list-a", "la1", T0)));
            awaitIdle(pipeline);
            final List<ServiceInfo> first = pipeline.query().services();
            assertEquals(List.of("list-a"), listed(first));
            assertSame(first, pipeline.query().services(), "kept while nothing changed");

            produce(kafka.bootstrapServers(), List.of(commit("list-b", "lb1", T0.plusSeconds(60)),
                    ChangeEvent.newBuilder(commit("list-a", "la2", T0.plusSeconds(120), "la1")).setTeam("moved")
                            .build()));
            awaitIdle(pipeline);
            final MetricsQuery query = pipeline.query();
            assertEquals(List.of("list-a", "list-b"), listed(query.services()));
            assertEquals(List.of("list-a"), query.servicesIn(null, "moved"));
            assertEquals(List.of(), query.servicesIn(null, "team-list-a"), "a service belongs to its current team");
        }
    }

    /** This test's services: the event topics also hold the other tests' events, which every pipeline reads. */
    private static List<String> listed(final List<ServiceInfo> services) {
        return services.stream().map(ServiceInfo::getService).filter(name -> name.startsWith("list-")).toList();
    }
}
