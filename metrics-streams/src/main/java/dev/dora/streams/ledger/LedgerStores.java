package dev.dora.streams.ledger;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.BytesSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Typed access to a service ledger's two stores: {@code ledger-entities} (records) and {@code ledger-indexes}
 * (relations whose keys carry all the information, scanned by prefix or range).
 */
final class LedgerStores {

    static final byte COMMIT = 'C';
    static final byte DEPLOYMENT = 'D';
    static final byte INCIDENT = 'I';
    static final byte DEPLOYMENT_FACT = 'F';
    static final byte INCIDENT_FACT = 'G';

    /** (service, parent sha, child sha). */
    static final byte CHILDREN = 'k';
    /** (service, group, finishedAt, deployment id) → sha: each environment group's timeline of successful deployments. */
    static final byte TIMELINE = 't';
    /** (service, sha, group, finishedAt, deployment id): the successful deployments of each sha. */
    static final byte BY_SHA = 's';
    /** (service, deployment id, sha): the changes each deployment delivered first to its group. */
    static final byte DEPLOYED = 'm';
    /** (service, group, openedAt, incident id): incidents that name no cause. */
    static final byte UNCAUSED = 'u';
    /**
     * (service, deployment id, incident id, incident service) → {@link ClaimValue}: incidents, of any service,
     * naming a cause deployment.
     */
    static final byte CAUSE_DEPLOYMENT = 'x';
    /** (service, group, sha, incident id): incidents naming a cause commit. */
    static final byte CAUSE_SHA = 'y';
    /** (service, rolled-back deployment id, rollback deployment id): successful rollbacks. */
    static final byte ROLLBACKS = 'r';
    /** (service, group, openedAt, incident id): every incident, in the order failures are counted between. */
    static final byte INCIDENT_TIMELINE = 'o';
    /** (service, deployment id, incident service, incident id): the incidents a deployment was last known to be charged with. */
    static final byte CHARGED = 'a';
    /** (service, incident id, deployment service, deployment id): the deployments charged with each incident. */
    static final byte ATTRIBUTED = 'b';

    private static final byte[] PRESENT = new byte[0];
    private static final BytesSerializer PREFIX_SERIALIZER = new BytesSerializer();

    private final KeyValueStore<Bytes, SpecificRecord> entities;
    private final KeyValueStore<Bytes, byte[]> indexes;

    LedgerStores(final KeyValueStore<Bytes, SpecificRecord> entities, final KeyValueStore<Bytes, byte[]> indexes) {
        this.entities = entities;
        this.indexes = indexes;
    }

    static Bytes entityKey(final byte tag, final String service, final String id) {
        return Keys.of(tag).str(service).str(id).build();
    }

    <T extends SpecificRecord> T entity(final byte tag, final String service, final String id, final Class<T> type) {
        return type.cast(entities.get(entityKey(tag, service, id)));
    }

    void putEntity(final byte tag, final String service, final String id, final SpecificRecord value) {
        if (value == null) {
            entities.delete(entityKey(tag, service, id));
        } else {
            entities.put(entityKey(tag, service, id), value);
        }
    }

    void link(final Bytes key) {
        indexes.put(key, PRESENT);
    }

    void link(final Bytes key, final byte[] value) {
        indexes.put(key, value);
    }

    void unlink(final Bytes key) {
        indexes.delete(key);
    }

    byte[] index(final Bytes key) {
        return indexes.get(key);
    }

    /** Every index entry whose key starts with {@code prefix}, in key order. */
    List<KeyValue<Bytes, byte[]>> scan(final Bytes prefix) {
        final List<KeyValue<Bytes, byte[]>> out = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = indexes.prefixScan(prefix, PREFIX_SERIALIZER)) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    void scan(final Bytes prefix, final Consumer<Bytes> each) {
        try (KeyValueIterator<Bytes, byte[]> it = indexes.prefixScan(prefix, PREFIX_SERIALIZER)) {
            while (it.hasNext()) {
                each.accept(it.next().key);
            }
        }
    }

    /** The first entry in [from, to], or in reverse order the last one; null when there is none. */
    KeyValue<Bytes, byte[]> first(final Bytes from, final Bytes to, final boolean reverse) {
        try (KeyValueIterator<Bytes, byte[]> it = reverse ? indexes.reverseRange(from, to) : indexes.range(from, to)) {
            return it.hasNext() ? it.next() : null;
        }
    }

    /** Like {@link #first} but skipping the entry whose key is {@code except}. */
    KeyValue<Bytes, byte[]> firstOther(final Bytes from, final Bytes to, final Bytes except, final boolean reverse) {
        try (KeyValueIterator<Bytes, byte[]> it = reverse ? indexes.reverseRange(from, to) : indexes.range(from, to)) {
            while (it.hasNext()) {
                final KeyValue<Bytes, byte[]> entry = it.next();
                if (!entry.key.equals(except)) {
                    return entry;
                }
            }
            return null;
        }
    }

    List<KeyValue<Bytes, byte[]>> range(final Bytes from, final Bytes to) {
        final List<KeyValue<Bytes, byte[]>> out = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = indexes.range(from, to)) {
            it.forEachRemaining(out::add);
        }
        return out;
    }
}
