package dev.dora.launcher.bench;

import dev.dora.schema.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Where the time of a live event goes, from its {@code 202} to its visibility in the answers: runs the freshness
 * phase's {@link LiveTraffic} against a running {@code dora serve} and watches, with consumers of its own, when each
 * probe deployment appears in the input topic, in the ledger's repartition topic (written by the resolver, then
 * committed with the resolver's transaction), in {@code dora.facts.deployments} (committed with the ledger's
 * transaction), and when {@code GET /api/v1/deployments/{id}} first answers it. Prints each stage's delay after the
 * {@code 202}, p50 / p90 / p99, in milliseconds:
 *
 * <pre>java -cp dora.jar dev.dora.launcher.bench.FreshnessStages URL BOOTSTRAP [RATE] [SECONDS]</pre>
 *
 * <p>The consumers add a little load of their own; a read_committed one fetching with the default
 * {@code fetch.max.wait.ms} (500 ms, as Kafka Streams' consumers do) and one with 5 ms show whether the broker
 * holds committed records back.
 */
public final class FreshnessStages implements LiveTraffic.ProbeListener {

    private static final String[] STAGES = {"202", "input topic", "repartitioned, written", "repartitioned, committed",
        "repartitioned, committed (5 ms fetch wait)", "fact committed", "visible"};
    private static final int ACK = 0;
    private static final int VISIBLE = 6;
    private static final Duration WARM_UP = Duration.ofSeconds(10);

    private final Map<String, long[]> times = new ConcurrentHashMap<>();
    private volatile boolean running = true;

    private FreshnessStages() {
    }

    /**
     * @param args the API's URL, the Kafka bootstrap servers, and optionally events per second (100) and seconds (30)
     */
    public static void main(final String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: FreshnessStages URL BOOTSTRAP [RATE] [SECONDS]");
            System.exit(2);
        }
        final int rate = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        final int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 30;
        final DoraApi api = new DoraApi(args[0], Executors.newFixedThreadPool(4));
        final FreshnessStages stages = new FreshnessStages();
        final String repartition = repartitionTopic(args[1]);
        try (LiveTraffic traffic = new LiveTraffic(api, rate, "stages-" + System.currentTimeMillis(), stages)) {
            final byte[] prefix = traffic.probePrefix().getBytes(StandardCharsets.UTF_8);
            final List<Thread> watchers = List.of(
                    stages.watch(args[1], Topics.DEPLOYMENTS.name(), false, 500, 1, prefix),
                    stages.watch(args[1], repartition, false, 500, 2, prefix),
                    stages.watch(args[1], repartition, true, 500, 3, prefix),
                    stages.watch(args[1], repartition, true, 5, 4, prefix),
                    stages.watch(args[1], Topics.DEPLOYMENT_FACTS.name(), true, 500, 5, prefix));
            // every watcher has its position before the first probe
            Thread.sleep(3_000);
            final LiveTraffic.Result result = Freshness.record(traffic, WARM_UP, seconds, Duration.ofMinutes(1));
            stages.running = false;
            for (final Thread watcher : watchers) {
                watcher.join(5_000);
            }
            System.out.printf("%d probes at %d events/s, %d lost; harness p50 %.0f ms, p99 %.0f ms%n",
                    result.probes(), rate, result.lost(), result.p50(), result.p99());
        }
        stages.print();
        System.exit(0);
    }

    @Override
    public void acknowledged(final String probe, final long nanos) {
        stamp(probe, ACK, nanos);
    }

    @Override
    public void visible(final String probe, final long nanos) {
        stamp(probe, VISIBLE, nanos);
    }

    private void stamp(final String probe, final int stage, final long nanos) {
        final long[] stamps = times.computeIfAbsent(probe, p -> new long[STAGES.length]);
        synchronized (stamps) {
            if (stamps[stage] == 0) {
                stamps[stage] = nanos;
            }
        }
    }

    private static String repartitionTopic(final String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            return admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                    .filter(name -> name.endsWith("-ledger-entities-repartition")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no ledger-entities repartition topic: is dora "
                            + "serve running on " + bootstrap + "?"));
        }
    }

    private Thread watch(final String bootstrap, final String topic, final boolean committed, final int fetchWaitMs,
                         final int stage, final byte[] prefix) {
        final Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, committed ? "read_committed" : "read_uncommitted");
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, fetchWaitMs);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        final KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props);
        final List<TopicPartition> partitions = new ArrayList<>();
        consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        final Thread thread = new Thread(() -> {
            try (consumer) {
                while (running) {
                    for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                        final long now = System.nanoTime();
                        final String probe = probeIn(record.value(), prefix);
                        if (probe != null) {
                            stamp(probe, stage, now);
                        }
                    }
                }
            }
        }, "stages-" + stage);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** The probe id in a record's bytes: Avro writes strings as their UTF-8 bytes. */
    static String probeIn(final byte[] value, final byte[] prefix) {
        if (value == null) {
            return null;
        }
        final int width = prefix.length + LiveTraffic.PROBE_DIGITS;
        for (int i = 0; i + width <= value.length; i++) {
            if (matches(value, i, prefix) && digits(value, i + prefix.length)) {
                return new String(value, i, width, StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static boolean matches(final byte[] value, final int at, final byte[] prefix) {
        for (int j = 0; j < prefix.length; j++) {
            if (value[at + j] != prefix[j]) {
                return false;
            }
        }
        return true;
    }

    private static boolean digits(final byte[] value, final int at) {
        for (int j = 0; j < LiveTraffic.PROBE_DIGITS; j++) {
            if (value[at + j] < '0' || value[at + j] > '9') {
                return false;
            }
        }
        return true;
    }

    private void print() {
        final List<long[]> probes = new ArrayList<>();
        times.values().stream().filter(t -> t[ACK] != 0 && t[VISIBLE] != 0).forEach(probes::add);
        System.out.printf("%-46s %8s %8s %8s %6s%n", "after the 202 (ms)", "p50", "p90", "p99", "n");
        for (int stage = 1; stage < STAGES.length; stage++) {
            row(STAGES[stage], probes, ACK, stage);
        }
        System.out.println("between stages:");
        row("input topic → repartitioned, written", probes, 1, 2);
        row("written → committed (resolver's transaction)", probes, 2, 3);
        row("committed → fact committed", probes, 3, 5);
        row("fact committed → visible", probes, 5, VISIBLE);
    }

    private static void row(final String label, final List<long[]> probes, final int from, final int to) {
        final List<Double> delays = new ArrayList<>();
        for (final long[] stamps : probes) {
            if (stamps[from] != 0 && stamps[to] != 0) {
                delays.add((stamps[to] - stamps[from]) / 1e6);
            }
        }
        if (delays.isEmpty()) {
            System.out.printf("%-46s %8s%n", label, "-");
            return;
        }
        Collections.sort(delays);
        System.out.printf("%-46s %8.1f %8.1f %8.1f %6d%n", label, quantile(delays, 0.5), quantile(delays, 0.9),
                quantile(delays, 0.99), delays.size());
    }

    private static double quantile(final List<Double> sorted, final double q) {
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1)));
    }
}
