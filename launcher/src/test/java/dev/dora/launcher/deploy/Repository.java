package dev.dora.launcher.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's deployment files, read from the working copy the tests run in (the launcher module's parent). */
final class Repository {

    static final ObjectMapper JSON = new ObjectMapper();
    static final YAMLMapper YAML = new YAMLMapper();

    private Repository() {
    }

    /** The repository's root: the directory holding docker-compose.yml and deploy/. */
    static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("deploy"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no deploy/ directory above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    static Path file(final String relative) {
        return root().resolve(relative);
    }

    static JsonNode json(final Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot parse " + file, e);
        }
    }

    static JsonNode yaml(final Path file) {
        try {
            return YAML.readTree(file.toFile());
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot parse " + file, e);
        }
    }
}
