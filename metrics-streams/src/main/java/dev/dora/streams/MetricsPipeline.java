package dev.dora.streams;

import dev.dora.schema.AvroCodec;
import dev.dora.schema.Topic;
import dev.dora.schema.TopicAdmin;
import dev.dora.schema.Topics;
import dev.dora.state.ServiceInfo;
import dev.dora.streams.config.MetricsConfig;
import dev.dora.streams.query.KeptPeriods;
import dev.dora.streams.query.LedgerReader;
import dev.dora.streams.query.LocalStores;
import dev.dora.streams.query.MetricsQuery;
import dev.dora.streams.query.ReportsQuery;
import dev.dora.streams.query.StoreReader;
import dev.dora.streams.store.StoreNames;
import dev.dora.streams.topology.DoraTopology;
import dev.dora.streams.topology.ProcessedOffsets;
import dev.dora.streams.topology.PromptCommits;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running metrics pipeline: creates the topics it needs, runs the topology on Kafka Streams and answers
 * queries from its state stores.
 */
public final class MetricsPipeline implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MetricsPipeline.class);

    private final MetricsConfig config;
    private final KafkaStreams streams;
    private final Admin admin;
    private final StateVersions versions;
    /** Publishes how far the tasks have processed, when history is committed rarely; null otherwise. */
    private final ProcessedOffsetsReport processed;
    /** The last listing of the services ({@link #query()}), kept while the services store has not moved. */
    private volatile Listing listing;
    /** The periods' metrics the series computed, kept at the metrics' version ({@link #metricsVersion()}). */
    private volatile KeptPeriods periods = new KeptPeriods(KeptPeriods.DEFAULT_ENTRIES, this::metricsVersion);
    private volatile StoreReader readThrough;
    private volatile Function<StateVersions.Reads, Optional<?>> readVersions = reads -> Optional.empty();

    private MetricsPipeline(final MetricsConfig config, final KafkaStreams streams, final Admin admin,
                            final StateVersions versions, final ProcessedOffsetsReport processed) {
        this.config = config;
        this.streams = streams;
        this.admin = admin;
        this.versions = versions;
        this.processed = processed;
    }

    public static MetricsPipeline start(final MetricsConfig config) throws InterruptedException {
        return start(config, () -> { });
    }

    /**
     * Creates or checks every topic, then calls {@code topicsReady} (so a caller can start reading its own topics
     * while Kafka Streams opens its stores and joins its group), then starts Kafka Streams.
     */
    public static MetricsPipeline start(final MetricsConfig config, final Runnable topicsReady)
            throws InterruptedException {
        AvroCodec.trustGeneratedClasses();
        final Properties properties = streamsProperties(config);
        final Admin admin = Admin.create(config.kafka().configFor("the pipeline's admin client",
                Map.of(AdminClientConfig.CLIENT_ID_CONFIG, "dora-pipeline-admin")));
        try {
            TopicAdmin.ensureTopics(admin, config.partitions(), config.replicationFactor());
            for (final String loop : DoraTopology.loopTopics(config)) {
                TopicAdmin.ensureTopic(admin, new Topic<>(loop, null, null, Map.of("retention.ms", "-1")),
                        config.partitions(), config.replicationFactor());
            }
        } catch (final RuntimeException | InterruptedException e) {
            admin.close();
            throw e;
        }
        topicsReady.run();
        // kept apart from streamsProperties, which stays free of side effects: this one keeps a file in the state dir
        StaticMembership.properties(config.stateDir()).forEach(properties::putIfAbsent);
        // history committed rarely: the importer paces itself by what is processed, which is then well ahead
        final ProcessedOffsets offsets = PromptCommits.rarely(properties.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG))
                ? new ProcessedOffsets() : null;
        final KafkaStreams streams = new KafkaStreams(DoraTopology.build(config, offsets), properties);
        streams.setUncaughtExceptionHandler(new ThreadFailures(Clock.systemUTC()));
        final StateVersions versions = new StateVersions(streams);
        // state that arrives from a changelog need not move a store's position: these move the versions' epoch
        streams.setGlobalStateRestoreListener(versions.restoreListener());
        streams.setStandbyUpdateListener(versions.standbyListener());
        streams.start();
        final ProcessedOffsetsReport processed = offsets == null ? null : new ProcessedOffsetsReport(offsets::snapshot, admin,
                config.streamsApplicationId(), System::currentTimeMillis);
        if (processed != null) {
            processed.start();
        }
        return new MetricsPipeline(config, streams, admin, versions, processed);
    }

    /**
     * The Kafka Streams configuration: see {@link StreamsProperties}.
     *
     * @throws IllegalArgumentException when {@code --kafka-config} or {@code --streams-config} changes a protected
     *                                  setting, naming it and why
     */
    public static Properties streamsProperties(final MetricsConfig config) {
        return StreamsProperties.of(config);
    }

    public MetricsConfig config() {
        return config;
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    public boolean isRunning() {
        return streams.state() == KafkaStreams.State.RUNNING;
    }

    /**
     * Reads the metrics through {@link #reader()}: the local state stores, or every instance's when a cluster reader
     * was given ({@link #readThrough}); valid while the pipeline is running.
     */
    public MetricsQuery query() {
        final StoreReader reader = reader();
        return new MetricsQuery(reader, () -> services(reader), periods);
    }

    /** The periods' metrics kept for the series, and what they saved. */
    public KeptPeriods keptPeriods() {
        return periods;
    }

    /** Keeps at most {@code maxEntries} periods' metrics for the series from now on ({@link KeptPeriods}; 0: none). */
    public void keepPeriods(final int maxEntries) {
        periods = new KeptPeriods(maxEntries, this::metricsVersion);
    }

    /**
     * Every known service, by name, listed again only when the services store moved since the last listing: a team's
     * scope is resolved from the list, and with a thousand services listing them (each row decoded, then sorted) cost
     * about as much as a team's answer; read through other instances, each of them also sent its part as JSON. The
     * version ({@link #servicesVersion()}: every instance's part when reading through them) is read before the
     * listing, so a write made while it is listed makes the next call list again.
     */
    private List<ServiceInfo> services(final StoreReader reader) {
        final Optional<?> version = servicesVersion();
        final Listing last = listing;
        if (version.isPresent() && last != null && last.version().equals(version.get())) {
            return last.services();
        }
        final List<ServiceInfo> services = MetricsQuery.byName(reader.services());
        version.ifPresent(read -> listing = new Listing(read, services));
        return services;
    }

    /** The services as listed at a version of the services store. */
    private record Listing(Object version, List<ServiceInfo> services) {
    }

    /** Reads the ledgers' facts and delivered changes through {@link #reader()}. */
    public LedgerReader ledger() {
        return reader().ledger();
    }

    /** The latest revision of every published weekly report (a global store: every instance holds them all). */
    public ReportsQuery weeklyReports() {
        return new ReportsQuery(streams.store(StoreQueryParameters.fromNameAndType(StoreNames.WEEKLY_REPORTS,
                QueryableStoreTypes.<String, byte[]>keyValueStore())));
    }

    /** The service a deployment currently belongs to, if the pipeline knows the deployment. */
    public Optional<String> deploymentService(final String id) {
        return reader().deploymentService(id);
    }

    /** The service an incident currently belongs to, if the pipeline knows the incident. */
    public Optional<String> incidentService(final String id) {
        return reader().incidentService(id);
    }

    /** What every query reads: the reader given to {@link #readThrough}, else this instance's stores. */
    public StoreReader reader() {
        final StoreReader given = readThrough;
        return given != null ? given : localStores();
    }

    /**
     * Makes every query of this pipeline ({@link #query()}, {@link #ledger()}, whoever calls them) read through
     * {@code reader}, e.g. one that routes and gathers across the instances of the application, with the versions
     * of what it reads ({@link StateVersions}) as {@code versions} knows them (empty: no answer is reused), e.g. put
     * together from every instance's part.
     */
    public void readThrough(final StoreReader reader, final Function<StateVersions.Reads, Optional<?>> versions) {
        this.readVersions = versions;
        this.readThrough = reader;
    }

    /**
     * What the queries would read now, as a value that changes whenever any of it changes ({@link StateVersions}):
     * through the reader given to {@link #readThrough}, the versions given with it; empty when it cannot be known.
     */
    public Optional<?> stateVersion() {
        return version(StateVersions.Reads.ALL);
    }

    /** {@link #stateVersion()} of only what {@link #query()}'s metrics read: the services and the buckets. */
    public Optional<?> metricsVersion() {
        return version(StateVersions.Reads.METRICS);
    }

    /** {@link #stateVersion()} of only what {@link MetricsQuery#services()} reads. */
    public Optional<?> servicesVersion() {
        return version(StateVersions.Reads.SERVICES);
    }

    private Optional<?> version(final StateVersions.Reads reads) {
        return readThrough != null ? readVersions.apply(reads) : versions.current(reads);
    }

    /**
     * Every partition this instance holds, read as one store per kind (a single instance holds them all), each finding
     * its partitions' stores at its first read and keeping them ({@link StoresResolvedOnce}): ask again for each
     * request.
     */
    public StoreReader localStores() {
        return new LocalStores(new LocalStores.Views(store(StoreNames.DAY_BUCKETS), store(StoreNames.SERVICES),
                store(StoreNames.LEDGER_ENTITIES), store(StoreNames.LEDGER_INDEXES),
                store(StoreNames.DEPLOYMENT_ENTITIES), store(StoreNames.INCIDENT_ENTITIES),
                store(StoreNames.BUILD_BUCKETS), store(StoreNames.BUILD_ENTITIES)));
    }

    /** This instance's active partitions and who holds the others, for reading across instances. */
    public LocalPartitions partitions() {
        return new LocalPartitions(streams, config.partitions(), versions);
    }

    private <K, V> ReadOnlyKeyValueStore<K, V> store(final String name) {
        return streams.store(StoreQueryParameters.fromNameAndType(name, new StoresResolvedOnce<K, V>()));
    }

    /**
     * Records written to the pipeline's input and repartition topics that it has not processed yet. Committed
     * offsets are read before end offsets so that work moving between stages is never missed.
     */
    public long pendingRecords() throws InterruptedException {
        return progress().pending();
    }

    /**
     * How far the pipeline has got: the records of its input, repartition and loop topics it has not processed
     * yet, and how many it has (the sum of its committed offsets), which grows with every step it commits.
     */
    public record Progress(long pending, long processed) {
    }

    /** See {@link Progress}. */
    public Progress progress() throws InterruptedException {
        return PipelineProgress.read(admin, config.streamsApplicationId());
    }

    /**
     * A count that moves whenever any instance of this application commits a change to the state the queries read,
     * including the changes no input offset marks ({@link PipelineProgress#stateWritten}).
     */
    public long stateWritten() throws InterruptedException {
        return PipelineProgress.stateWritten(admin, config.streamsApplicationId());
    }

    /**
     * The records in the dead-letter topic: what the ingest edge refused and what Kafka Streams could not process,
     * since the topic was created (it is never compacted or expired).
     */
    public long deadLetterRecords() throws InterruptedException {
        try {
            final Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            final Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
            final var description = admin.describeTopics(List.of(Topics.DEAD_LETTER.name())).allTopicNames()
                    .get(10, TimeUnit.SECONDS).get(Topics.DEAD_LETTER.name());
            description.partitions().forEach(p -> {
                latest.put(new TopicPartition(description.name(), p.partition()), OffsetSpec.latest());
                earliest.put(new TopicPartition(description.name(), p.partition()), OffsetSpec.earliest());
            });
            final Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
                    admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
            final Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> starts =
                    admin.listOffsets(earliest).all().get(10, TimeUnit.SECONDS);
            long records = 0;
            for (final var entry : ends.entrySet()) {
                records += Math.max(0, entry.getValue().offset() - starts.get(entry.getKey()).offset());
            }
            return records;
        } catch (final ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read the dead-letter topic's offsets from Kafka: " + e.getMessage(),
                    e);
        }
    }

    /**
     * The Kafka Streams client, for binding its metrics (Micrometer's {@code KafkaStreamsMetrics}) only: the pipeline
     * starts, queries and closes it itself.
     */
    public KafkaStreams kafkaStreams() {
        return streams;
    }

    @Override
    public void close() {
        // leave the group so that a restart gets its partitions back at once, not after the session timeout
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
        if (processed != null) {
            processed.close();
        }
        admin.close();
    }
}
