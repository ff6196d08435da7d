package dev.dora.launcher.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Restarts on the same data directory, each timed from starting the new process until every answer of a snapshot
 * taken before the stop is given again (so "up" means correct, not merely running): after a clean stop, after
 * {@code kill -9} (no shutdown at all: the broker recovers its logs and Kafka Streams its state), and after a clean
 * stop with the state directory deleted (every store restored from its changelog).
 */
final class Restarts {

    private static final Duration TIMEOUT = Duration.ofMinutes(15);
    private static final long POLL_MILLIS = 200;

    /** Starts a new dora process on the same data directory and ports. */
    @FunctionalInterface
    interface Starter {
        ServeProcess start() throws IOException;
    }

    /** Seconds of each restart; {@code current} is the process running afterwards. */
    record Result(double cleanStopSeconds, double cleanRestartSeconds, double killRestartSeconds,
                  double restoreSeconds, ServeProcess current) {
    }

    private Restarts() {
    }

    static Result run(final ServeProcess running, final Starter starter, final DoraApi api, final List<String> snapshot,
                      final PrintWriter out) throws IOException, InterruptedException {
        final Map<String, JsonNode> expected = new LinkedHashMap<>();
        for (final String query : snapshot) {
            expected.put(query, api.getJson(query));
        }
        final double stopSeconds = running.stop();
        ServeProcess dora = starter.start();
        final double clean = awaitAnswers(dora, api, expected);
        out.printf("  after a clean stop (%.1f s): correct answers %.1f s after the start%n", stopSeconds, clean);
        out.flush();

        dora.kill();
        dora = starter.start();
        final double killed = awaitAnswers(dora, api, expected);
        out.printf("  after kill -9: correct answers %.1f s after the start%n", killed);
        out.flush();

        dora.stop();
        WorkDir.deleteTree(dora.dataDir().resolve("streams"));
        dora = starter.start();
        final double restored = awaitAnswers(dora, api, expected);
        out.printf("  with the state directory deleted: correct answers %.1f s after the start%n", restored);
        out.flush();
        return new Result(stopSeconds, clean, killed, restored, dora);
    }

    private static double awaitAnswers(final ServeProcess dora, final DoraApi api, final Map<String, JsonNode> expected)
            throws IOException, InterruptedException {
        final long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            if (!dora.isAlive()) {
                throw new IOException("dora serve exited during the restart; see " + dora.dataDir().resolve("logs"));
            }
            if (answersAre(api, expected)) {
                return dora.secondsSinceStart();
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("the answers were not back " + TIMEOUT.toMinutes() + " min after a restart");
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    private static boolean answersAre(final DoraApi api, final Map<String, JsonNode> expected)
            throws InterruptedException {
        if (api.health().status() != 200) {
            return false;
        }
        for (final Map.Entry<String, JsonNode> entry : expected.entrySet()) {
            try {
                if (!entry.getValue().equals(api.getJson(entry.getKey()))) {
                    return false;
                }
            } catch (final IOException e) {
                return false;
            }
        }
        return true;
    }
}
