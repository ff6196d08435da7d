package dev.dora.streams.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class HistogramsTest {

    private static long nearestRank(final long[] sorted, final double q) {
        return sorted[(int) Math.max(1, Math.ceil(q * sorted.length - 1e-9)) - 1];
    }

    @Test
    void quantilesAreWithinOnePercentOfTheExactNearestRankValue() {
        final SplittableRandom random = new SplittableRandom(3);
        for (int round = 0; round < 50; round++) {
            final int n = 1 + random.nextInt(2_000);
            final long[] samples = new long[n];
            final Histogram histogram = Histograms.empty();
            for (int i = 0; i < n; i++) {
                samples[i] = (long) Math.exp(random.nextDouble() * Math.log(200_000_000));
                histogram.recordValue(samples[i]);
            }
            Arrays.sort(samples);
            for (final double q : new double[] {0.5, 0.9}) {
                final double exact = nearestRank(samples, q);
                final double reported = Histograms.quantile(histogram, q);
                assertTrue(Math.abs(reported - exact) <= 0.01 * exact, q + ": " + reported + " vs " + exact);
            }
        }
    }

    @Test
    void smallValuesAreExactAndEmptyHasNoQuantile() {
        final Histogram histogram = Histograms.empty();
        assertNull(Histograms.quantile(histogram, 0.5));
        histogram.recordValue(0);
        histogram.recordValue(7);
        assertEquals(0.0, Histograms.quantile(histogram, 0.5));
        assertEquals(7.0, Histograms.quantile(histogram, 0.9));
    }

    @Test
    void combiningRetractsExactly() {
        final Histogram a = Histograms.empty();
        a.recordValue(3_600);
        a.recordValue(90_000);
        final Histogram b = Histograms.empty();
        b.recordValue(90_000);
        final ByteBuffer both = Histograms.combine(Histograms.encode(a), Histograms.encode(b), 1);
        assertEquals(3, Histograms.decode(both).getTotalCount());
        final ByteBuffer back = Histograms.combine(both, Histograms.encode(b), -1);
        assertEquals(a, Histograms.decode(back));
        assertEquals(0, Histograms.decode(Histograms.combine(back, Histograms.encode(a), -1)).getTotalCount());
    }

    @Test
    void theSparseBucketEncodingHoldsExactlyWhatTheHistogramsHeld() {
        final SplittableRandom random = new SplittableRandom(11);
        final Histogram merged = Histograms.empty();
        ByteBuffer sparse = null;
        for (int day = 0; day < 200; day++) {
            final Histogram sample = Histograms.empty();
            for (int i = 0; i < 1 + random.nextInt(5); i++) {
                sample.recordValue((long) Math.exp(random.nextDouble() * Math.log(50_000_000)));
            }
            merged.add(sample);
            sparse = Histograms.combine(sparse, Histograms.encode(sample), 1);
        }
        assertEquals('S', sparse.get(sparse.position()), "buckets hold the sparse encoding");
        assertEquals(merged, Histograms.decode(sparse));
        final Histogram added = Histograms.empty();
        Histograms.addTo(added, sparse);
        Histograms.addTo(added, Histograms.encode(merged));
        final Histogram twice = Histograms.empty();
        twice.add(merged);
        twice.add(merged);
        assertEquals(twice, added, "addTo reads both encodings");
        assertTrue(sparse.remaining() < Histograms.encode(merged).remaining() * 4,
                "a sparse bucket stays small: " + sparse.remaining() + " bytes");
    }

    @Test
    void removingSamplesThatWereNeverAddedIsRefused() {
        final Histogram a = Histograms.empty();
        a.recordValue(60);
        final Histogram b = Histograms.empty();
        b.recordValue(7_200);
        final ByteBuffer onlyA = Histograms.combine(null, Histograms.encode(a), 1);
        final IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> Histograms.combine(onlyA, Histograms.encode(b), -1));
        assertTrue(e.getMessage().contains("never added"), e.getMessage());
    }

    @Test
    void applyingADeltaRefusesCountsBelowZeroAndEmptiesARowWhoseSamplesAreAllRemoved() {
        final Histogram a = Histograms.empty();
        a.recordValue(60);
        a.recordValue(7_200);
        final ByteBuffer row = Histograms.combine(null, Histograms.encode(a), 1);
        final java.util.Map<Long, Long> all = new java.util.HashMap<>();
        Histograms.countInto(all, row, -1);
        assertEquals(0, Histograms.apply(row, all).remaining(), "every sample removed leaves an empty row");
        final java.util.Map<Long, Long> tooMany = new java.util.HashMap<>(all);
        tooMany.merge(Histograms.bucketValue(60), -1L, Long::sum);
        final IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> Histograms.apply(row, tooMany));
        assertTrue(e.getMessage().contains("never added"), e.getMessage());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> Histograms.apply(null, java.util.Map.of(3_600L, -1L)));
        final java.util.Map<Long, Long> added = java.util.Map.of(Histograms.bucketValue(90), 2L, 5L, 0L);
        final ByteBuffer fromNothing = Histograms.apply(ByteBuffer.wrap(new byte[0]), added);
        assertEquals(Histograms.apply(null, added), fromNothing);
        assertEquals(2, Histograms.decode(fromNothing).getTotalCount());
        assertEquals(Histograms.combine(null, Histograms.encode(a), 1),
                Histograms.apply(Histograms.encode(a), java.util.Map.of(5L, 0L)),
                "a row still in HdrHistogram's encoding is rewritten sparsely");
    }

    @Test
    void summedSignedCountsGiveTheSameEncodingAsCombiningEachHistogramInTurn() {
        final SplittableRandom random = new SplittableRandom(11);
        for (int round = 0; round < 200; round++) {
            final Histogram base = Histograms.empty();
            final Histogram added = Histograms.empty();
            final Histogram removed = Histograms.empty();
            for (int i = 0; i < 1 + random.nextInt(20); i++) {
                final long sample = (long) Math.exp(random.nextDouble() * Math.log(100_000_000));
                base.recordValue(sample);
                if (random.nextBoolean()) {
                    removed.recordValue(sample);
                }
            }
            final long single = (long) Math.exp(random.nextDouble() * Math.log(100_000_000));
            for (int i = 0; i < random.nextInt(20); i++) {
                added.recordValue((long) Math.exp(random.nextDouble() * Math.log(100_000_000)));
            }
            final Histogram alone = Histograms.empty();
            alone.recordValue(single);
            final ByteBuffer start = Histograms.combine(null, Histograms.encode(base), 1);
            final ByteBuffer oneByOne = Histograms.combine(Histograms.combine(Histograms.combine(start,
                    Histograms.encode(added), 1), Histograms.encode(removed), -1), Histograms.encode(alone), 1);
            final java.util.Map<Long, Long> delta = new java.util.HashMap<>();
            Histograms.countInto(delta, Histograms.encode(added), 1);
            Histograms.countInto(delta, Histograms.encode(removed), -1);
            delta.merge(Histograms.bucketValue(single), 1L, Long::sum);
            assertEquals(oneByOne, Histograms.apply(start, delta), "round " + round);
        }
    }

    @Test
    void aSparseHistogramOfBucketsHasTheQuantilesOfTheHistogramOfTheirSamples() {
        final SplittableRandom random = new SplittableRandom(5);
        for (int round = 0; round < 100; round++) {
            final Histogram all = Histograms.empty();
            final SparseHistogram sparse = new SparseHistogram();
            for (int bucket = 0; bucket < 1 + random.nextInt(30); bucket++) {
                final Histogram day = Histograms.empty();
                for (int i = 0; i < random.nextInt(10); i++) {
                    day.recordValue((long) Math.exp(random.nextDouble() * Math.log(100_000_000)));
                }
                all.add(day);
                sparse.add(Histograms.combine(null, Histograms.encode(day), 1));
            }
            assertEquals(all.getTotalCount(), sparse.totalCount());
            for (final double q : new double[] {0.5, 0.9, 0.99, 1}) {
                assertEquals(Histograms.quantile(all, q), sparse.quantile(q), "round " + round + " q " + q);
            }
        }
    }

    @Test
    void theBucketsOfEitherEncodingAreTheSameValueOrderedPairs() {
        final SplittableRandom random = new SplittableRandom(17);
        for (int round = 0; round < 100; round++) {
            final Histogram h = Histograms.empty();
            for (int i = 0; i < random.nextInt(300); i++) {
                h.recordValue(random.nextInt(10) == 0 ? 0 : (long) Math.exp(random.nextDouble() * Math.log(1e9)));
            }
            final ByteBuffer compressed = Histograms.encode(h);
            final long[] pairs = Histograms.buckets(compressed);
            final java.util.Map<Long, Long> expected = new java.util.TreeMap<>();
            Histograms.countInto(expected, compressed, 1);
            final long[] flat = expected.entrySet().stream()
                    .flatMapToLong(e -> java.util.stream.LongStream.of(e.getKey(), e.getValue())).toArray();
            org.junit.jupiter.api.Assertions.assertArrayEquals(flat, pairs, "round " + round);
            org.junit.jupiter.api.Assertions.assertArrayEquals(flat,
                    Histograms.buckets(Histograms.combine(null, compressed, 1)), "the sparse encoding, round " + round);
        }
        assertEquals(0, Histograms.buckets(null).length);
    }

    @Test
    void denseIndexesFollowHdrHistogramsBucketsOverEveryLong() {
        final SplittableRandom random = new SplittableRandom(3);
        final java.util.TreeSet<Long> values = new java.util.TreeSet<>(List.of(0L, 1L, 255L, 256L, Long.MAX_VALUE));
        for (int magnitude = 0; magnitude < 63; magnitude++) {
            final long low = 1L << magnitude;
            values.add(low);
            values.add(low - 1);
            for (int i = 0; i < 2_000; i++) {
                values.add(low + random.nextLong(low));
            }
        }
        long previous = -1;
        int previousIndex = -1;
        for (final long value : values) {
            final int index = SparseHistogram.index(value);
            assertTrue(index >= previousIndex, "indexes rise with values: " + value);
            assertEquals(previous >= 0 && Histograms.bucketValue(previous) == Histograms.bucketValue(value),
                    index == previousIndex, "one index per HdrHistogram bucket: " + previous + ", " + value);
            previous = value;
            previousIndex = index;
        }
    }

    @Test
    void aSparseHistogramAddsBothEncodingsAndOtherHistogramsAndAnswersAgainAfterMoreSamples() {
        final Histogram a = Histograms.empty();
        final Histogram b = Histograms.empty();
        for (int i = 1; i <= 300; i++) {
            a.recordValue(i * 997L);
            b.recordValue(i * 31L + (i % 7 == 0 ? 1L << 40 : 0));
        }
        final SparseHistogram first = new SparseHistogram();
        first.add(Histograms.encode(a));
        assertEquals(Histograms.quantile(a, 0.5), first.quantile(0.5), "HdrHistogram's own encoding");
        final SparseHistogram second = new SparseHistogram();
        second.add(Histograms.combine(null, Histograms.encode(b), 1));
        first.add(second);
        final Histogram both = Histograms.empty();
        both.add(a);
        both.add(b);
        assertEquals(both.getTotalCount(), first.totalCount(), "asked again after more samples");
        for (final double q : new double[] {0.01, 0.5, 0.9, 0.99, 1}) {
            assertEquals(Histograms.quantile(both, q), first.quantile(q), "q " + q);
        }
        assertEquals(Histograms.quantile(b, 0.9), second.quantile(0.9), "the added histogram is unchanged");
        assertNull(new SparseHistogram().quantile(0.5));
    }

    @Test
    void everyPercentileOfManyBucketsIsTheHistogramsOwn() {
        final SplittableRandom random = new SplittableRandom(11);
        for (int round = 0; round < 20; round++) {
            final Histogram all = Histograms.empty();
            final SparseHistogram sparse = new SparseHistogram();
            for (int day = 0; day < 50; day++) {
                final Histogram one = Histograms.empty();
                for (int i = 0; i < random.nextInt(200); i++) {
                    one.recordValue(random.nextInt(8) == 0 ? 0 : (long) Math.exp(random.nextDouble() * Math.log(1e8)));
                }
                all.add(one);
                sparse.add(Histograms.combine(null, Histograms.encode(one), 1));
            }
            for (int percent = 1; percent <= 100; percent++) {
                assertEquals(Histograms.quantile(all, percent / 100.0), sparse.quantile(percent / 100.0),
                        "round " + round + ", " + percent + " %");
            }
            assertEquals(Histograms.quantile(all, 0.0001), sparse.quantile(0.0001), "the smallest rank");
        }
    }

    @Test
    void twoSparseHistogramsAddedUpAnswerAsOneOfAllTheirSamples() {
        final SplittableRandom random = new SplittableRandom(5);
        final Histogram all = Histograms.empty();
        final Histogram first = Histograms.empty();
        final Histogram second = Histograms.empty();
        for (int i = 0; i < 2_000; i++) {
            final long sample = random.nextLong(0, 3_000_000);
            all.recordValue(sample);
            (i % 3 == 0 ? first : second).recordValue(sample);
        }
        first.recordValue(0);
        all.recordValue(0);
        final SparseHistogram a = new SparseHistogram();
        a.add(Histograms.encode(first));
        final SparseHistogram b = new SparseHistogram();
        b.add(Histograms.encode(second));
        a.add(b);
        final SparseHistogram expected = new SparseHistogram();
        expected.add(Histograms.encode(all));
        assertEquals(expected.totalCount(), a.totalCount());
        for (final double q : new double[] {0.01, 0.25, 0.5, 0.9, 0.99, 1.0}) {
            assertEquals(expected.quantile(q), a.quantile(q), "quantile " + q);
            assertEquals(Histograms.quantile(all, q), a.quantile(q), "as the histogram of every sample, " + q);
        }
    }

    /**
     * The facts topics carry HdrHistogram's compressed encoding, a public contract: the thread's reused encoder must
     * write exactly HdrHistogram's bytes, for histograms small and large, one after the other (buffers reused, larger
     * then smaller), and they must decode to the same counts.
     */
    @Test
    void theEncodingIsHdrHistogramsCompressedEncodingByteForByte() {
        final SplittableRandom random = new SplittableRandom(11);
        for (int round = 0; round < 300; round++) {
            final Histogram histogram = Histograms.empty();
            final int n = 1 + random.nextInt(round % 3 == 0 ? 3 : 500);
            final double largest = Math.log(round % 2 == 0 ? 100 : 400_000_000);
            for (int i = 0; i < n; i++) {
                histogram.recordValue((long) Math.exp(random.nextDouble() * largest));
            }
            final ByteBuffer reference = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
            final int length = histogram.encodeIntoCompressedByteBuffer(reference);
            final ByteBuffer ours = Histograms.encode(histogram);
            assertEquals(ByteBuffer.wrap(reference.array(), 0, length), ours, "round " + round);
            assertEquals(histogram, Histograms.decode(ours), "round " + round);
        }
        assertEquals(0, Histograms.encode(Histograms.empty()).remaining());
    }
}
