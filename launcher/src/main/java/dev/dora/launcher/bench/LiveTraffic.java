package dev.dora.launcher.bench;

import dev.dora.events.ChangeEvent;
import dev.dora.events.DeploymentEvent;
import dev.dora.events.DeploymentStatus;
import dev.dora.events.DeploymentStrategy;
import dev.dora.ingest.CanonicalEvents;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Live events at a steady rate, one per {@code POST /api/v1/events} as webhooks arrive, for {@value #SERVICES}
 * services of the team {@code live}: each service commits nine times, then deploys its head to production. Every
 * deployment is a probe: from the moment its POST is answered 202 (the event is durable), {@code GET
 * /api/v1/deployments/{id}} is polled until it answers 200, which happens when the ledger has processed it, in the same
 * step that updates the metrics' day buckets. A probe is polled every {@value #MIN_POLL_MILLIS} ms, or every 5 % of
 * its age once older than 100 ms, so each delay is exact to that step while the polling itself stays a small load.
 */
final class LiveTraffic implements AutoCloseable {

    static final int SERVICES = 10;
    static final String TEAM = "live";
    private static final int EVENTS_PER_DEPLOYMENT = 10;
    private static final long MIN_POLL_MILLIS = 5;
    static final int PROBE_DIGITS = 9;

    /** Told when each probe was acknowledged and when it was first seen visible ({@link System#nanoTime()}). */
    interface ProbeListener {
        ProbeListener NONE = new ProbeListener() {
        };

        default void acknowledged(final String probe, final long nanos) {
        }

        default void visible(final String probe, final long nanos) {
        }
    }

    /** What the probes measured; delays in milliseconds. */
    record Result(long events, long postErrors, long probes, long lost, double p50, double p99, double max,
                  double postP50, double postP99) {
    }

    private final DoraApi api;
    private final String tag;
    private final long periodMicros;
    private final ScheduledExecutorService ticker =
            Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "bench-live"));
    private final ScheduledExecutorService poller = Executors.newScheduledThreadPool(2, r -> daemon(r, "bench-probe"));
    private final String[] heads = new String[SERVICES];
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong postErrors = new AtomicLong();
    private final Set<String> outstanding = ConcurrentHashMap.newKeySet();
    private final Histogram delays = new Histogram(3);
    private final Histogram posts = new Histogram(3);
    private final ProbeListener listener;
    private volatile boolean recording;
    private long tick;

    LiveTraffic(final DoraApi api, final int eventsPerSecond, final String tag) {
        this(api, eventsPerSecond, tag, ProbeListener.NONE);
    }

    LiveTraffic(final DoraApi api, final int eventsPerSecond, final String tag, final ProbeListener listener) {
        this.api = api;
        this.tag = tag;
        this.periodMicros = Math.max(1, 1_000_000L / eventsPerSecond);
        this.listener = listener;
    }

    /** The prefix of every probe's deployment id, followed by {@value #PROBE_DIGITS} digits. */
    String probePrefix() {
        return "live-" + tag + "-";
    }

    void start() {
        ticker.scheduleAtFixedRate(this::sendNext, 0, periodMicros, TimeUnit.MICROSECONDS);
    }

    /** Whether probes posted from now on count. */
    void recording(final boolean on) {
        recording = on;
    }

    /** Stops posting; probes already posted are still followed. */
    void stop() throws InterruptedException {
        ticker.shutdown();
        ticker.awaitTermination(10, TimeUnit.SECONDS);
    }

    /** Waits until every counted probe was seen (or the timeout passed: those are lost) and returns the delays. */
    Result awaitProbes(final Duration timeout) throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!outstanding.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        final long lost = outstanding.size();
        synchronized (delays) {
            return new Result(sent.get(), postErrors.get(), delays.getTotalCount() + lost, lost,
                    millis(delays.getValueAtPercentile(50)), millis(delays.getValueAtPercentile(99)),
                    millis(delays.getMaxValue()), millis(posts.getValueAtPercentile(50)),
                    millis(posts.getValueAtPercentile(99)));
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        poller.shutdownNow();
    }

    private void sendNext() {
        final long i = tick++;
        final int service = (int) (i % SERVICES);
        final long k = i / SERVICES;
        final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        final String name = String.format("live-svc-%02d", service + 1);
        final boolean deploys = k % EVENTS_PER_DEPLOYMENT == EVENTS_PER_DEPLOYMENT - 1 && heads[service] != null;
        final String json;
        final String probe;
        if (deploys) {
            // fixed width, so that the id can be found in a record's bytes (FreshnessStages)
            probe = probePrefix() + String.format("%0" + PROBE_DIGITS + "d", i);
            json = CanonicalEvents.toJson(DeploymentEvent.newBuilder().setId(probe).setService(name).setTeam(TEAM)
                    .setSource("bench").setOccurredAt(now).setEnvironment("production")
                    .setStatus(DeploymentStatus.success).setFinishedAt(now).setSha(heads[service])
                    .setStartedAt(now.minusSeconds(120)).setRollbackOf(null).setStrategy(DeploymentStrategy.rolling)
                    .build()).toString();
        } else {
            probe = null;
            final String sha = sha(tag + "/" + name + "/" + k);
            final List<String> parents = heads[service] == null ? List.of() : List.of(heads[service]);
            json = CanonicalEvents.toJson(ChangeEvent.newBuilder().setId(sha).setService(name).setTeam(TEAM)
                    .setSource("bench").setOccurredAt(now).setSha(sha).setParents(new ArrayList<>(parents))
                    .setCommittedAt(now.minusSeconds(60)).setRepo("acme/" + name).setBranch("main")
                    .setAuthoredAt(now.minusSeconds(60)).build()).toString();
            heads[service] = sha;
        }
        final boolean counted = recording;
        final long postedAt = System.nanoTime();
        sent.incrementAndGet();
        if (probe != null && counted) {
            outstanding.add(probe);
        }
        api.postAsync(json).whenComplete((response, failure) -> {
            final long answeredAt = System.nanoTime();
            if (failure != null || response.statusCode() != 202) {
                postErrors.incrementAndGet();
                if (probe != null) {
                    outstanding.remove(probe);
                }
                return;
            }
            if (counted) {
                synchronized (delays) {
                    posts.recordValue(Math.max(1, (answeredAt - postedAt) / 1_000));
                }
            }
            if (probe != null) {
                if (counted) {
                    listener.acknowledged(probe, answeredAt);
                }
                poll(probe, answeredAt, counted);
            }
        });
    }

    private void poll(final String probe, final long acknowledgedAt, final boolean counted) {
        final long sentAt = System.nanoTime();
        api.getAsync("/api/v1/deployments/" + probe).whenComplete((response, failure) -> {
            if (failure == null && response.statusCode() == 200) {
                if (counted && outstanding.remove(probe)) {
                    listener.visible(probe, sentAt);
                    synchronized (delays) {
                        // it was not visible one polling step before this request was sent
                        delays.recordValue(Math.max(1, (sentAt - acknowledgedAt) / 1_000));
                    }
                }
                return;
            }
            if (poller.isShutdown()) {
                return;
            }
            final long age = System.nanoTime() - acknowledgedAt;
            final long wait = Math.max(TimeUnit.MILLISECONDS.toNanos(MIN_POLL_MILLIS), age / 20);
            poller.schedule(() -> poll(probe, acknowledgedAt, counted), wait, TimeUnit.NANOSECONDS);
        });
    }

    private static String sha(final String seed) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(seed.getBytes(StandardCharsets.UTF_8)));
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static double millis(final long micros) {
        return micros / 1000.0;
    }

    private static Thread daemon(final Runnable runnable, final String name) {
        final Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }
}
