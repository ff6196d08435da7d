package dev.dora.launcher.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** The run's directory: the generated history, dora's data directory, logs, outputs and the profile. */
final class WorkDir {

    private WorkDir() {
    }

    /** The given directory (created if needed), or a new {@code dora-bench-*} directory in the temporary directory. */
    static Path create(final Path requested) throws IOException {
        if (requested != null) {
            return Files.createDirectories(requested.toAbsolutePath().normalize());
        }
        return Files.createTempDirectory("dora-bench-").toAbsolutePath();
    }

    /** Deletes a directory and everything in it; nothing when it is not there. */
    static void deleteTree(final Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        final List<Path> paths = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(paths::add);
        }
        for (final Path path : paths) {
            Files.deleteIfExists(path);
        }
    }
}
