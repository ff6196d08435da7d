package dev.dora.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The answer cache's validity rules: an answer is given again only at the version it was computed at. */
@Tag("unit")
class AnswerCacheTest {

    private final AtomicInteger computed = new AtomicInteger();

    private Supplier<byte[]> answer(final String text) {
        return () -> {
            computed.incrementAndGet();
            return text.getBytes(StandardCharsets.UTF_8);
        };
    }

    private static String text(final byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void anAnswerIsGivenAgainWhileTheVersionReadsTheSame() {
        final AnswerCache cache = new AnswerCache(AnswerCache.Settings.DEFAULT);
        assertEquals("a", text(cache.answer("q", Optional.of(List.of(1L, 2L)), answer("a"))));
        // an equal version, not the same object: versions are values
        assertEquals("a", text(cache.answer("q", Optional.of(List.of(1L, 2L)), answer("b"))));
        assertEquals(1, computed.get());
        assertEquals(1, cache.stats().hits());
        assertEquals(1, cache.stats().misses());
    }

    @Test
    void aNewVersionComputesTheAnswerAgainAndReplacesTheOldOne() {
        final AnswerCache cache = new AnswerCache(AnswerCache.Settings.DEFAULT);
        cache.answer("q", Optional.of(1L), answer("old"));
        assertEquals("new", text(cache.answer("q", Optional.of(2L), answer("new"))));
        // the old version's answer is gone, not kept beside the new one
        assertEquals("again", text(cache.answer("q", Optional.of(1L), answer("again"))));
        assertEquals(3, computed.get());
        assertEquals(1, cache.stats().entries());
    }

    @Test
    void differentRequestsNeverShareAnAnswer() {
        final AnswerCache cache = new AnswerCache(AnswerCache.Settings.DEFAULT);
        cache.answer("/api/v1/metrics?team=a", Optional.of(1L), answer("a"));
        assertEquals("b", text(cache.answer("/api/v1/metrics?team=b", Optional.of(1L), answer("b"))));
    }

    @Test
    void withoutAVersionEveryAnswerIsComputedAndNoneKept() {
        final AnswerCache cache = new AnswerCache(AnswerCache.Settings.DEFAULT);
        cache.answer("q", Optional.empty(), answer("a"));
        assertEquals("b", text(cache.answer("q", Optional.empty(), answer("b"))));
        assertEquals(2, cache.stats().bypassed());
        assertEquals(0, cache.stats().entries());
    }

    @Test
    void zeroEntriesDisablesTheCache() {
        final AnswerCache cache = new AnswerCache(new AnswerCache.Settings(0, 1 << 20));
        cache.answer("q", Optional.of(1L), answer("a"));
        assertEquals("b", text(cache.answer("q", Optional.of(1L), answer("b"))));
        assertEquals(0, cache.stats().hits());
        assertEquals(2, cache.stats().bypassed());
    }

    @Test
    void theLeastRecentlyUsedLeavesFirstWhenEntriesAreFull() {
        final AnswerCache cache = new AnswerCache(new AnswerCache.Settings(2, 1 << 20));
        cache.answer("a", Optional.of(1L), answer("a"));
        cache.answer("b", Optional.of(1L), answer("b"));
        cache.answer("a", Optional.of(1L), answer("a"));  // a used last
        cache.answer("c", Optional.of(1L), answer("c"));  // b leaves
        assertEquals(3, computed.get());
        cache.answer("a", Optional.of(1L), answer("a"));
        assertEquals(3, computed.get());
        cache.answer("b", Optional.of(1L), answer("b"));
        assertEquals(4, computed.get());
        assertEquals(2, cache.stats().entries());
    }

    @Test
    void theBytesKeptStayWithinTheirBound() {
        final AnswerCache cache = new AnswerCache(new AnswerCache.Settings(1_000, 8_000));
        final String big = "x".repeat(900);
        for (int i = 0; i < 50; i++) {
            cache.answer("k" + i, Optional.of(1L), answer(big));
        }
        final AnswerCache.Stats stats = cache.stats();
        assertEquals(true, stats.bytes() <= 8_000, "bytes kept: " + stats.bytes());
        assertEquals(true, stats.entries() >= 7, "entries kept: " + stats.entries());
        // larger than an eighth of the bound: computed, given, never kept
        cache.answer("huge", Optional.of(1L), answer("y".repeat(2_000)));
        cache.answer("huge", Optional.of(1L), answer("y".repeat(2_000)));
        assertEquals(52, computed.get());
    }

    @Test
    void aFailedAnswerIsNotKept() {
        final AnswerCache cache = new AnswerCache(AnswerCache.Settings.DEFAULT);
        assertThrows(ApiException.class, () -> cache.answer("q", Optional.of(1L), () -> {
            throw ApiException.notFound("service: no events have named service 'x'");
        }));
        assertEquals("a", text(cache.answer("q", Optional.of(1L), answer("a"))));
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void identicalRequestsWhileOneComputesShareItsAnswer() throws Exception {
        final AnswerCache cache = new AnswerCache(AnswerCache.Settings.DEFAULT);
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            final Future<byte[]> first = pool.submit(() -> cache.answer("q", Optional.of(7L), () -> {
                computed.incrementAndGet();
                started.countDown();
                await(release);
                return "shared".getBytes(StandardCharsets.UTF_8);
            }));
            started.await();
            final List<Future<byte[]>> others = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                others.add(pool.submit(() -> cache.answer("q", Optional.of(7L), answer("own"))));
            }
            // the others are waiting on the first (or, had they come after it, would hit its kept answer)
            Awaitility.await().atMost(10, TimeUnit.SECONDS)
                    .until(() -> cache.stats().shared() == 7);
            release.countDown();
            final byte[] answer = first.get();
            for (final Future<byte[]> other : others) {
                assertSame(answer, other.get());
            }
            assertEquals(1, computed.get());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aCachedAnswerIsByteForByteTheComputedOne() {
        final AnswerCache cache = new AnswerCache(AnswerCache.Settings.DEFAULT);
        final byte[] computedOnce = cache.answer("q", Optional.of(1L), answer("{\"a\":1}"));
        assertArrayEquals(computedOnce, cache.answer("q", Optional.of(1L), answer("other")));
    }

    private static void await(final CountDownLatch latch) {
        try {
            latch.await();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
