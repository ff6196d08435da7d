package dev.dora.streams;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.QueryableStoreType;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.internals.StateStoreProvider;

/**
 * Kafka Streams' key-value store type for interactive queries, whose store finds the partitions' stores once, at its
 * first read, and reads those for as long as it lives: for the stores of one request (or one report pass), which
 * {@link MetricsPipeline#localStores()} makes each time it is asked.
 *
 * <p>Kafka Streams' own composite store finds them again at every {@code get} and range: it lists every task of every
 * stream thread, those of the state updater under its lock, and picks the stores out. A service's deployment list
 * reads a few hundred keys; in a profile at 1,000 services that listing was 46 % of the request's CPU and the whole
 * {@code get} 60 %. The reads themselves are Kafka Streams' composite store's, unchanged ({@link
 * QueryableStoreTypes#keyValueStore()} made over a provider that answers the first listing again). A store closed after
 * it was found (its task gone, the instance stopping) throws {@code InvalidStateStoreException} as before, which the
 * API answers 503 and a report pass retries.
 *
 * @param <K> the store's key type
 * @param <V> the store's value type
 */
final class StoresResolvedOnce<K, V> implements QueryableStoreType<ReadOnlyKeyValueStore<K, V>> {

    private final QueryableStoreType<ReadOnlyKeyValueStore<K, V>> keyValue = QueryableStoreTypes.keyValueStore();

    @Override
    public boolean accepts(final StateStore stateStore) {
        return keyValue.accepts(stateStore);
    }

    @Override
    public ReadOnlyKeyValueStore<K, V> create(final StateStoreProvider provider, final String storeName) {
        return keyValue.create(new FirstListing(provider), storeName);
    }

    /** Answers each store name's first listing again; a listing that throws is not kept. */
    private static final class FirstListing implements StateStoreProvider {

        private final StateStoreProvider provider;
        private final Map<String, List<?>> listed = new ConcurrentHashMap<>();

        private FirstListing(final StateStoreProvider provider) {
            this.provider = provider;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> List<T> stores(final String storeName, final QueryableStoreType<T> queryableStoreType) {
            // the composite store asks with the one type it was made with, so the name alone is the key
            return (List<T>) listed.computeIfAbsent(storeName, name -> provider.stores(name, queryableStoreType));
        }
    }
}
