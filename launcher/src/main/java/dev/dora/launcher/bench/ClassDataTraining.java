package dev.dora.launcher.bench;

import dev.dora.launcher.ClassDataArchive;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * Gives every {@code dora serve} of a run the class-data archive a user's {@code ./dora} has from its second start
 * on ({@link ClassDataArchive}), so that no start is measured with it and another without: when the jar has none
 * yet, a throwaway {@code dora serve} on an empty data directory is started until healthy and stopped, and the archive
 * it writes at its exit is put beside the jar.
 */
final class ClassDataTraining {

    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    private ClassDataTraining() {
    }

    /**
     * The JVM options that map the jar's archive in, making it first if needed; none when the harness does not run
     * from one jar (e.g. from Maven's class directories) or the archive could not be made.
     */
    static List<String> options(final Path work, final int httpPort, final int kafkaPort,
                                final List<String> javaOptions, final List<String> serveArguments,
                                final Consumer<String> say) throws InterruptedException {
        final Optional<ClassDataArchive> found = ClassDataArchive.of(System.getProperty("java.class.path"));
        if (found.isEmpty()) {
            return List.of();
        }
        final ClassDataArchive archive = found.get();
        if (!archive.usable()) {
            say.accept("Writing the JVM's class-data archive " + archive.archive()
                    + " (once per jar: a dora serve started and stopped)");
            try {
                train(archive, work, httpPort, kafkaPort, javaOptions, serveArguments);
            } catch (final IOException | IllegalStateException e) {
                say.accept("  not written, every start loads its classes: " + e.getMessage());
            }
        }
        return archive.usable() ? archive.useOptions() : List.of();
    }

    private static void train(final ClassDataArchive archive, final Path work, final int httpPort,
                              final int kafkaPort, final List<String> javaOptions, final List<String> serveArguments)
            throws IOException, InterruptedException {
        final Path pending = archive.pending("bench-" + ProcessHandle.current().pid());
        final Path data = work.resolve("class-data-training");
        final List<String> options = new ArrayList<>(javaOptions);
        options.addAll(ClassDataArchive.writeOptions(pending));
        final ExecutorService threads = Executors.newSingleThreadExecutor(r -> {
            final Thread thread = new Thread(r, "bench-class-data");
            thread.setDaemon(true);
            return thread;
        });
        try {
            try (ServeProcess dora = ServeProcess.start(data, httpPort, kafkaPort, options, serveArguments,
                    work.resolve("class-data-training.out"))) {
                dora.awaitHealthy(new DoraApi("http://localhost:" + httpPort, threads), TIMEOUT);
                dora.stop();
            }
            if (Files.exists(pending)) {
                archive.install(pending);
            }
        } finally {
            threads.shutdownNow();
            Files.deleteIfExists(pending);
            WorkDir.deleteTree(data);
        }
    }
}
