package dev.dora.launcher.cluster;

import dev.dora.testkit.JvmProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code dora serve} in its own JVM ({@code dev.dora.launcher.DoraCommand} from the test classpath, with the
 * product's own {@code log4j2.xml}, so its log is {@code <data-dir>/logs/dora.log} as in production), for tests that
 * kill an instance, restart it, or read what it logged.
 */
public final class DoraProcess implements AutoCloseable {

    private final Path dataDir;
    private final int port;
    private final List<String> arguments;
    private final DoraApi api;
    private JvmProcess process;

    private DoraProcess(final Path dataDir, final int port, final List<String> arguments) {
        this.dataDir = dataDir;
        this.port = port;
        this.arguments = arguments;
        this.api = new DoraApi("http://localhost:" + port);
    }

    /**
     * Starts {@code dora serve --port <free> --data-dir dataDir} plus {@code options}; see {@link #awaitHealthy}.
     */
    public static DoraProcess serve(final Path dataDir, final String... options) throws IOException {
        final DoraProcess dora = new DoraProcess(dataDir, freePort(), List.of(options));
        dora.start();
        return dora;
    }

    /** Starts it again (after {@link #stop()} or {@link #kill()}) with the same options, port and data. */
    public void start() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("dora is still running");
        }
        final List<String> args = new ArrayList<>(List.of("serve", "--port", Integer.toString(port),
                "--data-dir", dataDir.toString()));
        args.addAll(arguments);
        final URL log4j = DoraProcess.class.getClassLoader().getResource("log4j2.xml");
        if (log4j == null) {
            throw new IllegalStateException("the launcher's log4j2.xml is not on the test classpath");
        }
        process = JvmProcess.start("dora-serve", List.of("-Xms64m", "-Xmx640m", "-XX:+UseSerialGC",
                        "-Dlog4j2.configurationFile=" + log4j, "-Djava.io.tmpdir=" + dataDir),
                "dev.dora.launcher.DoraCommand", args, dataDir.resolve("console.log"));
    }

    public DoraApi api() {
        return api;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** What the command printed (standard output and error) over every start. */
    public String console() {
        return process == null ? "" : process.output();
    }

    /** {@code <data-dir>/logs/dora.log}, Kafka's own logging included. */
    public String logFile() throws IOException {
        final Path log = dataDir.resolve("logs").resolve("dora.log");
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    /**
     * {@link DoraApi#awaitCaughtUp}, failing with what dora logged at ERROR (and the console) so that a pipeline that
     * stopped says why.
     */
    public void awaitCaughtUp(final Duration timeout) throws IOException, InterruptedException {
        try {
            api.awaitCaughtUp(timeout);
        } catch (final AssertionError e) {
            final StringBuilder errors = new StringBuilder();
            logFile().lines().filter(line -> line.contains(" ERROR ") || line.startsWith("Caused by"))
                    .limit(40).forEach(line -> errors.append(line).append('\n'));
            throw new AssertionError(e.getMessage() + "\nlogged at ERROR:\n" + errors + "console:\n" + console(), e);
        }
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /**
     * Waits until the API answers healthy.
     *
     * @return how long it took
     * @throws AssertionError with the console output when the process exits or is not healthy in time
     */
    public Duration awaitHealthy(final Duration timeout) throws InterruptedException {
        final long started = System.nanoTime();
        final long deadline = started + timeout.toNanos();
        while (!api.healthy()) {
            if (!process.isAlive()) {
                throw new AssertionError("dora exited with code " + process.awaitExit(Duration.ZERO) + ":\n"
                        + console());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("dora is not healthy after " + timeout.toSeconds() + " s:\n" + console());
            }
            Thread.sleep(200);
        }
        return Duration.ofNanos(System.nanoTime() - started);
    }

    /** Waits for the command to end by itself, e.g. after a start-up error; returns its exit code. */
    public int awaitExit(final Duration timeout) throws InterruptedException {
        return process.awaitExit(timeout);
    }

    /** SIGTERM, as Ctrl-C: the shutdown hook closes everything cleanly. Returns the exit code. */
    public int stop() throws InterruptedException {
        return process.stop();
    }

    /** {@code kill -9}: nothing is closed, committed or flushed. */
    public void kill() throws InterruptedException {
        process.kill();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            process.close();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(0));
            return socket.getLocalPort();
        }
    }
}
