package dev.dora.streams.store;

import dev.dora.state.BuildBucket;
import dev.dora.state.DayBucket;
import dev.dora.state.ServiceInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;

/**
 * One record's view of a service ledger's stores: every write is staged and becomes visible to the store only on
 * {@link #commit()}, so a record is applied whole or not at all.
 */
public final class LedgerTx {

    private static final byte[] PRESENT = new byte[0];

    private final String service;
    private final StagedStore<SpecificRecord> entities;
    private final StagedStore<byte[]> indexes;
    private final StagedStore<DayBucket> buckets;
    private final StagedStore<ServiceInfo> services;
    private final StagedStore<BuildBucket> builds;
    /** The deliveries this record read or changed, by deployment id, written back as entities at the commit. */
    private final Map<String, DeliveredSet> deliveries = new HashMap<>();

    LedgerTx(final String service, final StagedStore<SpecificRecord> entities, final StagedStore<byte[]> indexes,
             final StagedStore<DayBucket> buckets, final StagedStore<ServiceInfo> services,
             final StagedStore<BuildBucket> builds) {
        this.service = service;
        this.entities = entities;
        this.indexes = indexes;
        this.buckets = buckets;
        this.services = services;
        this.builds = builds;
    }

    /** The service whose ledger this record belongs to. */
    public String service() {
        return service;
    }

    public <T extends SpecificRecord> T entity(final Entity<T> kind, final String id) {
        return kind.cast(entities.get(kind.key(service, id)));
    }

    /** Stores {@code value}, or deletes the entity when it is null. */
    public <T extends SpecificRecord> void putEntity(final Entity<T> kind, final String id, final T value) {
        entities.put(kind.key(service, id), value);
    }

    /** The keys of every entity of {@code kind}, of every service, in key order. */
    public List<Bytes> entityKeys(final Entity<?> kind) {
        final List<Bytes> out = new ArrayList<>();
        entities.range(kind.prefix(), Keys.after(kind.prefix())).forEach(entry -> out.add(entry.key));
        return out;
    }

    /** The shas deployment {@code deploymentId} delivered first to its group, as their UTF-8 bytes sort. */
    public List<String> deliveredShas(final String deploymentId) {
        final DeliveredSet set = delivered(deploymentId);
        final List<String> out = new ArrayList<>(set.size());
        for (int i = 0; i < set.size(); i++) {
            out.add(set.sha(i));
        }
        return out;
    }

    /** Records that {@code deploymentId} delivered {@code sha}, committed at {@code committedAtMs}, first. */
    public void deliver(final String deploymentId, final String sha, final long committedAtMs) {
        delivered(deploymentId).put(sha, committedAtMs);
    }

    /** Records that {@code deploymentId} no longer delivered {@code sha} first. */
    public void undeliver(final String deploymentId, final String sha) {
        delivered(deploymentId).remove(sha);
    }

    private DeliveredSet delivered(final String deploymentId) {
        return deliveries.computeIfAbsent(deploymentId, id -> DeliveredSet.of(entity(Entity.DELIVERED, id)));
    }

    public void link(final Bytes key) {
        indexes.put(key, PRESENT);
    }

    public void link(final Bytes key, final byte[] value) {
        indexes.put(key, value);
    }

    public void unlink(final Bytes key) {
        indexes.delete(key);
    }

    public void setLink(final Bytes key, final boolean present) {
        if (present) {
            link(key);
        } else {
            unlink(key);
        }
    }

    /** The value of an index entry, null when there is none. */
    public byte[] index(final Bytes key) {
        return indexes.get(key);
    }

    /** Every index entry whose key starts with {@code prefix}, in key order. */
    public List<KeyValue<Bytes, byte[]>> scan(final Bytes prefix) {
        return indexes.prefix(prefix);
    }

    /** The keys of {@link #scan}, decoded. */
    public <K> List<K> keys(final Bytes prefix, final Function<Bytes, K> decode) {
        final List<KeyValue<Bytes, byte[]>> entries = indexes.prefix(prefix);
        final List<K> out = new ArrayList<>(entries.size());
        for (final KeyValue<Bytes, byte[]> entry : entries) {
            out.add(decode.apply(entry.key));
        }
        return out;
    }

    /** Every index entry in [from, to], in key order. */
    public List<KeyValue<Bytes, byte[]>> range(final Bytes from, final Bytes to) {
        return indexes.range(from, to);
    }

    /** The first index entry in [from, to]; null when there is none. */
    public KeyValue<Bytes, byte[]> first(final Bytes from, final Bytes to) {
        return indexes.first(from, to, false, key -> true);
    }

    /** The last index entry in [from, to]; null when there is none. */
    public KeyValue<Bytes, byte[]> last(final Bytes from, final Bytes to) {
        return indexes.first(from, to, true, key -> true);
    }

    /** The last index entry in [from, to] other than {@code except}; null when there is none. */
    public KeyValue<Bytes, byte[]> lastOther(final Bytes from, final Bytes to, final Bytes except) {
        return indexes.first(from, to, true, key -> !key.equals(except));
    }

    /** The first index entry in [from, to] other than {@code except}; null when there is none. */
    public KeyValue<Bytes, byte[]> firstOther(final Bytes from, final Bytes to, final Bytes except) {
        return indexes.first(from, to, false, key -> !key.equals(except));
    }

    /** The build buckets, staged like everything else. */
    public StagedStore<BuildBucket> builds() {
        return builds;
    }

    /** The day buckets, staged like everything else. */
    public StagedStore<DayBucket> buckets() {
        return buckets;
    }

    /** The known services, staged like everything else. */
    public StagedStore<ServiceInfo> services() {
        return services;
    }

    /** Applies every staged write. */
    public void commit() {
        deliveries.forEach((id, set) -> {
            if (set.changed()) {
                putEntity(Entity.DELIVERED, id, set.toRecord());
            }
        });
        deliveries.clear();
        entities.commit();
        indexes.commit();
        buckets.commit();
        services.commit();
        builds.commit();
    }

    /** Forgets every staged write. */
    public void discard() {
        deliveries.clear();
        entities.discard();
        indexes.discard();
        buckets.discard();
        services.discard();
        builds.discard();
    }
}
