package dev.dora.launcher.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dora.launcher.e2e.RunningStack;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * How fast {@code dora import git} is: a generated repository of {@code dora.bench.commits} commits (default
 * 100,000; a merge of a three-commit branch every 50 commits) imported into a running stack, over HTTP and straight
 * to Kafka. Not part of the normal build; run with
 * {@code mvn -o test -pl launcher -Dtest=ImportBenchTest -Ddora.bench=true}.
 */
@Tag("bench")
@EnabledIfSystemProperty(named = "dora.bench", matches = "true")
class ImportBenchTest {

    @TempDir
    Path dir;

    @Test
    void importsAHundredThousandCommitsInUnderAMinute() throws Exception {
        final int size = Integer.getInteger("dora.bench.commits", 100_000);
        final Path repoDir = dir.resolve("big");
        final long generating = System.nanoTime();
        int commits = 0;
        try (TestRepo repo = TestRepo.init(repoDir, true)) {
            Instant time = Instant.parse("2015-01-01T00:00:00Z");
            ObjectId head = repo.commit(time, ZoneOffset.UTC);
            commits++;
            while (commits < size) {
                time = time.plus(Duration.ofMinutes(30));
                if (commits % 50 == 0 && commits + 4 <= size) {
                    ObjectId side = head;
                    for (int i = 0; i < 3; i++) {
                        time = time.plus(Duration.ofMinutes(5));
                        side = repo.commit(time, ZoneOffset.UTC, side);
                    }
                    time = time.plus(Duration.ofMinutes(5));
                    head = repo.commit(time, ZoneOffset.UTC, head, side);
                    commits += 4;
                } else {
                    head = repo.commit(time, ZoneOffset.UTC, head);
                    commits++;
                }
            }
            repo.branch("main", head);
        }
        System.out.printf("bench: generated %,d commits in %.1f s%n", commits,
                (System.nanoTime() - generating) / 1e9);

        try (RunningStack stack = RunningStack.start()) {
            final long started = System.nanoTime();
            final ImportCli.Run http = ImportCli.run("import", "git", "--repo", repoDir.toString(), "--service",
                    "big", "--url", stack.baseUrl());
            final double httpSeconds = (System.nanoTime() - started) / 1e9;
            assertEquals(0, http.code(), http.toString());
            System.out.printf("bench: HTTP  import of %,d commits: %.1f s (%,.0f commits/s)%n%s", commits,
                    httpSeconds, commits / httpSeconds, http.out());

            final long again = System.nanoTime();
            final ImportCli.Run kafka = ImportCli.run("import", "git", "--repo", repoDir.toString(), "--service",
                    "big", "--bootstrap-servers", stack.bootstrapServers());
            final double kafkaSeconds = (System.nanoTime() - again) / 1e9;
            assertEquals(0, kafka.code(), kafka.toString());
            System.out.printf("bench: Kafka import of %,d commits: %.1f s (%,.0f commits/s)%n%s", commits,
                    kafkaSeconds, commits / kafkaSeconds, kafka.out());

            final long processing = System.nanoTime();
            stack.awaitCaughtUp(Duration.ofMinutes(10));
            System.out.printf("bench: the pipeline caught up %.1f s after the imports%n",
                    (System.nanoTime() - processing) / 1e9);
            assertTrue(httpSeconds < 60, "HTTP import took " + httpSeconds + " s");
        }
    }
}
