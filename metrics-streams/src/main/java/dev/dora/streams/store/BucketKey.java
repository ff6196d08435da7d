package dev.dora.streams.store;

import org.apache.kafka.common.utils.Bytes;

/**
 * The key of a {@code metrics-day-buckets} entry: (scope kind tag, scope name, environment group, epoch day). After
 * a group's last possible day comes its lifetime row ({@link #LIFETIME}). A scope's rows of one group are contiguous
 * and in day order, so a window is one range read.
 */
public record BucketKey(Scope scope, String group, long day) {

    /** The last epoch day a bucket can have; the key after it holds the lifetime counts. */
    public static final long LAST_DAY = Long.MAX_VALUE - 1;
    /** The "day" of the lifetime row: incidents opened and resolved over all time. */
    public static final long LIFETIME = Long.MAX_VALUE;

    public Bytes encode() {
        return prefix(scope, group).num(day).build();
    }

    public static BucketKey decode(final Bytes key) {
        final Keys.Reader in = Keys.read(key, true);
        final Scope scope = new Scope(Scope.Kind.ofTag(key.get()[0]), in.str());
        return new BucketKey(scope, in.str(), in.num());
    }

    /** The epoch day of an encoded key. */
    public static long day(final Bytes key) {
        return decode(key).day();
    }

    public static Bytes of(final Scope scope, final String group, final long day) {
        return new BucketKey(scope, group, day).encode();
    }

    /** Every row of a scope, of every group. */
    public static Bytes prefix(final Scope scope) {
        return Keys.of(scope.kind().tag()).str(scope.name()).build();
    }

    private static Keys prefix(final Scope scope, final String group) {
        return Keys.of(scope.kind().tag()).str(scope.name()).str(group);
    }
}
