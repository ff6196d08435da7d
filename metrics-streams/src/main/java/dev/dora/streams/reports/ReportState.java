package dev.dora.streams.reports;

import dev.dora.reports.WeeklyReport;
import dev.dora.schema.AvroCodec;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The latest published revision of every report key and a digest of its numbers (everything but the revision and
 * the generation time), so a pass publishes a week again only when its numbers changed, with the next revision. A
 * key whose report was withdrawn (a tombstone) keeps its revision, so one published again later continues from it.
 */
final class ReportState {

    private static final int DIGEST_BYTES = 16;

    /** {@code digest} is null when the report was withdrawn. */
    private record Published(int revision, byte[] digest) {
    }

    private final Map<String, Published> published = new HashMap<>();

    /** A record read back from the topic, or just published. */
    void remember(final String key, final WeeklyReport report) {
        published.put(key, new Published(report.getRevision(), digest(report)));
    }

    /** A tombstone read back from the topic, or just published: the key has no report now. */
    void withdrawn(final String key) {
        final Published last = published.get(key);
        published.put(key, new Published(last == null ? 0 : last.revision(), null));
    }

    /** The keys that have a report now. */
    Set<String> live() {
        final Set<String> live = new HashSet<>();
        published.forEach((key, last) -> {
            if (last.digest() != null) {
                live.add(key);
            }
        });
        return live;
    }

    /** The report to publish for {@code key}, with its revision, or null when its numbers are already out. */
    WeeklyReport next(final String key, final WeeklyReport computed, final Instant now) {
        final Published last = published.get(key);
        if (last != null && Arrays.equals(last.digest(), digest(computed))) {
            return null;
        }
        return WeeklyReport.newBuilder(computed).setRevision(last == null ? 1 : last.revision() + 1)
                .setGeneratedAt(now).build();
    }

    int size() {
        return published.size();
    }

    private static byte[] digest(final WeeklyReport report) {
        final WeeklyReport numbers = WeeklyReport.newBuilder(report).setRevision(0).setGeneratedAt(Instant.EPOCH)
                .build();
        // a map is encoded in its iteration order: sorted, a report read back digests as the one computed
        numbers.getIncidents().setBySeverity(new TreeMap<>(numbers.getIncidents().getBySeverity()));
        try {
            return Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(AvroCodec.get().encode(numbers)),
                    DIGEST_BYTES);
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
