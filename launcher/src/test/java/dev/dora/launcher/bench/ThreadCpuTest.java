package dev.dora.launcher.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A dora process's thread dump, its threads' CPU grouped by kind, and the figures they make. */
@Tag("unit")
class ThreadCpuTest {

    private static final String APP = "dora-metrics-2b09eef1-8cfe0d67-052e-4d4d-9e90-705238b56f9d";

    /** Lines as {@code jcmd <pid> Thread.print} wrote them for a {@code dora serve} during a backfill. */
    private static String dump(final double streamThreadMs, final double compilerMs) {
        return String.join("\n",
                "Full thread dump OpenJDK 64-Bit Server VM (17.0.15+6-Debian-1deb12u1 mixed mode, sharing):",
                "",
                "\"main\" #1 prio=5 os_prio=0 cpu=2155.35ms elapsed=99.94s tid=0x00007f5ac4018410 nid=0x26d1 waiting",
                "   java.lang.Thread.State: WAITING (parking)",
                "\"C2 CompilerThread0\" #7 daemon prio=9 os_prio=0 cpu=" + compilerMs + "ms elapsed=99.81s tid=0x1",
                "\"C1 CompilerThread0\" #8 daemon prio=9 os_prio=0 cpu=1000.00ms elapsed=99.81s tid=0x2",
                "\"data-plane-kafka-request-handler-0\" #78 daemon prio=5 os_prio=0 cpu=1677.85ms elapsed=97.83s",
                "\"kafka-1-raft-io-thread\" #24 prio=5 os_prio=0 cpu=406.26ms elapsed=98.19s tid=0x3",
                "\"kafka-log-cleaner-thread-0\" #90 prio=5 os_prio=0 cpu=500.00ms elapsed=97.00s tid=0x4",
                "\"kafka-producer-network-thread | " + APP + "-StreamThread-1-producer\" daemon prio=5 os_prio=0"
                        + " cpu=2110.00ms elapsed=96.10s tid=0x5",
                "\"" + APP + "-GlobalStreamThread\" prio=5 os_prio=0 cpu=1277.42ms elapsed=96.02s tid=0x6",
                "\"" + APP + "-StreamThread-1\" prio=5 os_prio=0 cpu=" + streamThreadMs + "ms elapsed=95.77s",
                "\"" + APP + "-StreamThread-2\" prio=5 os_prio=0 cpu=25401.71ms elapsed=95.77s tid=0x7",
                "\"dora-weekly-reports\" daemon prio=5 os_prio=0 cpu=1696.11ms elapsed=95.24s tid=0x8",
                "\"qtp1112456099-129\" prio=5 os_prio=0 cpu=33.16ms elapsed=94.49s tid=0x9",
                "\"GC Thread#0\" os_prio=0 cpu=3102.45ms elapsed=99.95s tid=0xa",
                "\"G1 Conc#0\" os_prio=0 cpu=1414.88ms elapsed=99.95s tid=0xb",
                "\"VM Thread\" os_prio=0 cpu=215.99ms elapsed=99.82s tid=0xc",
                "JNI global refs: 24, weak refs: 0");
    }

    @Test
    void groupsEveryThreadOfADumpByKind() {
        final Map<ThreadCpu.Kind, Double> byKind = ThreadCpu.parse(dump(16562.29, 55050.87));
        assertEquals(16.56229 + 25.40171, byKind.get(ThreadCpu.Kind.STREAM_THREADS), 1e-9);
        assertEquals(1.27742, byKind.get(ThreadCpu.Kind.STREAMS_OTHER), 1e-9);
        assertEquals(2.11, byKind.get(ThreadCpu.Kind.CLIENT_NETWORK), 1e-9, "the producer is not a stream thread");
        assertEquals(0.5, byKind.get(ThreadCpu.Kind.LOG_CLEANER), 1e-9);
        assertEquals(1.67785 + 0.40626, byKind.get(ThreadCpu.Kind.BROKER), 1e-9);
        assertEquals(56.05087, byKind.get(ThreadCpu.Kind.JIT), 1e-9);
        assertEquals(3.10245 + 1.41488, byKind.get(ThreadCpu.Kind.GC), 1e-9);
        assertEquals(1.69611, byKind.get(ThreadCpu.Kind.DORA_TASKS), 1e-9);
        assertEquals(2.15535 + 0.03316 + 0.21599, byKind.get(ThreadCpu.Kind.OTHER), 1e-9);
    }

    @Test
    void whatEachKindUsedBetweenTwoDumpsAndWhatNoThreadAccountsFor() {
        final Map<String, Double> used = ThreadCpu.between(ThreadCpu.parse(dump(16562.29, 55050.87)),
                ThreadCpu.parse(dump(26562.29, 60050.87)), 20.0);
        assertEquals(10.0, used.get("streamThreads"), 1e-9);
        assertEquals(5.0, used.get("jit"), 1e-9);
        assertEquals(0.0, used.get("broker"), 1e-9);
        assertEquals(5.0, used.get(ThreadCpu.UNLISTED), 1e-9, "the process's CPU beyond its listed threads");

        final List<Figure> figures = ThreadCpu.figures(used, 1_000_000, OptionalDouble.of(20.0));
        assertEquals(used.size(), figures.size(), "a figure per kind");
        final Figure streams = figures.get(0);
        assertEquals("backfill.cpuByThreads.streamThreads", streams.id());
        assertEquals(0.01, streams.value(), 1e-12, "CPU-s per 1,000 events");
        assertTrue(streams.note().contains("50 %"), streams.note());
    }

    @Test
    void nothingWithoutBothDumpsAndNoRemainderWithoutTheProcesssCpu() {
        assertTrue(ThreadCpu.between(Map.of(), ThreadCpu.parse(dump(1, 1)), 20.0).isEmpty());
        final Map<String, Double> used = ThreadCpu.between(ThreadCpu.parse(dump(1, 1)), ThreadCpu.parse(dump(2, 2)),
                Double.NaN);
        assertNull(used.get(ThreadCpu.UNLISTED));
        assertNull(ThreadCpu.figures(used, 1000, OptionalDouble.empty()).get(used.size() - 1).value());
    }
}
