package dev.dora.launcher.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The dora process's CPU by kind of thread, from its thread dump ({@code jcmd <pid> Thread.print}, whose every
 * thread, the JVM's own included, states the CPU it has used). A JFR profile samples Java threads only, for part of
 * a run: the JIT compilers and the collector, a fifth of a backfill's CPU, are not in it, and the broker's log
 * cleaner works in bursts a window of a minute may catch or miss. Two dumps, at the backfill's start and once every
 * answer is final, give every kind's share over the whole of it. The process's CPU that no listed thread accounts
 * for is RocksDB's native compaction and flush threads and threads that ended in between.
 */
final class ThreadCpu {

    /** A thread's name and CPU in a dump line: {@code "name" #12 daemon prio=5 os_prio=0 cpu=123.45ms ...}. */
    private static final Pattern THREAD = Pattern.compile("^\"(.*)\" .*?\\bcpu=([0-9.]+)ms");
    private static final Duration DUMP_TIMEOUT = Duration.ofSeconds(30);

    /** The kinds, in the order a thread's name is tried against them: the first that matches takes it. */
    enum Kind {
        STREAM_THREADS("streamThreads", "Kafka Streams' stream threads (the topology, its stores, its commits)",
                "-StreamThread-\\d+$"),
        STREAMS_OTHER("streamsOther", "Kafka Streams' other threads (global store, state updater)",
                "^dora-metrics-.*(GlobalStreamThread|StateUpdater|CleanupThread)"),
        CLIENT_NETWORK("clientNetwork", "Kafka clients' network threads (producers, consumers, admin)",
                "^kafka-(producer-network-thread|coordinator-heartbeat-thread|admin-client-thread)"),
        LOG_CLEANER("logCleaner", "the broker's log cleaner (changelog compaction)", "^kafka-log-cleaner-thread"),
        BROKER("broker", "the broker's other threads (requests, transactions, coordinators, metadata)",
                "^(data-plane-kafka|kafka-|TxnMarkerSender|AddPartitionsToTxn|group-coordinator|share-coordinator"
                        + "|transaction-|executor-|ExpirationReaper|quorum-controller|controller-|broker-|raft"
                        + "|LogDirFailureHandler)"),
        JIT("jit", "the JIT compilers (and the code cache's sweeper)", "^(C[12] CompilerThread|Sweeper thread)"),
        GC("gc", "the garbage collector", "^(GC Thread|G1 |ZGC|Parallel)"),
        DORA_TASKS("doraTasks", "dora's own tasks (weekly reports, the Prometheus gauges' refresh)",
                "^dora-(weekly-reports|metrics-refresh|catalog-follower|webhook-deliveries)$"),
        OTHER("other", "every other thread (HTTP, dora's other tasks, the JVM's)", "");

        private final String id;
        private final String label;
        private final Pattern name;

        Kind(final String id, final String label, final String name) {
            this.id = id;
            this.label = label;
            this.name = Pattern.compile(name);
        }

        static Kind of(final String threadName) {
            for (final Kind kind : values()) {
                if (kind.name.matcher(threadName).find()) {
                    return kind;
                }
            }
            return OTHER;
        }
    }

    /** The id of what no thread in either dump accounts for. */
    static final String UNLISTED = "nativeAndEnded";

    private ThreadCpu() {
    }

    /** CPU seconds by kind of thread so far; empty when the dump cannot be taken (no {@code jcmd}, no process). */
    static Map<Kind, Double> sample(final long pid) {
        final Map<Kind, Double> byKind = new LinkedHashMap<>();
        if (!JfrRecording.available()) {
            return byKind;
        }
        try {
            return parse(JfrRecording.run(pid, DUMP_TIMEOUT, "Thread.print"));
        } catch (final IOException e) {
            return byKind;
        }
    }

    /** The CPU seconds of a thread dump's threads, by kind. */
    static Map<Kind, Double> parse(final String dump) {
        final Map<Kind, Double> byKind = new LinkedHashMap<>();
        for (final Kind kind : Kind.values()) {
            byKind.put(kind, 0.0);
        }
        for (final String line : dump.split("\n")) {
            final Matcher thread = THREAD.matcher(line);
            if (thread.find()) {
                byKind.merge(Kind.of(thread.group(1)), Double.parseDouble(thread.group(2)) / 1000, Double::sum);
            }
        }
        return byKind;
    }

    /**
     * What each kind used between two samples, in CPU seconds by id, and what the process used beyond them
     * ({@link #UNLISTED}); empty when either sample is.
     */
    static Map<String, Double> between(final Map<Kind, Double> before, final Map<Kind, Double> after,
                                       final double processCpuSeconds) {
        final Map<String, Double> used = new LinkedHashMap<>();
        if (before.isEmpty() || after.isEmpty()) {
            return used;
        }
        double listed = 0;
        for (final Kind kind : Kind.values()) {
            final double seconds = Math.max(0, after.getOrDefault(kind, 0.0) - before.getOrDefault(kind, 0.0));
            used.put(kind.id, seconds);
            listed += seconds;
        }
        used.put(UNLISTED, Double.isNaN(processCpuSeconds) ? null : Math.max(0, processCpuSeconds - listed));
        return used;
    }

    /** One figure per kind: its CPU per 1,000 events over the backfill, with its share of the process's. */
    static List<Figure> figures(final Map<String, Double> used, final long events, final OptionalDouble total) {
        final List<Figure> figures = new ArrayList<>();
        for (final Map.Entry<String, Double> entry : used.entrySet()) {
            final Double seconds = entry.getValue();
            final String note = seconds == null || total.isEmpty() ? null
                    : String.format("%.0f CPU-s, %.0f %% of the process's", seconds, 100 * seconds / total.getAsDouble());
            figures.add(Figure.info("backfill.cpuByThreads." + entry.getKey(), "  of which " + label(entry.getKey()),
                    seconds == null ? null : seconds / events * 1000, "CPU-s", note));
        }
        return figures;
    }

    private static String label(final String id) {
        for (final Kind kind : Kind.values()) {
            if (kind.id.equals(id)) {
                return kind.label;
            }
        }
        return "no thread listed (RocksDB's native threads, threads that ended)";
    }
}
