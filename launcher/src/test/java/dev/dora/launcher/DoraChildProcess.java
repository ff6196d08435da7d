package dev.dora.launcher;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code dora} ({@link DoraCommand#main}) in a JVM of its own, started from the test's classpath, its output in a
 * file: for tests that need two real processes, or a {@code kill -9}. (The cluster work adds a general JvmProcess to
 * the test kit; this small one serves until then.)
 */
final class DoraChildProcess implements AutoCloseable {

    private final Process process;
    private final Path output;

    private DoraChildProcess(final Process process, final Path output) {
        this.process = process;
        this.output = output;
    }

    static DoraChildProcess start(final Path output, final String... args) throws IOException {
        final List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                "-cp", System.getProperty("java.class.path"), DoraCommand.class.getName()));
        command.addAll(List.of(args));
        Files.createDirectories(output.getParent());
        final Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(output.toFile()).redirectInput(new File("/dev/null")).start();
        return new DoraChildProcess(process, output);
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String output() throws IOException {
        return Files.exists(output) ? Files.readString(output, StandardCharsets.UTF_8) : "";
    }

    /** Its exit code once it exits by itself within the timeout. */
    int awaitExit(final Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("still running after " + timeout.toSeconds() + " s");
        }
        return process.exitValue();
    }

    /** {@code kill -9}: nothing is closed, no shutdown hook runs. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGTERM, as Ctrl-C would; SIGKILL if it has not stopped within a minute. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }
}
