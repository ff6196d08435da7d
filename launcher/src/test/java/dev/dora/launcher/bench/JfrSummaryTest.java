package dev.dora.launcher.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Duration;
import jdk.jfr.Recording;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The profile summary groups a real recording's samples by thread and finds the method that burned the time. */
@Tag("unit")
@Timeout(60)
class JfrSummaryTest {

    @TempDir
    Path dir;

    private static volatile long sink;

    @Test
    void aBusyStreamThreadShowsUpWithItsHotMethod() throws Exception {
        final Path file = dir.resolve("busy.jfr");
        try (Recording recording = new Recording()) {
            recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
            recording.start();
            final Thread busy = new Thread(JfrSummaryTest::spin, "dora-metrics-0a1b2c3d-StreamThread-1");
            busy.start();
            busy.join();
            recording.stop();
            recording.dump(file);
        }
        final JfrSummary summary = JfrSummary.of(file, 10);
        assertTrue(summary.streamSamples() > 0, "the busy thread was sampled");
        assertEquals("Kafka Streams stream threads", summary.byThread().get(0).name());
        assertTrue(summary.streamSelf().get(0).name().endsWith("JfrSummaryTest.spin")
                        || summary.streamStacks().get(0).name().contains("JfrSummaryTest.spin"),
                summary.streamSelf().toString());
        assertEquals("other", summary.streamPhases().get(0).name(), "no Kafka Streams loop on its stack");
        assertEquals(100.0, summary.streamPhases().get(0).percent(), 1e-9);
    }

    @Test
    void threadNamesFoldIntoKinds() {
        assertEquals("Kafka Streams stream threads", JfrSummary.threadKind("dora-metrics-1-StreamThread-2"));
        assertEquals("data-plane-kafka-request-handler-N", JfrSummary.threadKind("data-plane-kafka-request-handler-7"));
        assertEquals("HTTP server (Jetty)", JfrSummary.threadKind("qtp1234-56"));
    }

    /**
     * Burns 1.5 s of this thread's CPU time, not of wall time: on a loaded machine 1.5 s of wall time can be too
     * little time on a core for the sampler to catch the thread at all.
     */
    private static void spin() {
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        final long cpuEnd = threads.getCurrentThreadCpuTime() + Duration.ofMillis(1500).toNanos();
        final long wallEnd = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        long x = 0;
        while (threads.getCurrentThreadCpuTime() < cpuEnd && System.nanoTime() < wallEnd) {
            for (int i = 0; i < 100_000; i++) {
                x = x * 31 + 7;
            }
        }
        sink = x;
    }
}
