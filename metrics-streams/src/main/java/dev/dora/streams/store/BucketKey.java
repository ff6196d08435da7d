package dev.dora.streams.store;

import org.apache.kafka.common.utils.Bytes;

/**
 * The key of a {@code metrics-day-buckets} entry: (service, environment group, epoch day), untagged. After a
 * group's last possible day comes its lifetime row ({@link #LIFETIME}).
 */
public record BucketKey(String service, String group, long day) {

    /** The last epoch day a bucket can have; the key after it holds the lifetime counts. */
    public static final long LAST_DAY = Long.MAX_VALUE - 1;
    /** The "day" of the lifetime row: incidents opened and resolved over all time. */
    public static final long LIFETIME = Long.MAX_VALUE;

    public Bytes encode() {
        return Keys.untagged().str(service).str(group).num(day).build();
    }

    public static BucketKey decode(final Bytes key) {
        final Keys.Reader in = Keys.read(key, false);
        return new BucketKey(in.str(), in.str(), in.num());
    }

    /** The epoch day of an encoded key, without decoding the names. */
    public static long day(final Bytes key) {
        return decode(key).day();
    }

    public static Bytes of(final String service, final String group, final long day) {
        return new BucketKey(service, group, day).encode();
    }
}
