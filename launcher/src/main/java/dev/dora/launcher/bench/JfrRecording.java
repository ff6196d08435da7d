package dev.dora.launcher.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Java Flight Recorder profile of the dora process, taken with {@code jcmd <pid> JFR.start} (the "profile"
 * settings: an execution sample every 10 ms per running thread) and written to a file when it ends.
 */
final class JfrRecording {

    private static final String NAME = "dora-bench";

    private final long pid;
    private final Path file;

    private JfrRecording(final long pid, final Path file) {
        this.pid = pid;
        this.file = file;
    }

    /** The JVM option that keeps deep stacks whole (Kafka Streams' are deeper than the default 64 frames). */
    static String stackDepthOption() {
        return "-XX:FlightRecorderOptions:stackdepth=256";
    }

    /** Starts a recording of {@code seconds} into {@code file}. */
    static JfrRecording start(final long pid, final Path file, final int seconds) throws IOException {
        jcmd(pid, "JFR.start", "name=" + NAME, "settings=profile", "duration=" + seconds + "s",
                "filename=" + file.toAbsolutePath());
        return new JfrRecording(pid, file);
    }

    /** Ends the recording now if its duration has not passed yet, and waits for its file. */
    Path finish(final Duration timeout) throws IOException, InterruptedException {
        if (!Files.exists(file)) {
            try {
                jcmd(pid, "JFR.stop", "name=" + NAME);
            } catch (final IOException e) {
                // it ended on its own between the check and the stop
            }
        }
        final long deadline = System.nanoTime() + timeout.toNanos();
        long size = -1;
        while (true) {
            final long now = Files.exists(file) ? Files.size(file) : -1;
            if (now > 0 && now == size) {
                return file;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("the JFR recording " + file + " was not written within " + timeout.toSeconds()
                        + " s");
            }
            size = now;
            Thread.sleep(500);
        }
    }

    /** Whether {@code jcmd} is there (a JDK, not only a JRE). */
    static boolean available() {
        return Files.isExecutable(jcmdPath());
    }

    static Path jcmdPath() {
        return Path.of(System.getProperty("java.home"), "bin", "jcmd");
    }

    private static void jcmd(final long pid, final String... arguments) throws IOException {
        final String out = run(pid, Duration.ofMinutes(1), arguments);
        if (out.contains("Could not") || out.contains("No available recording")) {
            throw new IOException("jcmd " + String.join(" ", arguments) + " failed: " + DoraApi.abbreviate(out));
        }
    }

    /**
     * What {@code jcmd <pid> arguments} printed. Its output goes to a file rather than a pipe, so that a jcmd that
     * never ends cannot hold the harness: it is killed once {@code limit} has passed.
     *
     * @throws IOException when it cannot start, fails, or outlives {@code limit}
     */
    static String run(final long pid, final Duration limit, final String... arguments) throws IOException {
        final List<String> command = new ArrayList<>(List.of(jcmdPath().toString(), Long.toString(pid)));
        command.addAll(List.of(arguments));
        final Path out = Files.createTempFile("dora-bench-jcmd-", ".txt");
        try {
            final Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).start();
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " still running after " + limit);
            }
            final String printed = Files.readString(out, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + DoraApi.abbreviate(printed));
            }
            return printed;
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running jcmd", e);
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
