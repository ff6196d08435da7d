package dev.dora.launcher.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dora.launcher.DoraCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine;

/** The {@code dora import} command line: option names, defaults, usage errors (exit 2). Nothing is started here. */
@Tag("unit")
class ImportCommandTest {

    @TempDir
    Path dir;

    private static <T> T parse(final Class<T> type, final String... args) {
        ParseResult result = DoraCommand.newCommandLine().parseArgs(args);
        while (result.hasSubcommand()) {
            result = result.subcommand();
        }
        return type.cast(result.commandSpec().userObject());
    }

    @Test
    void gitDefaults() {
        final ImportGitCommand git = parse(ImportGitCommand.class, "import", "git", "--repo", "/src/shop",
                "--service", "shop");
        assertEquals(Path.of("/src/shop"), git.repo);
        assertEquals("shop", git.service);
        assertEquals("main", git.branch);
        assertNull(git.team);
        assertNull(git.repoName);
        assertNull(git.since);
        assertEquals("http://localhost:8080", git.target.url());
        assertNull(git.target.bootstrapServers);
        assertEquals(1000, git.target.batchSize);
    }

    @Test
    void gitOptions() {
        final ImportGitCommand git = parse(ImportGitCommand.class, "import", "git", "--repo=shop", "--service=shop",
                "--branch", "release", "--team", "retail", "--repo-name", "acme/shop", "--since", "2025-01-31",
                "--bootstrap-servers", "kafka:9092", "--batch-size", "500");
        assertEquals("release", git.branch);
        assertEquals("retail", git.team);
        assertEquals("acme/shop", git.repoName);
        assertEquals(Instant.parse("2025-01-31T00:00:00Z"), git.since);
        assertEquals("kafka:9092", git.target.bootstrapServers);
        assertEquals(500, git.target.batchSize);
        assertEquals(Instant.parse("2025-01-31T10:00:00Z"), new SinceConverter().convert("2025-01-31T12:00:00+02:00"));
        assertThrows(CommandLine.TypeConversionException.class, () -> new SinceConverter().convert("last week"));
    }

    @Test
    void eventsOptions() {
        final ImportEventsCommand events = parse(ImportEventsCommand.class, "import", "events", "export.ndjson",
                "--url", "http://dora.internal:9000/");
        assertEquals(Path.of("export.ndjson"), events.file);
        assertEquals("http://dora.internal:9000/", events.target.url());
        assertEquals(Path.of("-"), parse(ImportEventsCommand.class, "import", "events", "-").file);
        assertFalse(events.sort, "file order unless asked");
        assertTrue(parse(ImportEventsCommand.class, "import", "events", "export.ndjson", "--sort").sort);
    }

    @Test
    void usageErrorsExitWith2() throws Exception {
        final Path file = Files.writeString(dir.resolve("e.ndjson"), "");
        final String repo = dir.toString();
        assertEquals(2, ImportCli.run("import").code(), "no import command");
        assertEquals(2, ImportCli.run("import", "svn").code());
        assertEquals(2, ImportCli.run("import", "git", "--service", "shop").code(), "--repo is required");
        assertEquals(2, ImportCli.run("import", "git", "--repo", repo).code(), "--service is required");
        assertEquals(2, ImportCli.run("import", "git", "--repo", dir.resolve("nope").toString(), "--service", "s")
                .code());
        assertEquals(2, ImportCli.run("import", "git", "--repo", repo, "--service", " ").code());
        assertEquals(2, ImportCli.run("import", "git", "--repo", repo, "--service", "s", "--since", "soon").code());
        assertEquals(2, ImportCli.run("import", "events").code(), "FILE is required");
        assertEquals(2, ImportCli.run("import", "events", dir.resolve("missing.ndjson").toString()).code());
        final ImportCli.Run both = ImportCli.run("import", "events", file.toString(), "--url", "http://x:1",
                "--bootstrap-servers", "x:9092");
        assertEquals(2, both.code());
        assertTrue(both.err().contains("--url and --bootstrap-servers exclude each other"), both.err());
        assertEquals(2, ImportCli.run("import", "events", file.toString(), "--batch-size", "0").code());
        assertEquals(2, ImportCli.run("import", "events", file.toString(), "--batch-size", "10001").code());
        assertEquals(2, ImportCli.run("import", "events", file.toString(), "--url", "localhost:8080").code());
        assertEquals(2, ImportCli.run("import", "events", file.toString(), "--bootstrap-servers", "").code());
        final ImportCli.Run sortedStdin = ImportCli.run("import", "events", "-", "--sort");
        assertEquals(2, sortedStdin.code());
        assertTrue(sortedStdin.err().contains("--sort: needs a FILE"), sortedStdin.err());
    }

    @Test
    void runtimeFailuresExitWith1AndOneLineOnStderr() throws Exception {
        final ImportCli.Run notARepo = ImportCli.run("import", "git", "--repo", dir.toString(), "--service", "s");
        assertEquals(1, notARepo.code(), notARepo.toString());
        assertTrue(notARepo.err().startsWith("error: " + dir + " is not a git repository"), notARepo.err());

        try (TestRepo repo = TestRepo.init(dir.resolve("r"), false)) {
            repo.branch("master", repo.commit(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));
        }
        final ImportCli.Run noBranch = ImportCli.run("import", "git", "--repo", dir.resolve("r").toString(),
                "--service", "s");
        assertEquals(1, noBranch.code(), noBranch.toString());
        assertTrue(noBranch.err().contains("no branch 'main'") && noBranch.err().contains("branches: master"),
                noBranch.err());

        // nothing listens on port 1: connection refused, retried, then one line
        final Path file = Files.writeString(dir.resolve("e.ndjson"), "{}\n");
        final ImportCli.Run refused = ImportCli.run("import", "events", file.toString(), "--url",
                "http://127.0.0.1:1");
        assertEquals(1, refused.code(), refused.toString());
        assertTrue(refused.err().contains("failed 3 times") && refused.err().contains("is dora running there"),
                refused.err());
        assertEquals(1, refused.err().lines().filter(line -> line.startsWith("error:")).count(), refused.err());
    }

    @Test
    void emptyFileImportsNothingAndSucceeds() throws Exception {
        final Path file = Files.writeString(dir.resolve("empty.ndjson"), "\n  \n");
        final ImportCli.Run run = ImportCli.run("import", "events", file.toString(), "--url", "http://127.0.0.1:1");
        assertEquals(0, run.code(), run.toString());
        assertTrue(run.out().contains("0 events accepted, 0 invalid"), run.out());
    }

    @Test
    void helpShowsTheContract() {
        final ImportCli.Run git = ImportCli.run("import", "git", "--help");
        assertEquals(0, git.code());
        for (final String option : List.of("--repo", "--service", "--branch", "--team", "--repo-name", "--since",
                "--url", "--bootstrap-servers", "--batch-size")) {
            assertTrue(git.out().contains(option), option + " in\n" + git.out());
        }
        assertTrue(ImportCli.run("import", "events", "--help").out().contains("FILE"));
        assertTrue(ImportCli.run("--help").out().contains("import"));
    }

    @Test
    void backoffDoublesUpToItsCapAndHonoursRetryAfter() {
        final Backoff backoff = new Backoff(7, Duration.ofMillis(500), Duration.ofSeconds(16));
        assertEquals(Duration.ofMillis(500), backoff.delay(1, Duration.ZERO));
        assertEquals(Duration.ofSeconds(1), backoff.delay(2, Duration.ZERO));
        assertEquals(Duration.ofSeconds(16), backoff.delay(6, Duration.ZERO));
        assertEquals(Duration.ofSeconds(16), backoff.delay(40, Duration.ZERO));
        assertEquals(Duration.ofSeconds(5), backoff.delay(1, Duration.ofSeconds(5)), "Retry-After: 5");
        assertEquals(Duration.ofMillis(500), backoff.delay(1, Duration.ofHours(1)), "an absurd Retry-After is ignored");
    }
}
