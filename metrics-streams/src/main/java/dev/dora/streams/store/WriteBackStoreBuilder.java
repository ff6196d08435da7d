package dev.dora.streams.store;

import java.util.Map;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Builds a key-value store as {@code inner} does and puts a {@link WriteBackStore} around it, outermost, so the
 * ledger's changes reach the metered and changelogged layers (and the record cache, if {@code inner} has one) once
 * per commit.
 *
 * @param <V> the store's value type
 */
public final class WriteBackStoreBuilder<V> implements StoreBuilder<KeyValueStore<Bytes, V>> {

    private final StoreBuilder<KeyValueStore<Bytes, V>> inner;

    public WriteBackStoreBuilder(final StoreBuilder<KeyValueStore<Bytes, V>> inner) {
        this.inner = inner;
    }

    @Override
    public StoreBuilder<KeyValueStore<Bytes, V>> withCachingEnabled() {
        inner.withCachingEnabled();
        return this;
    }

    @Override
    public StoreBuilder<KeyValueStore<Bytes, V>> withCachingDisabled() {
        inner.withCachingDisabled();
        return this;
    }

    @Override
    public StoreBuilder<KeyValueStore<Bytes, V>> withLoggingEnabled(final Map<String, String> config) {
        inner.withLoggingEnabled(config);
        return this;
    }

    @Override
    public StoreBuilder<KeyValueStore<Bytes, V>> withLoggingDisabled() {
        inner.withLoggingDisabled();
        return this;
    }

    @Override
    public KeyValueStore<Bytes, V> build() {
        return new WriteBackStore<>(inner.build());
    }

    @Override
    public Map<String, String> logConfig() {
        return inner.logConfig();
    }

    @Override
    public boolean loggingEnabled() {
        return inner.loggingEnabled();
    }

    @Override
    public String name() {
        return inner.name();
    }
}
