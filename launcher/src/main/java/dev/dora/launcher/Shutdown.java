package dev.dora.launcher;

import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;
import org.apache.logging.log4j.LogManager;

/** Ctrl-C handling for the long-running commands. */
final class Shutdown {

    private Shutdown() {
    }

    /**
     * Closes {@code runtime} when the JVM exits (Ctrl-C, SIGTERM, or {@code System.exit} after a failure), then
     * flushes the log. log4j2.xml disables log4j's own shutdown hook so that the shutdown itself is still logged.
     */
    static void closeOnExit(final DoraRuntime runtime, final PrintWriter out) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println();
            out.println("Stopping dora...");
            out.flush();
            runtime.close();
            out.println("Stopped.");
            out.flush();
            LogManager.shutdown();
        }, "dora-shutdown"));
    }

    /** Blocks the calling thread until the JVM shuts down. */
    static void awaitSignal() throws InterruptedException {
        new CountDownLatch(1).await();
    }
}
