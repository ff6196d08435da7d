package dev.dora.launcher.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Concurrent clients asking one kind of query as fast as the answers come: first a warm-up (a number of requests, at
 * most ten seconds; {@link #prime} asks as many before, once for every kind), then a measured run of a fixed number
 * of requests or a fixed time, whichever ends first. Latency is the client's: from sending the request to the whole
 * answer read. Only 200 answers count; the others are errors.
 *
 * <p>Each client asks through {@link DoraApi#fetch}, a blocking request on a kept-alive connection: the clients
 * share the two cores with the server, and {@code java.net.http.HttpClient}'s hand-offs between its selector and
 * the caller cost them more CPU per request than dora spent answering (0.27 against 0.12 ms for
 * a static file), so its queue was most of what the latencies measured.
 */
final class QueryLoad {

    private static final Duration WARM_UP_LIMIT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Latencies in milliseconds; and what the API's answer cache did during the measured run ({@code queryCache} of
     * {@code GET /api/v1/health}: answers given again, computed, and requests that waited for an identical one), -1
     * when the API does not say. The CPU per request is what the dora process (everything in it, the stream threads'
     * idle polling included) and the harness's clients used during the measured run, divided by its requests: with
     * 16 clients on 2 cores, a request's latency is mostly the queue of the others' CPU ahead of it.
     */
    record Result(String kind, long requests, long errors, double p50, double p99, double max, double seconds,
                  long cacheHits, long cacheMisses, long cacheShared, double doraCpuMillisPerRequest,
                  double clientCpuMillisPerRequest) {
        double perSecond() {
            return requests / seconds;
        }

        /**
         * The figures of this run of {@code kind}: p50, p99 (against the kind's target, if it has one) and dora's CPU
         * per request; no value where nothing was measured.
         */
        List<Figure> figures(final Queries.Kind kind, final int clients) {
            final String note = String.format("%,d requests by %d clients, %d errors", requests, clients, errors);
            final String id = "queries." + kind.id();
            final Double p50Value = requests > 0 ? p50 : null;
            final Double p99Value = requests > 0 ? p99 : null;
            final Figure p99Figure = Double.isNaN(kind.targetP99Millis)
                    ? Figure.info(id + ".p99", "query p99: " + kind.label, p99Value, "ms", note)
                    : Figure.targeted(id + ".p99", "query p99: " + kind.label, p99Value, "ms",
                            Figure.Target.atMost(kind.targetP99Millis,
                                    String.format("≤ %.0f ms", kind.targetP99Millis)), note);
            return List.of(Figure.info(id + ".p50", "query p50: " + kind.label, p50Value, "ms", note), p99Figure,
                    Figure.info(id + ".doraCpu", "dora CPU per request: " + kind.label,
                            Double.isNaN(doraCpuMillisPerRequest) ? null : doraCpuMillisPerRequest, "ms",
                            "the whole dora process during the measured run"));
        }
    }

    private QueryLoad() {
    }

    /**
     * Primes every kind in turn ({@link #prime}) before any is measured: a dashboard's server has answered its
     * questions many times before, and the JIT's compiling of the later kinds must not count in the earlier ones.
     */
    static void primeAll(final DoraApi api, final Map<Queries.Kind, List<String>> questions,
                         final BenchSettings.Querying querying) throws InterruptedException {
        for (final List<String> urls : questions.values()) {
            prime(api, urls, querying);
        }
    }

    /**
     * Asks the last {@code warmUp} questions of {@code urls} (a cold kind's list holds them beyond those {@link #run}
     * asks), at most ten seconds' worth, measuring nothing.
     */
    static void prime(final DoraApi api, final List<String> urls, final BenchSettings.Querying querying)
            throws InterruptedException {
        final int warmUp = querying.warmUp();
        runClients(api, urls, querying.clients(), new AtomicLong(Math.max(0, urls.size() - warmUp)),
                new AtomicLong(), warmUp, System.nanoTime() + WARM_UP_LIMIT.toNanos(), new AtomicLong());
    }

    static Result run(final DoraApi api, final long doraPid, final Queries.Kind kind, final List<String> urls,
                      final BenchSettings.Querying querying) throws InterruptedException {
        final int clients = querying.clients();
        final int requests = querying.requests();
        final Duration limit = Duration.ofSeconds(querying.seconds());
        final AtomicLong next = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        runClients(api, urls, clients, next, new AtomicLong(), querying.warmUp(),
                System.nanoTime() + WARM_UP_LIMIT.toNanos(), new AtomicLong());
        final AtomicLong recorded = new AtomicLong();
        final long[] cacheBefore = cache(api);
        final double doraCpuBefore = ProcStats.cpuSeconds(doraPid).orElse(Double.NaN);
        final double clientCpuBefore = ProcStats.ownCpuSeconds();
        final long started = System.nanoTime();
        final List<Histogram> histograms = runClients(api, urls, clients, next, recorded, requests,
                started + limit.toNanos(), errors);
        final double seconds = (System.nanoTime() - started) / 1e9;
        final double doraCpu = ProcStats.cpuSeconds(doraPid).orElse(Double.NaN) - doraCpuBefore;
        final double clientCpu = ProcStats.ownCpuSeconds() - clientCpuBefore;
        final long[] cacheAfter = cache(api);
        final Histogram all = new Histogram(3);
        histograms.forEach(all::add);
        final long[] cache = new long[3];
        for (int i = 0; i < 3; i++) {
            cache[i] = cacheBefore[i] < 0 || cacheAfter[i] < 0 ? -1 : cacheAfter[i] - cacheBefore[i];
        }
        final long answered = all.getTotalCount() + errors.get();
        return new Result(kind.id(), all.getTotalCount(), errors.get(), millis(all.getValueAtPercentile(50)),
                millis(all.getValueAtPercentile(99)), millis(all.getMaxValue()), seconds, cache[0], cache[1],
                cache[2], perRequest(doraCpu, answered), perRequest(clientCpu, answered));
    }

    /** The answer cache's hits, misses and shared computations so far; -1 each when the API does not say. */
    private static long[] cache(final DoraApi api) throws InterruptedException {
        try {
            final JsonNode stats = JSON.readTree(api.get("/api/v1/health").body()).path("queryCache");
            return new long[] {stats.path("hits").asLong(-1), stats.path("misses").asLong(-1),
                stats.path("shared").asLong(-1)};
        } catch (final IOException e) {
            return new long[] {-1, -1, -1};
        }
    }

    /** Runs the clients until {@code count} requests were taken or the deadline passed; one histogram per client. */
    private static List<Histogram> runClients(final DoraApi api, final List<String> urls, final int clients,
                                              final AtomicLong next, final AtomicLong taken, final long count,
                                              final long deadline, final AtomicLong errors)
            throws InterruptedException {
        final ExecutorService pool = Executors.newFixedThreadPool(clients);
        final List<Future<Histogram>> results = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            results.add(pool.submit(() -> {
                final Histogram histogram = new Histogram(3); // microseconds
                while (taken.getAndIncrement() < count && System.nanoTime() < deadline) {
                    final String url = urls.get((int) (next.getAndIncrement() % urls.size()));
                    final long sent = System.nanoTime();
                    try {
                        if (api.fetch(url) == 200) {
                            histogram.recordValue(Math.max(1, (System.nanoTime() - sent) / 1_000));
                        } else {
                            errors.incrementAndGet();
                        }
                    } catch (final IOException e) {
                        errors.incrementAndGet();
                    }
                }
                return histogram;
            }));
        }
        pool.shutdown();
        final List<Histogram> histograms = new ArrayList<>();
        for (final Future<Histogram> result : results) {
            try {
                histograms.add(result.get());
            } catch (final ExecutionException e) {
                throw new IllegalStateException("a query client failed", e.getCause());
            }
        }
        return histograms;
    }

    private static double perRequest(final double cpuSeconds, final long requests) {
        return requests == 0 ? Double.NaN : cpuSeconds * 1000 / requests;
    }

    private static double millis(final long micros) {
        return micros / 1000.0;
    }
}
