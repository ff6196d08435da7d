package dev.dora.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A separate JVM started from the test's own classpath ({@code java.class.path} holds the whole Maven test classpath
 * under Surefire), for tests that must stop or kill a broker or an application instance: stopped with SIGTERM,
 * killed with SIGKILL ({@code kill -9}), its standard output and error in a log file. Every process still alive when
 * the test JVM exits is killed, so a failed test leaves nothing running.
 */
public final class JvmProcess implements AutoCloseable {

    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
                "dora-testkit-process-reaper"));
    }

    private final String name;
    private final Process process;
    private final Path log;

    private JvmProcess(final String name, final Process process, final Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code mainClass} in a new JVM with the test's classpath.
     *
     * @param name      for messages, e.g. {@code broker-2}
     * @param jvmArgs   e.g. {@code -Xmx384m}
     * @param log       where standard output and error go (appended: a restart keeps the earlier lines)
     */
    public static JvmProcess start(final String name, final List<String> jvmArgs, final String mainClass,
                                   final List<String> args, final Path log) throws IOException {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(args);
        Files.createDirectories(log.toAbsolutePath().getParent());
        final Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        LIVE.add(process);
        process.onExit().thenRun(() -> LIVE.remove(process));
        return new JvmProcess(name, process, log);
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Standard output and error so far. */
    public Path log() {
        return log;
    }

    /** The log's text so far (empty when it cannot be read). */
    public String output() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (final IOException e) {
            return "";
        }
    }

    /**
     * SIGTERM, as Ctrl-C or an orchestrator would send, then waits for the process to exit; SIGKILL if it has not
     * within 30 s.
     *
     * @return the exit code: 143 when the JVM ended on the signal after running its shutdown hooks
     */
    public int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
        }
        return process.exitValue();
    }

    /** SIGKILL ({@code kill -9}): no shutdown hook runs, nothing is flushed or closed. Waits until it is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /**
     * Waits until the process has exited by itself.
     *
     * @return its exit code
     * @throws IllegalStateException when it is still running after {@code timeout}
     */
    public int awaitExit(final Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(name + " is still running after " + timeout.toSeconds() + " s");
        }
        return process.exitValue();
    }

    /** Stops the process if it still runs. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop();
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + (process.isAlive() ? "" : ", exited") + ")";
    }
}
