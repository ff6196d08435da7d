package dev.dora.launcher.bench;

import dev.dora.launcher.DoraCommand;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;

/**
 * The dora under test: {@code dora serve} (embedded broker, pipeline and API) in a child JVM started from this
 * JVM's own classpath, so that its CPU time and resident memory are its own, and so that it can be killed with
 * {@code kill -9} and started again on the same data directory.
 */
final class ServeProcess implements AutoCloseable {

    private static final Duration STOP_TIMEOUT = Duration.ofMinutes(2);

    private final Process process;
    private final Path dataDir;
    private final int httpPort;
    private final int kafkaPort;
    private final long startedNanos;

    private ServeProcess(final Process process, final Path dataDir, final int httpPort, final int kafkaPort,
                         final long startedNanos) {
        this.process = process;
        this.dataDir = dataDir;
        this.httpPort = httpPort;
        this.kafkaPort = kafkaPort;
        this.startedNanos = startedNanos;
    }

    /**
     * Starts {@code java <javaOptions> -cp <this classpath> dev.dora.launcher.DoraCommand serve …}; its console
     * output is appended to {@code console}.
     */
    static ServeProcess start(final Path dataDir, final int httpPort, final int kafkaPort,
                              final List<String> javaOptions, final List<String> serveArguments, final Path console)
            throws IOException {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(javaOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(DoraCommand.class.getName());
        command.addAll(List.of("serve", "--data-dir", dataDir.toString(), "--port", Integer.toString(httpPort),
                "--kafka-port", Integer.toString(kafkaPort)));
        command.addAll(serveArguments);
        final long started = System.nanoTime();
        final Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(console.toFile())).start();
        return new ServeProcess(process, dataDir, httpPort, kafkaPort, started);
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    Path dataDir() {
        return dataDir;
    }

    String baseUrl() {
        return "http://localhost:" + httpPort;
    }

    String bootstrapServers() {
        return "localhost:" + kafkaPort;
    }

    /** Seconds since the process was started. */
    double secondsSinceStart() {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    OptionalDouble cpuSeconds() {
        return ProcStats.cpuSeconds(pid());
    }

    /**
     * Waits until the API answers its health check with 200 (Kafka Streams running).
     *
     * @throws IllegalStateException when the process dies or does not get there in time
     */
    void awaitHealthy(final DoraApi api, final Duration timeout) throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (api.health().status() != 200) {
            if (!process.isAlive()) {
                throw new IllegalStateException("dora serve exited with code " + process.exitValue()
                        + " before it was ready; see its console output and " + dataDir.resolve("logs/dora.log"));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("dora serve was not healthy within " + timeout.toSeconds() + " s");
            }
            Thread.sleep(100);
        }
    }

    /** A clean stop (SIGTERM: the shutdown hook closes the API, the pipeline, then the broker); its seconds. */
    double stop() throws InterruptedException {
        final long started = System.nanoTime();
        process.destroy();
        if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException("dora serve did not stop within " + STOP_TIMEOUT.toSeconds()
                    + " s of SIGTERM; it was killed");
        }
        return (System.nanoTime() - started) / 1e9;
    }

    /** {@code kill -9}: no shutdown hook, no flush, no leaving the consumer group. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** Stops it cleanly if it still runs, killing it when it does not stop in time. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (final InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
