package dev.dora.streams.query;

import dev.dora.schema.EventFields;
import dev.dora.state.BuildBucket;
import dev.dora.state.DayBucket;
import dev.dora.state.ServiceInfo;
import dev.dora.streams.metrics.BuildBuckets;
import dev.dora.streams.store.BucketKey;
import dev.dora.streams.store.Span;
import dev.dora.streams.store.Scope;
import dev.dora.streams.store.ServiceKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The {@link StoreReader} over store views of this process: every partition the views span (all of them on a single
 * instance, one of them when a peer asks for one partition's answer), read as they are.
 */
public final class LocalStores implements StoreReader {

    /** The store views read: the ledgers' stores and the stores of entity winners by id. */
    public record Views(ReadOnlyKeyValueStore<Bytes, DayBucket> buckets,
                        ReadOnlyKeyValueStore<Bytes, ServiceInfo> services,
                        ReadOnlyKeyValueStore<Bytes, SpecificRecord> entities,
                        ReadOnlyKeyValueStore<Bytes, byte[]> indexes,
                        ReadOnlyKeyValueStore<String, SpecificRecord> deploymentWinners,
                        ReadOnlyKeyValueStore<String, SpecificRecord> incidentWinners,
                        ReadOnlyKeyValueStore<Bytes, BuildBucket> buildBuckets,
                        ReadOnlyKeyValueStore<String, SpecificRecord> buildWinners) {
    }

    private final Views views;

    public LocalStores(final Views views) {
        this.views = views;
    }

    @Override
    public Optional<ServiceInfo> service(final String name) {
        return Optional.ofNullable(views.services().get(ServiceKey.of(name)));
    }

    @Override
    public List<ServiceInfo> services() {
        final List<ServiceInfo> all = new ArrayList<>();
        try (KeyValueIterator<Bytes, ServiceInfo> it = views.services().all()) {
            it.forEachRemaining(kv -> all.add(kv.value));
        }
        return all;
    }

    @Override
    public List<BucketRow> buckets(final Scope scope, final Span span, final String group, final long fromDay,
                                   final long lastDay) {
        return rows(views.buckets(), scope, span, group, fromDay, lastDay);
    }

    /** The rows of {@code span}, {@code scope} and {@code group} with first day in [fromDay, lastDay] of one view. */
    public static List<BucketRow> rows(final ReadOnlyKeyValueStore<Bytes, DayBucket> store, final Scope scope,
                                       final Span span, final String group, final long fromDay, final long lastDay) {
        final List<BucketRow> rows = new ArrayList<>();
        try (KeyValueIterator<Bytes, DayBucket> it = store.range(BucketKey.of(scope, span, group, fromDay),
                BucketKey.of(scope, span, group, lastDay))) {
            while (it.hasNext()) {
                final KeyValue<Bytes, DayBucket> entry = it.next();
                rows.add(new BucketRow(BucketKey.day(entry.key), entry.value));
            }
        }
        return rows;
    }

    @Override
    public List<BuildRow> buildBuckets(final Scope scope, final long fromDay, final long lastDay) {
        final List<BuildRow> rows = new ArrayList<>();
        try (KeyValueIterator<Bytes, BuildBucket> it = views.buildBuckets().range(
                BucketKey.of(scope, BuildBuckets.GROUP, fromDay), BucketKey.of(scope, BuildBuckets.GROUP, lastDay))) {
            it.forEachRemaining(entry -> rows.add(new BuildRow(BucketKey.day(entry.key), entry.value)));
        }
        return rows;
    }

    @Override
    public Optional<String> buildService(final String id) {
        return Optional.ofNullable(views.buildWinners().get(id)).map(EventFields::service);
    }

    @Override
    public LedgerReader ledger() {
        return new StoreLedgerReader(views.entities(), views.indexes());
    }

    @Override
    public Optional<String> deploymentService(final String id) {
        return Optional.ofNullable(views.deploymentWinners().get(id)).map(EventFields::service);
    }

    @Override
    public Optional<String> incidentService(final String id) {
        return Optional.ofNullable(views.incidentWinners().get(id)).map(EventFields::service);
    }
}
