package dev.dora.streams;

import dev.dora.schema.Topics;
import dev.dora.state.BuildBucket;
import dev.dora.state.DayBucket;
import dev.dora.state.ServiceInfo;
import dev.dora.streams.metrics.BuildBuckets;
import dev.dora.streams.query.BucketRow;
import dev.dora.streams.query.BuildRow;
import dev.dora.streams.query.LocalStores;
import dev.dora.streams.query.StoreReader;
import dev.dora.streams.store.BucketKey;
import dev.dora.streams.store.Span;
import dev.dora.streams.store.Scope;
import dev.dora.streams.store.StoreNames;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * This instance's part of the application's state when several instances share it ({@code application.server}
 * set): which instance holds each partition as its active copy, and reads of this instance's active partitions named
 * one by one, each answer saying which partition it comes from. A standby copy is never read, so a partition's rows
 * are never counted twice; a partition this instance does not hold actively (any more) is reported as not answered,
 * never silently left out.
 *
 * <p>The gathered reads (a scope's day buckets, the services) use interactive queries v2 with
 * {@code requireActive()} and explicit partitions. They read each partition's store as of its last commit (range
 * queries bypass Kafka Streams' record cache, which is flushed at every commit, at most 100 ms apart). The reads of
 * one key use a store view pinned to the key's partition, which also serves active tasks only.
 */
public final class LocalPartitions {

    /** What several partitions answered: each one that did, and why each other did not. */
    public record Answers<T>(Map<Integer, T> answered, Map<Integer, String> failed) {
    }

    /** The stores read by one key, each with the topic whose partitions are its partitions. */
    public enum Keyed {
        /** The ledgers' stores, by service. */
        SERVICE(StoreNames.LEDGER_ENTITIES, Topics.CHANGES.name()),
        /** The winning event of each deployment, by id. */
        DEPLOYMENT(StoreNames.DEPLOYMENT_ENTITIES, Topics.DEPLOYMENTS.name()),
        /** The winning event of each incident, by id. */
        INCIDENT(StoreNames.INCIDENT_ENTITIES, Topics.INCIDENTS.name()),
        /** The winning event of each build, by id. */
        BUILD(StoreNames.BUILD_ENTITIES, Topics.BUILDS.name());

        private final String store;
        private final String topic;

        Keyed(final String store, final String topic) {
            this.store = store;
            this.topic = topic;
        }
    }

    private static final StringSerializer KEYS = new StringSerializer();

    private final KafkaStreams streams;
    private final int partitions;
    private final StateVersions versions;

    LocalPartitions(final KafkaStreams streams, final int partitions, final StateVersions versions) {
        this.streams = streams;
        this.partitions = partitions;
        this.versions = versions;
    }

    /**
     * This instance's part of the version of what {@code reads} names across the instances
     * ({@link StateVersions#ofEveryLayer}); empty while any of its active partitions is not readable.
     */
    public Optional<StateVersions.Version> version(final StateVersions.Reads reads) {
        return versions.ofEveryLayer(reads);
    }

    /** This process among the instances, for as long as it runs ({@link StateVersions#instance()}). */
    public String instance() {
        return versions.instance();
    }

    /** Every instance of the application, by its {@code application.server}, as this one knows them now. */
    public Set<HostInfo> instances() {
        final Set<HostInfo> all = new HashSet<>();
        for (final StreamsMetadata instance : streams.metadataForAllStreamsClients()) {
            all.add(instance.hostInfo());
        }
        return all;
    }

    /** How many partitions every store has. */
    public int partitions() {
        return partitions;
    }

    /** The partition of {@code key} and the instance holding it actively; empty while that is not known (a rebalance). */
    public Optional<KeyQueryMetadata> owner(final Keyed kind, final String key) {
        final KeyQueryMetadata metadata = streams.queryMetadataForKey(kind.store, key, KEYS);
        return metadata == null || KeyQueryMetadata.NOT_AVAILABLE.equals(metadata)
                || metadata.activeHost() == null || metadata.activeHost().port() < 0
                ? Optional.empty() : Optional.of(metadata);
    }

    /** The partitions of the ledgers' stores each instance holds actively, by its {@code application.server}. */
    public Map<HostInfo, Set<Integer>> ledgerPartitionsByHost() {
        final Map<HostInfo, Set<Integer>> byHost = new HashMap<>();
        for (final StreamsMetadata instance : streams.metadataForAllStreamsClients()) {
            final Set<Integer> held = new TreeSet<>();
            for (final TopicPartition partition : instance.topicPartitions()) {
                if (partition.topic().equals(Keyed.SERVICE.topic)) {
                    held.add(partition.partition());
                }
            }
            if (!held.isEmpty()) {
                byHost.computeIfAbsent(instance.hostInfo(), h -> new TreeSet<>()).addAll(held);
            }
        }
        return byHost;
    }

    /**
     * The rows of {@code span} of {@code scope} in {@code group} with first day in [fromDay, lastDay] of each of the
     * given partitions.
     */
    public Answers<List<BucketRow>> buckets(final Scope scope, final Span span, final String group,
                                           final long fromDay, final long lastDay, final Set<Integer> asked) {
        return gather(StoreNames.DAY_BUCKETS, BucketKey.of(scope, span, group, fromDay),
                BucketKey.of(scope, span, group, lastDay), asked,
                (KeyValue<Bytes, DayBucket> kv) -> new BucketRow(BucketKey.day(kv.key), kv.value));
    }

    /** The build rows of {@code scope} with day in [fromDay, lastDay] of each of the given partitions. */
    public Answers<List<BuildRow>> buildBuckets(final Scope scope, final long fromDay, final long lastDay,
                                               final Set<Integer> asked) {
        return gather(StoreNames.BUILD_BUCKETS, BucketKey.of(scope, BuildBuckets.GROUP, fromDay),
                BucketKey.of(scope, BuildBuckets.GROUP, lastDay), asked,
                (KeyValue<Bytes, BuildBucket> kv) -> new BuildRow(BucketKey.day(kv.key), kv.value));
    }

    /** The services of each of the given partitions. */
    public Answers<List<ServiceInfo>> services(final Set<Integer> asked) {
        return gather(StoreNames.SERVICES, null, null, asked, (KeyValue<Bytes, ServiceInfo> kv) -> kv.value);
    }

    /**
     * The entries in [from, to] (every entry when both are null) of each of the given partitions, read through the
     * store of each partition (interactive queries v1): an interactive query v2 would read RocksDB under the
     * position's lock, which can deadlock with the stream thread's writes (see {@link PositionQuery}).
     */
    private <V, T> Answers<List<T>> gather(final String store, final Bytes from, final Bytes to,
                                           final Set<Integer> asked, final Function<KeyValue<Bytes, V>, T> row) {
        final Map<Integer, List<T>> answered = new TreeMap<>();
        final Map<Integer, String> failed = new TreeMap<>();
        for (final Integer partition : asked) {
            try {
                final ReadOnlyKeyValueStore<Bytes, V> view = streams.store(pinned(store, partition));
                final List<T> rows = new ArrayList<>();
                try (KeyValueIterator<Bytes, V> it = from == null ? view.all() : view.range(from, to)) {
                    it.forEachRemaining(kv -> rows.add(row.apply(kv)));
                }
                answered.put(partition, Collections.unmodifiableList(rows));
            } catch (final InvalidStateStoreException e) {
                failed.put(partition, e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
        return new Answers<>(answered, failed);
    }

    /**
     * The stores of one partition, for the reads of one key of that partition; a read throws
     * {@code InvalidStateStoreException} when this instance does not hold the partition actively.
     */
    public StoreReader partition(final int partition) {
        return new LocalStores(new LocalStores.Views(
                streams.store(pinned(StoreNames.DAY_BUCKETS, partition)),
                streams.store(pinned(StoreNames.SERVICES, partition)),
                streams.store(pinned(StoreNames.LEDGER_ENTITIES, partition)),
                streams.store(pinned(StoreNames.LEDGER_INDEXES, partition)),
                streams.store(pinned(StoreNames.DEPLOYMENT_ENTITIES, partition)),
                streams.store(pinned(StoreNames.INCIDENT_ENTITIES, partition)),
                streams.store(pinned(StoreNames.BUILD_BUCKETS, partition)),
                streams.store(pinned(StoreNames.BUILD_ENTITIES, partition))));
    }

    private static <K, V> StoreQueryParameters<ReadOnlyKeyValueStore<K, V>> pinned(
            final String store, final int partition) {
        return StoreQueryParameters.fromNameAndType(store, QueryableStoreTypes.<K, V>keyValueStore())
                .withPartition(partition);
    }
}
