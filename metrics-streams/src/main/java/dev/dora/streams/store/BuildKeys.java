package dev.dora.streams.store;

import java.nio.ByteBuffer;
import org.apache.kafka.common.utils.Bytes;

/**
 * The {@code ledger-indexes} relations of CI builds, typed like {@link IndexKeys}: each pipeline's timeline of
 * finished default-branch builds, and every finished build by time for the drill-down.
 */
public final class BuildKeys {

    /** Separates service and pipeline in a coverage key; the ingest edge forbids it inside names. */
    private static final char SEPARATOR = '\u0000';

    private BuildKeys() {
    }

    /**
     * The finished default-branch builds of each pipeline, in episode order: (service, pipeline, finishedAt, build
     * id), valued with a {@link TimelineValue}.
     */
    public record Timeline(String service, String pipeline, long finishedAt, String buildId) {
        public static final byte TAG = 'p';

        public Bytes encode() {
            return Keys.of(TAG).str(service).str(pipeline).num(finishedAt).str(buildId).build();
        }

        public static Timeline decode(final Bytes key) {
            final Keys.Reader in = Keys.read(key, true);
            return new Timeline(in.str(), in.str(), in.num(), in.str());
        }

        public static Bytes prefix(final String service, final String pipeline) {
            return Keys.of(TAG).str(service).str(pipeline).build();
        }

        /** The first key of the builds finished at or after {@code finishedAt}. */
        public static Bytes from(final String service, final String pipeline, final long finishedAt) {
            return Keys.of(TAG).str(service).str(pipeline).num(finishedAt).build();
        }

        /** A key after every build of the pipeline. */
        public static Bytes end(final String service, final String pipeline) {
            return Keys.of(TAG).str(service).str(pipeline).num(Long.MAX_VALUE).str("\uffff").build();
        }
    }

    /**
     * A timeline entry's value: the build's outcome ({@code S}uccess, {@code F}ailure, {@code O}ther), its role in
     * the episodes (broke the branch, fixed it after {@code timeToFixSeconds}, neither), its coverage, and the
     * branch's state after it ({@code brokenSince}, epoch milliseconds; null when green), so the episodes and the
     * latest coverage are recomputed without reading the builds, from the entry just before a change.
     */
    public record TimelineValue(byte outcome, boolean broke, Long timeToFixSeconds, Double coverage,
                                Long brokenSince) {

        private static final int SIZE = 1 + 1 + Long.BYTES + 1 + Double.BYTES + 1 + Long.BYTES;

        public byte[] encode() {
            final ByteBuffer out = ByteBuffer.allocate(SIZE);
            out.put(outcome).put((byte) (broke ? 1 : timeToFixSeconds != null ? 2 : 0));
            out.putLong(timeToFixSeconds == null ? 0 : timeToFixSeconds);
            out.put((byte) (coverage == null ? 0 : 1)).putDouble(coverage == null ? 0 : coverage);
            out.put((byte) (brokenSince == null ? 0 : 1)).putLong(brokenSince == null ? 0 : brokenSince);
            return out.array();
        }

        public static TimelineValue decode(final byte[] value) {
            final ByteBuffer in = ByteBuffer.wrap(value);
            final byte outcome = in.get();
            final byte role = in.get();
            final long fix = in.getLong();
            final boolean hasCoverage = in.get() == 1;
            final double coverage = in.getDouble();
            final boolean broken = in.get() == 1;
            final long since = in.getLong();
            return new TimelineValue(outcome, role == 1, role == 2 ? fix : null, hasCoverage ? coverage : null,
                    broken ? since : null);
        }
    }

    /** Every finished build of a service, of any branch and pipeline: (service, finishedAt, build id). */
    public record Finished(String service, long finishedAt, String buildId) {
        public static final byte TAG = 'h';

        public Bytes encode() {
            return Keys.of(TAG).str(service).num(finishedAt).str(buildId).build();
        }

        public static Finished decode(final Bytes key) {
            final Keys.Reader in = Keys.read(key, true);
            return new Finished(in.str(), in.num(), in.str());
        }

        public static Bytes from(final String service, final long finishedAt) {
            return Keys.of(TAG).str(service).num(finishedAt).build();
        }
    }

    /** The key of a (service, pipeline) in a build bucket's coverage map. */
    public static String coverageKey(final String service, final String pipeline) {
        return service + SEPARATOR + pipeline;
    }

    /** The pipeline of a coverage key. */
    public static String coveragePipeline(final String key) {
        return key.substring(key.indexOf(SEPARATOR) + 1);
    }
}
