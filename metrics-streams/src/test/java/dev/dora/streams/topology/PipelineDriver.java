package dev.dora.streams.topology;

import dev.dora.events.BuildEvent;
import dev.dora.events.BuildStatus;
import dev.dora.events.ChangeEvent;
import dev.dora.events.DeploymentEvent;
import dev.dora.events.DeploymentStatus;
import dev.dora.events.IncidentEvent;
import dev.dora.events.IncidentStatus;
import dev.dora.facts.DeploymentFact;
import dev.dora.schema.Topics;
import dev.dora.state.DayBucket;
import dev.dora.streams.config.MetricsConfig;
import dev.dora.streams.query.LedgerReader;
import dev.dora.streams.query.LocalStores;
import dev.dora.streams.MetricsPipeline;
import dev.dora.streams.metrics.DayBuckets;
import dev.dora.streams.query.MetricsQuery;
import dev.dora.streams.store.BucketKey;
import dev.dora.streams.store.Scope;
import dev.dora.streams.store.StoreNames;
import dev.dora.streams.query.WindowMetrics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;

/** The whole topology on a TopologyTestDriver, with helpers to build events and read answers. */
public final class PipelineDriver implements AutoCloseable {

    private final TopologyTestDriver driver;
    private final TestInputTopic<String, ChangeEvent> changes;
    private final TestInputTopic<String, DeploymentEvent> deployments;
    private final TestInputTopic<String, IncidentEvent> incidents;
    private final TestInputTopic<String, BuildEvent> builds;
    private final TestOutputTopic<String, DeploymentFact> deploymentFacts;
    private final Map<String, DeploymentFact> latestFacts = new HashMap<>();
    private final Map<String, Integer> publications = new HashMap<>();
    /** Records piped between two runs of the ledger's wall-clock punctuation, which applies held deployments. */
    private int recordsPerPunctuation = 1;
    private int sincePunctuation;

    public PipelineDriver() {
        this(MetricsConfig.defaults("unused:9092", tempDir()));
    }

    public PipelineDriver(final MetricsConfig config) {
        final Properties props = MetricsPipeline.streamsProperties(config);
        driver = new TopologyTestDriver(DoraTopology.build(config), props);
        changes = driver.createInputTopic(Topics.CHANGES.name(), Serdes.String().serializer(),
                Topics.CHANGES.valueSerde().serializer());
        deployments = driver.createInputTopic(Topics.DEPLOYMENTS.name(), Serdes.String().serializer(),
                Topics.DEPLOYMENTS.valueSerde().serializer());
        incidents = driver.createInputTopic(Topics.INCIDENTS.name(), Serdes.String().serializer(),
                Topics.INCIDENTS.valueSerde().serializer());
        builds = driver.createInputTopic(Topics.BUILDS.name(), Serdes.String().serializer(),
                Topics.BUILDS.valueSerde().serializer());
        deploymentFacts = driver.createOutputTopic(Topics.DEPLOYMENT_FACTS.name(), Serdes.String().deserializer(),
                Topics.DEPLOYMENT_FACTS.valueSerde().deserializer());
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "dora-ttd");
        } catch (final java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public PipelineDriver pipe(final SpecificRecord... events) {
        return pipe(Arrays.asList(events));
    }

    /**
     * Runs the ledger's wall-clock punctuation after every {@code records} piped records, and at the end of each
     * {@link #pipe} call, instead of after every record: deployments that arrive after a later one then wait and are
     * applied in batches, as in the running pipeline ({@link LedgerProcessor#LATE_DEPLOYMENTS_EVERY}).
     */
    public PipelineDriver punctuateEvery(final int records) {
        recordsPerPunctuation = records;
        return this;
    }

    public PipelineDriver pipe(final List<? extends SpecificRecord> events) {
        for (final SpecificRecord event : events) {
            pipeOne(event);
            if (++sincePunctuation >= recordsPerPunctuation) {
                punctuate();
            }
        }
        if (sincePunctuation > 0) {
            punctuate();
        }
        return this;
    }

    private void punctuate() {
        driver.advanceWallClockTime(LedgerProcessor.LATE_DEPLOYMENTS_EVERY);
        sincePunctuation = 0;
    }

    private void pipeOne(final SpecificRecord event) {
        if (event instanceof ChangeEvent change) {
            changes.pipeInput(change.getService(), change);
        } else if (event instanceof DeploymentEvent deployment) {
            deployments.pipeInput(deployment.getId(), deployment);
        } else if (event instanceof IncidentEvent incident) {
            incidents.pipeInput(incident.getId(), incident);
        } else if (event instanceof BuildEvent build) {
            builds.pipeInput(build.getId(), build);
        } else {
            throw new IllegalArgumentException("not an event: " + event);
        }
    }

    /** One of the topology's stores, to read or, for a benchmark, to fill directly. */
    public <K, V> KeyValueStore<K, V> store(final String name) {
        return driver.getKeyValueStore(name);
    }

    public LedgerReader ledger() {
        return stores().ledger();
    }

    public MetricsQuery query() {
        return new MetricsQuery(stores());
    }

    /** The driver's stores as the queries read them. */
    public LocalStores stores() {
        return new LocalStores(new LocalStores.Views(driver.getKeyValueStore(StoreNames.DAY_BUCKETS),
                driver.getKeyValueStore(StoreNames.SERVICES), driver.getKeyValueStore(StoreNames.LEDGER_ENTITIES),
                driver.getKeyValueStore(StoreNames.LEDGER_INDEXES),
                driver.getKeyValueStore(StoreNames.DEPLOYMENT_ENTITIES),
                driver.getKeyValueStore(StoreNames.INCIDENT_ENTITIES),
                driver.getKeyValueStore(StoreNames.BUILD_BUCKETS), driver.getKeyValueStore(StoreNames.BUILD_ENTITIES)));
    }

    public WindowMetrics metrics(final String service, final String team, final Instant from, final Instant to) {
        return metrics(service, team, MetricsConfig.PRODUCTION, from, to);
    }

    public WindowMetrics metrics(final String service, final String team, final String environment,
                                 final Instant from, final Instant to) {
        final MetricsQuery query = query();
        return query.metrics(MetricsQuery.scope(service, team), environment, DayBuckets.epochDay(from),
                DayBuckets.epochDay(to));
    }

    /** The production day bucket of {@code service} for the UTC day holding {@code instant}, or null when there is none. */
    public DayBucket dayBucket(final String service, final Instant instant) {
        final KeyValueStore<Bytes, DayBucket> store = driver.getKeyValueStore(StoreNames.DAY_BUCKETS);
        return store.get(BucketKey.of(Scope.service(service), MetricsConfig.PRODUCTION, DayBuckets.epochDay(instant)));
    }

    /** The latest value published on dora.facts.deployments for each deployment id (absent after a tombstone). */
    public Map<String, DeploymentFact> deploymentFacts() {
        deploymentFacts.readKeyValuesToList().forEach(kv -> {
            publications.merge(kv.key, 1, Integer::sum);
            if (kv.value == null) {
                latestFacts.remove(kv.key);
            } else {
                latestFacts.put(kv.key, kv.value);
            }
        });
        return latestFacts;
    }

    /** How many times each deployment's fact (or tombstone) has been published, as of {@link #deploymentFacts}. */
    public Map<String, Integer> publications() {
        deploymentFacts();
        return publications;
    }

    @Override
    public void close() {
        driver.close();
    }

    // ------------------------------------------------------------------ event builders

    public static String sha(final String name) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(name.getBytes(StandardCharsets.UTF_8)));
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static ChangeEvent commit(final String service, final String name, final Instant committedAt,
                                     final String... parents) {
        return ChangeEvent.newBuilder().setId(sha(name)).setService(service).setTeam("team-" + service)
                .setOccurredAt(committedAt).setSha(sha(name))
                .setParents(Arrays.stream(parents).map(PipelineDriver::sha).toList())
                .setCommittedAt(committedAt).build();
    }

    public static DeploymentEvent deploy(final String id, final String service, final String commitName,
                                         final Instant finishedAt) {
        return DeploymentEvent.newBuilder().setId(id).setService(service).setOccurredAt(finishedAt)
                .setEnvironment("production").setStatus(DeploymentStatus.success).setFinishedAt(finishedAt)
                .setSha(commitName == null ? null : sha(commitName)).build();
    }

    public static DeploymentEvent.Builder deployment(final String id, final String service, final String commitName,
                                                     final Instant finishedAt) {
        return DeploymentEvent.newBuilder(deploy(id, service, commitName, finishedAt));
    }

    public static IncidentEvent incident(final String id, final String service, final Instant openedAt,
                                         final Instant resolvedAt) {
        return IncidentEvent.newBuilder().setId(id).setService(service)
                .setOccurredAt(resolvedAt == null ? openedAt : resolvedAt).setEnvironment("production")
                .setStatus(resolvedAt == null ? IncidentStatus.open : IncidentStatus.resolved)
                .setOpenedAt(openedAt).setResolvedAt(resolvedAt).build();
    }

    /**
     * A finished build of pipeline {@code ci} on {@code branch} that took {@code seconds} and finished at
     * {@code finishedAt}; in progress (no finishedAt) when {@code status} is in_progress.
     */
    public static BuildEvent build(final String id, final String service, final String branch,
                                   final BuildStatus status, final Instant finishedAt, final long seconds) {
        final boolean finished = status != BuildStatus.in_progress;
        return BuildEvent.newBuilder().setId(id).setService(service).setTeam("team-" + service)
                .setOccurredAt(finishedAt).setStatus(status).setStartedAt(finishedAt.minusSeconds(seconds))
                .setFinishedAt(finished ? finishedAt : null).setBranch(branch).build();
    }

    public static BuildEvent.Builder buildBuilder(final String id, final String service, final String branch,
                                                  final BuildStatus status, final Instant finishedAt,
                                                  final long seconds) {
        return BuildEvent.newBuilder(build(id, service, branch, status, finishedAt, seconds));
    }

    public static IncidentEvent.Builder incidentBuilder(final String id, final String service, final Instant openedAt,
                                                        final Instant resolvedAt) {
        return IncidentEvent.newBuilder(incident(id, service, openedAt, resolvedAt));
    }
}
