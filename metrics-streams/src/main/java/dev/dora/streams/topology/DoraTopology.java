package dev.dora.streams.topology;

import dev.dora.events.DeploymentEvent;
import dev.dora.facts.DeploymentFact;
import dev.dora.facts.IncidentFact;
import dev.dora.schema.AvroSerdes;
import dev.dora.schema.Topics;
import dev.dora.state.Attribution;
import dev.dora.state.BuildBucket;
import dev.dora.state.CauseClaim;
import dev.dora.state.DayBucket;
import dev.dora.state.EntityType;
import dev.dora.state.ServiceInfo;
import dev.dora.streams.config.MetricsConfig;
import dev.dora.streams.store.StoreNames;
import dev.dora.streams.store.WriteBackStore;
import dev.dora.streams.store.WriteBackStoreBuilder;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * The metrics topology, built from configuration alone so tests can build it without a cluster.
 *
 * <pre>
 * dora.events.deployments, cause-claims ─ resolve-deployments ─┐
 * dora.events.incidents ─── resolve-incidents ───┤
 * dora.events.builds ────── resolve-builds ──────┴─ ledger-entities (repartition, by service) ─┐
 * dora.events.changes, attributions (by service) ─────────────────────────────────────────────┴─ ledger
 *     ledger ─ dora.facts.deployments, dora.facts.incidents, cause-claims (by deployment id),
 *              attributions (by incident service, read back with the changes)
 * </pre>
 * The ledger keeps each service's entities, the day buckets and the services in state stores that the query
 * API reads.
 */
public final class DoraTopology {

    /** Name of the one repartition topic: {@code <application.id>-ledger-entities-repartition}. */
    public static final String LEDGER_REPARTITION = "ledger-entities";
    /** The cause-claims loop topic's name after the application id. */
    public static final String CAUSE_CLAIMS_SUFFIX = "-cause-claims";
    /** The attributions loop topic's name after the application id. */
    public static final String ATTRIBUTIONS_SUFFIX = "-attributions";

    private DoraTopology() {
    }

    public static Topology build(final MetricsConfig config) {
        return build(config, null);
    }

    /**
     * The topology, whose tasks keep how far they processed their partitions in {@code offsets} (null for nowhere),
     * which the pipeline publishes for imports to pace themselves by.
     */
    public static Topology build(final MetricsConfig config, final ProcessedOffsets offsets) {
        final StreamsBuilder builder = new StreamsBuilder();
        final Serde<SpecificRecord> anyRecord = AvroSerdes.any();

        addStore(builder, StoreNames.DEPLOYMENT_ENTITIES, Serdes.String(), anyRecord);
        addStore(builder, StoreNames.DEPLOYMENT_CLAIMS, Serdes.Bytes(), anyRecord);
        addStore(builder, StoreNames.INCIDENT_ENTITIES, Serdes.String(), anyRecord);
        addStore(builder, StoreNames.BUILD_ENTITIES, Serdes.String(), anyRecord);
        addLedgerStore(builder, StoreNames.LEDGER_ENTITIES, anyRecord);
        // no record cache: the ledger reads its indexes by range (a timeline's first, last or next deployment, a
        // prefix's entries), and a cached store answers a range by copying every cached key in it first, which
        // made each such read cost the service's whole cached timeline; RocksDB seeks straight to the entry
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.LEDGER_INDEXES),
                Serdes.Bytes(), Serdes.ByteArray()).withCachingDisabled());
        addLedgerStore(builder, StoreNames.DAY_BUCKETS, AvroSerdes.of(DayBucket.class));
        addLedgerStore(builder, StoreNames.SERVICES, AvroSerdes.of(ServiceInfo.class));
        addLedgerStore(builder, StoreNames.BUILD_BUCKETS, AvroSerdes.of(BuildBucket.class));

        // every instance holds every published weekly report, so any of them answers GET /api/v1/reports/weekly; the
        // values stay encoded as on the topic (LatestReport says why). The global store stays in this topology: taking
        // it out renumbers the subtopologies, and with them the task directories of every installation's state
        builder.addGlobalStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.WEEKLY_REPORTS),
                        Serdes.String(), Serdes.ByteArray()).withLoggingDisabled(),
                Topics.WEEKLY_REPORTS.name(), Consumed.with(Serdes.String(), Serdes.ByteArray())
                        .withName("weekly-reports"),
                LatestReport::new);

        final String claimsTopic = causeClaimsTopic(config);
        final KStream<String, SpecificRecord> deployments = builder
                .stream(List.of(Topics.DEPLOYMENTS.name(), claimsTopic),
                        Consumed.with(Serdes.String(), anyRecord).withName("deployment-events-and-claims"))
                .process(() -> new EntityResolver(StoreNames.DEPLOYMENT_ENTITIES, StoreNames.DEPLOYMENT_CLAIMS,
                                EntityType.deployment, offsets),
                        Named.as("resolve-deployments"), StoreNames.DEPLOYMENT_ENTITIES, StoreNames.DEPLOYMENT_CLAIMS);
        final KStream<String, SpecificRecord> incidents = builder
                .stream(Topics.INCIDENTS.name(), Consumed.with(Serdes.String(), anyRecord).withName("incident-events"))
                .process(() -> new EntityResolver(StoreNames.INCIDENT_ENTITIES, null, EntityType.incident, offsets),
                        Named.as("resolve-incidents"), StoreNames.INCIDENT_ENTITIES);
        final KStream<String, SpecificRecord> builds = builder
                .stream(Topics.BUILDS.name(), Consumed.with(Serdes.String(), anyRecord).withName("build-events"))
                .process(() -> new EntityResolver(StoreNames.BUILD_ENTITIES, null, EntityType.build, offsets),
                        Named.as("resolve-builds"), StoreNames.BUILD_ENTITIES);
        final KStream<String, SpecificRecord> entitiesByService = deployments
                .merge(incidents, Named.as("resolved-entities"))
                .merge(builds, Named.as("resolved-entities-and-builds"))
                .repartition(Repartitioned.<String, SpecificRecord>as(LEDGER_REPARTITION)
                        .withKeySerde(Serdes.String())
                        .withValueSerde(anyRecord)
                        .withNumberOfPartitions(config.partitions()));

        final KStream<String, SpecificRecord> changes = builder
                .stream(List.of(Topics.CHANGES.name(), attributionsTopic(config)),
                        Consumed.with(Serdes.String(), anyRecord).withName("change-events-and-attributions"));

        final KStream<String, SpecificRecord> facts = changes
                .merge(entitiesByService, Named.as("ledger-input"))
                .process(() -> new LedgerProcessor(config, offsets), Named.as("ledger"),
                        StoreNames.LEDGER_ENTITIES, StoreNames.LEDGER_INDEXES, StoreNames.DAY_BUCKETS,
                        StoreNames.SERVICES, StoreNames.BUILD_BUCKETS);

        facts.split(Named.as("facts-"))
                .branch((id, fact) -> FactRouting.isDeployment(fact), Branched.withConsumer(s -> s
                        .mapValues(FactRouting::asDeploymentFact, Named.as("deployment-fact-or-tombstone"))
                        .to(Topics.DEPLOYMENT_FACTS.name(), Produced.with(Serdes.String(),
                                AvroSerdes.of(DeploymentFact.class)).withName("deployment-facts-sink")), "deployments"))
                .branch((id, fact) -> FactRouting.isIncident(fact), Branched.withConsumer(s -> s
                        .mapValues(FactRouting::asIncidentFact, Named.as("incident-fact-or-tombstone"))
                        .to(Topics.INCIDENT_FACTS.name(), Produced.with(Serdes.String(),
                                AvroSerdes.of(IncidentFact.class)).withName("incident-facts-sink")), "incidents"))
                .branch((id, fact) -> fact instanceof CauseClaim, Branched.withConsumer(s -> s
                        .to(claimsTopic, Produced.with(Serdes.String(), anyRecord).withName("cause-claims-sink")),
                        "cause-claims"))
                .branch((id, fact) -> fact instanceof Attribution, Branched.withConsumer(s -> s
                        .to(attributionsTopic(config), Produced.with(Serdes.String(), anyRecord)
                                .withName("attributions-sink")), "attributions"))
                .branch((id, fact) -> fact instanceof DeploymentEvent, Branched.withConsumer(s -> s
                        .to(Topics.DEAD_LETTER.name(), Produced.with(Serdes.String(), anyRecord)
                                .withName("ledger-dead-letters-sink")), "dead-letters"))
                .noDefaultBranch();
        return builder.build();
    }

    /** A persistent, cached key-value store with a changelog, named so its changelog topic's name is stable. */
    private static <K, V> void addStore(final StreamsBuilder builder, final String name, final Serde<K> keys,
                                        final Serde<V> values) {
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), keys, values)
                .withCachingEnabled());
    }

    /**
     * A ledger store of decoded values: persistent, changelogged, and with a {@link WriteBackStore} outermost, so a
     * value the ledger changes many times between two commits is encoded and written once per commit.
     *
     * <p>No record cache below the layer: the layer already writes each changed value once per commit, and it
     * writes back in {@code flushCache()}, where a record cache would only have been filled to be flushed at once
     * (a {@code TreeMap} insert per row, whose byte-array keys share long prefixes, then the same put again into
     * RocksDB and the changelog). Without it the puts go straight to the changelogging store, still inside the
     * open transaction, and to RocksDB, whose interactive-query position they move exactly as the cache's did.
     */
    private static <V> void addLedgerStore(final StreamsBuilder builder, final String name, final Serde<V> values) {
        builder.addStateStore(new WriteBackStoreBuilder<>(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(name), Serdes.Bytes(), values).withCachingDisabled()));
    }

    /**
     * The topic carrying {@link CauseClaim}s from incidents' ledgers to the deployments' resolver, keyed by
     * deployment id. It closes a loop, which Kafka Streams' repartition topics cannot, so the pipeline creates
     * it itself, with the event topics' partition count, and keeps it: claims are few.
     */
    public static String causeClaimsTopic(final MetricsConfig config) {
        return config.streamsApplicationId() + CAUSE_CLAIMS_SUFFIX;
    }

    /**
     * The topic carrying {@link Attribution}s from deployments' ledgers back to the ledgers of incidents of other
     * services, keyed by the incident's service like the change events it is read with, and created likewise.
     */
    public static String attributionsTopic(final MetricsConfig config) {
        return config.streamsApplicationId() + ATTRIBUTIONS_SUFFIX;
    }

    /** The internal topics that close loops, which the pipeline creates before it starts. */
    public static List<String> loopTopics(final MetricsConfig config) {
        return loopTopics(config.streamsApplicationId());
    }

    /** The loop topics of the pipeline with this Kafka Streams application id. */
    public static List<String> loopTopics(final String streamsApplicationId) {
        return List.of(streamsApplicationId + CAUSE_CLAIMS_SUFFIX, streamsApplicationId + ATTRIBUTIONS_SUFFIX);
    }
}
