package dev.dora.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("unit")
class ClassDataArchiveTest {

    @Test
    void theArchiveOfAJarSitsBesideItAndOtherClassPathsHaveNone(@TempDir final Path dir) {
        final Path jar = dir.resolve("dora.jar");
        assertEquals(Optional.of(new ClassDataArchive(jar, dir.resolve("dora.jsa"))),
                ClassDataArchive.of(jar.toString()));
        assertEquals(Optional.empty(), ClassDataArchive.of(dir.resolve("classes").toString()),
                "Maven's class directories");
        assertEquals(Optional.empty(), ClassDataArchive.of(jar + java.io.File.pathSeparator + dir.resolve("b.jar")));
        assertEquals(Optional.empty(), ClassDataArchive.of(""));
    }

    @Test
    void anArchiveOlderThanItsJarIsNotUsed(@TempDir final Path dir) throws IOException {
        final ClassDataArchive archive = ClassDataArchive.of(dir.resolve("dora.jar").toString()).orElseThrow();
        Files.writeString(archive.jar(), "jar");
        assertFalse(archive.usable(), "none written yet");
        Files.writeString(archive.archive(), "archive");
        final Instant now = Instant.now();
        Files.setLastModifiedTime(archive.jar(), FileTime.from(now));
        Files.setLastModifiedTime(archive.archive(), FileTime.from(now.plusSeconds(1)));
        assertTrue(archive.usable());
        Files.setLastModifiedTime(archive.jar(), FileTime.from(now.plusSeconds(5)));
        assertFalse(archive.usable(), "the jar was built again after the archive was written");
    }

    @Test
    void anEmptyPendingArchiveIsDroppedNotInstalled(@TempDir final Path dir) throws IOException {
        final ClassDataArchive archive = ClassDataArchive.of(dir.resolve("dora.jar").toString()).orElseThrow();
        final Path pending = archive.pending("42");
        assertEquals(dir.resolve("dora.jsa.42.tmp"), pending);
        Files.createFile(pending);
        archive.install(pending);
        assertFalse(Files.exists(pending));
        assertFalse(Files.exists(archive.archive()));
    }

    /**
     * The options really make a JVM write an archive at its exit, and the next JVM map the jar's classes from it:
     * a jar holding this test's own {@link Hello}, run twice.
     */
    @Test
    void aJvmWritesTheArchiveAtItsExitAndTheNextOneLoadsTheJarsClassesFromIt(@TempDir final Path dir)
            throws Exception {
        final Path jar = helloJar(dir.resolve("hello.jar"));
        final ClassDataArchive archive = ClassDataArchive.of(jar.toString()).orElseThrow();
        final Path pending = archive.pending("test");

        final List<String> writing = new ArrayList<>(ClassDataArchive.writeOptions(pending));
        assertEquals("hello", run(writing, jar, dir.resolve("first.out")).strip());
        assertTrue(Files.size(pending) > 0, "the JVM wrote its archive when it exited");
        archive.install(pending);
        assertTrue(archive.usable());

        final List<String> using = new ArrayList<>(archive.useOptions());
        using.add("-Xlog:class+load=info");
        final String second = run(using, jar, dir.resolve("second.out"));
        final String helloLine = second.lines().filter(line -> line.contains(Hello.class.getName() + " "))
                .findFirst().orElseThrow(() -> new AssertionError("no class+load line for Hello:\n" + second));
        assertTrue(helloLine.contains("shared objects file"), "loaded from the archive: " + helloLine);
        assertTrue(second.contains("hello"));
    }

    private static String run(final List<String> options, final Path jar, final Path output) throws Exception {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(options);
        command.addAll(List.of("-cp", jar.toString(), Hello.class.getName()));
        final Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the JVM exits");
        final String text = Files.readString(output, StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), text);
        return text;
    }

    private static Path helloJar(final Path jar) throws IOException {
        final Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        final String entry = Hello.class.getName().replace('.', '/') + ".class";
        try (OutputStream file = Files.newOutputStream(jar);
             JarOutputStream out = new JarOutputStream(file, manifest);
             InputStream in = ClassDataArchiveTest.class.getClassLoader().getResourceAsStream(entry)) {
            out.putNextEntry(new JarEntry(entry));
            in.transferTo(out);
            out.closeEntry();
        }
        return jar;
    }

    /** The jar's only class. */
    public static final class Hello {
        private Hello() {
        }

        public static void main(final String[] args) {
            System.out.println("hello");
        }
    }
}
