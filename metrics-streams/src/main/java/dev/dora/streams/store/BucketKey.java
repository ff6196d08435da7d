package dev.dora.streams.store;

import java.util.Objects;
import org.apache.kafka.common.utils.Bytes;

/**
 * The key of a {@code metrics-day-buckets} entry: (scope kind tag, scope name, environment group, epoch day). After
 * a group's last possible day comes its lifetime row ({@link #LIFETIME}). A scope's rows of one group are contiguous
 * and in day order, so a window is one range read.
 *
 * <p>A team's and the organisation's parts also have month rows, which sum their day rows over a calendar month
 * ({@link Span}), so that a long window reads a few rows per partition instead of one per day. Their keys are
 * ('M', scope kind tag, scope name, environment group, the month's first epoch day), apart from the day rows; they end
 * with a copy of the lifetime row, so that one range read gives every month from a day on and the lifetime counts.
 */
public record BucketKey(Scope scope, Span span, String group, long day) {

    /** The last epoch day a bucket can have; the key after it holds the lifetime counts. */
    public static final long LAST_DAY = Long.MAX_VALUE - 1;
    /** The "day" of the lifetime row: incidents opened and resolved over all time. */
    public static final long LIFETIME = Long.MAX_VALUE;

    public BucketKey {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(span, "span");
        Objects.requireNonNull(group, "group");
    }

    /** A day row's key (or the lifetime row's). */
    public BucketKey(final Scope scope, final String group, final long day) {
        this(scope, Span.DAY, group, day);
    }

    public Bytes encode() {
        return prefix(scope, span, group).num(day).build();
    }

    public static BucketKey decode(final Bytes key) {
        final Keys.Reader in = Keys.read(key, true);
        final Span span = Span.ofTag(key.get()[0]);
        final byte kindTag = span == Span.DAY ? key.get()[0] : (byte) in.str().charAt(0);
        final Scope scope = new Scope(Scope.Kind.ofTag(kindTag), in.str());
        return new BucketKey(scope, span, in.str(), in.num());
    }

    /** The epoch day of an encoded key: a day row's day, a month row's first day. */
    public static long day(final Bytes key) {
        return decode(key).day();
    }

    public static Bytes of(final Scope scope, final String group, final long day) {
        return new BucketKey(scope, group, day).encode();
    }

    public static Bytes of(final Scope scope, final Span span, final String group, final long day) {
        return new BucketKey(scope, span, group, day).encode();
    }

    /** Every day row of a scope, of every group (not its month rows). */
    public static Bytes prefix(final Scope scope) {
        return Keys.of(scope.kind().tag()).str(scope.name()).build();
    }

    private static Keys prefix(final Scope scope, final Span span, final String group) {
        final Keys keys = span == Span.DAY ? Keys.of(scope.kind().tag())
                : Keys.of(span.tag()).str(String.valueOf((char) scope.kind().tag()));
        return keys.str(scope.name()).str(group);
    }
}
