package dev.dora.api;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The query API's answers, each kept with the version of the state it was computed from and given again only while
 * the state reads the same version: an exact cache, never a stale one. Dashboards ask the same questions at every
 * refresh; between two changes of the pipeline's state each is computed once.
 *
 * <ul>
 *   <li>The version is read before the answer is computed, so anything that changes while it is computed moves the
 *       next reading and the answer is not given again.</li>
 *   <li>No version (the state not wholly readable, here or on another instance answering as one with this one):
 *       computed every time.</li>
 *   <li>Identical requests at the same version that arrive while one is computing wait for its answer instead of
 *       computing it again (single flight), errors included.</li>
 *   <li>Bounded: at most {@code maxEntries} answers and {@code maxBytes} of them, the least recently used leaving
 *       first; an answer larger than an eighth of {@code maxBytes} is not kept.</li>
 * </ul>
 */
final class AnswerCache {

    /**
     * How much the cache holds.
     *
     * @param maxEntries the most answers kept; 0 disables the cache
     * @param maxBytes   the most bytes of answers kept
     */
    record Settings(int maxEntries, long maxBytes) {

        /** 1,000 answers, 64 MiB. */
        static final Settings DEFAULT = new Settings(1_000, 64L << 20);

        Settings {
            if (maxEntries < 0 || maxBytes < 0) {
                throw new IllegalArgumentException("the query cache's bounds must not be negative");
            }
        }
    }

    /**
     * What the cache did since the start, as {@code GET /api/v1/health} shows it.
     *
     * @param hits     answers given again
     * @param misses   answers computed and kept
     * @param shared   requests that waited for an identical one computing instead of computing themselves
     * @param bypassed answers computed without the cache (disabled, or no version of the state)
     * @param entries  answers kept now
     * @param bytes    their bytes
     */
    record Stats(long hits, long misses, long shared, long bypassed, int entries, long bytes, int maxEntries,
                 long maxBytes) {
    }

    private record Entry(Object version, byte[] answer) {
    }

    private record Flight(String key, Object version) {
    }

    private final Settings settings;
    /** In access order: the eldest is the least recently used. Guarded by {@code this}. */
    private final LinkedHashMap<String, Entry> answers = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<Flight, CompletableFuture<byte[]>> computing = new ConcurrentHashMap<>();
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private final AtomicLong shared = new AtomicLong();
    private final AtomicLong bypassed = new AtomicLong();
    private long bytes;

    AnswerCache(final Settings settings) {
        this.settings = settings;
    }

    boolean enabled() {
        return settings.maxEntries() > 0 && settings.maxBytes() > 0;
    }

    /**
     * The answer to the request {@code key} (everything the answer depends on but the state) at {@code version}:
     * the one kept if it was computed at an equal version, else {@code compute}'s.
     */
    byte[] answer(final String key, final Optional<?> version, final Supplier<byte[]> compute) {
        if (!enabled() || version.isEmpty()) {
            bypassed.incrementAndGet();
            return compute.get();
        }
        final Object at = version.get();
        final byte[] kept = kept(key, at);
        if (kept != null) {
            hits.incrementAndGet();
            return kept;
        }
        final Flight flight = new Flight(key, at);
        final CompletableFuture<byte[]> mine = new CompletableFuture<>();
        final CompletableFuture<byte[]> running = computing.putIfAbsent(flight, mine);
        if (running != null) {
            shared.incrementAndGet();
            return await(running);
        }
        misses.incrementAndGet();
        try {
            final byte[] answer = compute.get();
            keep(key, new Entry(at, answer));
            mine.complete(answer);
            return answer;
        } catch (final RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            computing.remove(flight, mine);
        }
    }

    private synchronized byte[] kept(final String key, final Object version) {
        final Entry entry = answers.get(key);
        return entry != null && entry.version().equals(version) ? entry.answer() : null;
    }

    private synchronized void keep(final String key, final Entry entry) {
        final long size = size(key, entry);
        if (size > settings.maxBytes() / 8) {
            return;
        }
        final Entry before = answers.put(key, entry);
        bytes += size - (before == null ? 0 : size(key, before));
        final Iterator<Map.Entry<String, Entry>> eldest = answers.entrySet().iterator();
        while (answers.size() > settings.maxEntries() || bytes > settings.maxBytes()) {
            final Map.Entry<String, Entry> out = eldest.next();
            bytes -= size(out.getKey(), out.getValue());
            eldest.remove();
        }
    }

    /** An answer's bytes and its key's (two bytes a char), roughly what it holds on the heap. */
    private static long size(final String key, final Entry entry) {
        return entry.answer().length + 2L * key.length();
    }

    private static byte[] await(final CompletableFuture<byte[]> running) {
        try {
            return running.join();
        } catch (final CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error cause) {
                throw cause;
            }
            throw e;
        }
    }

    synchronized Stats stats() {
        return new Stats(hits.get(), misses.get(), shared.get(), bypassed.get(), answers.size(), bytes,
                settings.maxEntries(), settings.maxBytes());
    }
}
