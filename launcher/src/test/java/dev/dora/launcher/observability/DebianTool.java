package dev.dora.launcher.observability;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A program from a Debian package that a test drives (promtool, prometheus, docker-compose). Without it the test
 * skips with a message naming the package; under {@code CI=true} its absence fails the test, so a green CI always
 * means the test ran.
 *
 * @param binary  where the package installs it
 * @param pkg     the Debian package
 */
public record DebianTool(Path binary, String pkg) {

    public static final DebianTool PROMTOOL = new DebianTool(Path.of("/usr/bin/promtool"), "prometheus");
    public static final DebianTool PROMETHEUS = new DebianTool(Path.of("/usr/bin/prometheus"), "prometheus");
    public static final DebianTool DOCKER_COMPOSE = new DebianTool(Path.of("/usr/bin/docker-compose"), "docker-compose");

    /** Skips the calling test (fails it under CI=true) unless the program is installed. */
    public DebianTool assumeInstalled() {
        if (Files.isExecutable(binary)) {
            return this;
        }
        final String message = "this test needs " + binary + " from the Debian package " + pkg
                + ": apt-get install -y --no-install-recommends " + pkg;
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(message + "; CI=true, so its absence is a failure, not a skip");
        }
        assumeTrue(false, message);
        return this;
    }

    /** What a run printed (stdout and stderr together) and its exit code. */
    public record Result(int exitCode, String output) {
    }

    /**
     * Runs the program with the arguments and {@code stdin} as its input, within a minute.
     *
     * @param stdin the input, or null for none
     */
    public Result run(final String stdin, final String... args) throws IOException, InterruptedException {
        assumeInstalled();
        final List<String> command = new ArrayList<>();
        command.add(binary.toString());
        command.addAll(List.of(args));
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        // written from another thread: a large input would otherwise fill the pipe while the output is not read
        final Thread writer = new Thread(() -> {
            try (var in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            } catch (final IOException e) {
                // the program stopped reading; its exit code tells why
            }
        });
        writer.start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(1, TimeUnit.MINUTES), binary + " did not finish within a minute");
        writer.join();
        return new Result(process.exitValue(), output);
    }
}
