package dev.dora.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The JVM's class-data archive of dora's jar (application class-data sharing, JDK 13+ dynamic archives): the classes a
 * {@code dora serve} loads (the broker's, Kafka Streams', RocksDB's, Javalin's), already parsed and verified, mapped
 * into the next JVMs instead of loaded again. It saves a few seconds of every start on two cores.
 *
 * <p>The archive sits beside the jar ({@code launcher/target/dora.jsa} beside {@code dora.jar}). The {@code ./dora}
 * script and {@code dora bench} write it when none is there, from a {@code dora serve} that exits, and use it
 * afterwards; the JVM refuses an archive made from another jar (it checks the jar's size and time) and then simply
 * loads the classes as usual, and one older than the jar is not even offered. Nothing depends on it being there.
 *
 * @param jar     dora's jar
 * @param archive the archive beside it
 */
public record ClassDataArchive(Path jar, Path archive) {

    /** Keeps the JVM quiet about the classes it cannot archive (picocli's are Java 5 bytecode) or a stale archive. */
    private static final List<String> QUIET = List.of("-Xlog:cds=off", "-Xlog:cds+dynamic=off");

    /** The archive of a class path that is one jar (as with {@code java -jar dora.jar}); empty for any other. */
    public static Optional<ClassDataArchive> of(final String classPath) {
        if (classPath == null || classPath.isBlank() || classPath.contains(java.io.File.pathSeparator)
                || !classPath.endsWith(".jar")) {
            return Optional.empty();
        }
        final Path jar = Path.of(classPath).toAbsolutePath();
        final String name = jar.getFileName().toString();
        return Optional.of(new ClassDataArchive(jar, jar.resolveSibling(
                name.substring(0, name.length() - ".jar".length()) + ".jsa")));
    }

    /** Whether the archive is there and no older than the jar. */
    public boolean usable() {
        try {
            return Files.isRegularFile(archive) && Files.isRegularFile(jar)
                    && Files.getLastModifiedTime(archive).compareTo(Files.getLastModifiedTime(jar)) >= 0;
        } catch (final IOException e) {
            return false;
        }
    }

    /** The JVM options that map the archive in. */
    public List<String> useOptions() {
        return withQuiet("-XX:SharedArchiveFile=" + archive);
    }

    /** Where a JVM writes a new archive before it is {@link #install}ed: a name of its own, so writers never mix. */
    public Path pending(final String owner) {
        return archive.resolveSibling(archive.getFileName() + "." + owner + ".tmp");
    }

    /** The JVM options that write the classes loaded until the JVM exits to {@code pending}. */
    public static List<String> writeOptions(final Path pending) {
        return withQuiet("-XX:ArchiveClassesAtExit=" + pending);
    }

    private static List<String> withQuiet(final String option) {
        final List<String> options = new ArrayList<>(List.of(option));
        options.addAll(QUIET);
        return List.copyOf(options);
    }

    /** Moves a written archive into place (atomically: a JVM starting meanwhile sees the old one or the new one). */
    public void install(final Path pending) throws IOException {
        if (Files.size(pending) == 0) {
            Files.delete(pending);
            return;
        }
        Files.move(pending, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
