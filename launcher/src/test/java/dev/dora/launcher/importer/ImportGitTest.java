package dev.dora.launcher.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dora.events.ChangeEvent;
import dev.dora.launcher.e2e.RunningStack;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dora import git} on a throwaway repository with a merge commit and a squash merge, into a real running stack:
 * the lead-time samples of a deployment of the head are the hand-computed ones, and importing twice changes nothing.
 */
@Tag("e2e")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ImportGitTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ZoneId BERLIN = ZoneId.of("+02:00");
    private static final ZoneId NEW_YORK = ZoneId.of("-05:00");
    private static final ZoneId INDIA = ZoneId.of("+05:30");

    @TempDir
    Path dir;

    private final Map<String, ObjectId> commits = new HashMap<>();

    /**
     * main: c1 - c2 - c3 ---------- c4 - m1 - sq - c5      (m1 merges feature; sq is the squash of s1 + s2)
     *                    \- f1 - f2 -/      \- s1 - s2      (squashed branch: not reachable from main)
     */
    @BeforeEach
    void buildRepository() throws Exception {
        try (TestRepo repo = TestRepo.init(dir.resolve("shop"), false)) {
            repo.origin("https://someone:s3cret-token@github.com/acme/shop.git");
            put("c1", repo.commit(at("2026-10-01T08:00:00Z"), BERLIN));
            put("c2", repo.commit(at("2026-10-01T09:00:00Z"), NEW_YORK, get("c1")));
            put("c3", repo.commit(at("2026-10-01T11:00:00Z"), INDIA, get("c2")));
            put("f1", repo.commit(at("2026-10-01T12:00:00Z"), BERLIN, get("c3")));
            put("f2", repo.commit(at("2026-10-01T13:30:00Z"), NEW_YORK, get("f1")));
            put("c4", repo.commit(at("2026-10-01T14:00:00Z"), BERLIN, get("c3")));
            put("m1", repo.commit(at("2026-10-01T15:00:00Z"), INDIA, get("c4"), get("f2")));
            put("s1", repo.commit(at("2026-10-01T15:30:00Z"), BERLIN, get("m1")));
            put("s2", repo.commit(at("2026-10-01T16:00:00Z"), BERLIN, get("s1")));
            put("sq", repo.commit(at("2026-10-01T17:00:00Z"), NEW_YORK, get("m1")));
            put("c5", repo.commit(at("2026-10-01T18:00:00Z"), BERLIN, get("sq")));
            repo.branch("feature", get("f2"));
            repo.branch("squashed", get("s2"));
            repo.branch("main", get("c5"));
        }
    }

    @Test
    void everyCommitOfTheBranchBecomesAChangeWithItsParentsAndUtcCommitterTime() throws Exception {
        final GitHistory history = GitHistory.read(dir.resolve("shop"), "main", "shop", "retail", null, null);
        assertEquals("acme/shop", history.repo(), "the origin's path, without the credentials in its URL");
        final List<ImportItem> items = new ArrayList<>();
        history.items().forEachRemaining(items::add);
        assertEquals(9, items.size(), "c1 c2 c3 f1 f2 c4 m1 sq c5; the squashed branch's s1 and s2 are not on main");
        final Map<String, ChangeEvent> bySha = new HashMap<>();
        for (final ImportItem item : items) {
            assertTrue(item.isValid(), item.toString());
            final ChangeEvent change = (ChangeEvent) item.event();
            bySha.put(change.getSha(), change);
            for (final String parent : change.getParents()) {
                assertTrue(bySha.containsKey(parent), "parents come before children: " + item.label());
            }
            for (final String personal : List.of(TestRepo.AUTHOR_NAME, TestRepo.AUTHOR_EMAIL, TestRepo.COMMITTER_NAME,
                    TestRepo.COMMITTER_EMAIL, "Alice", "Carol", "@example", "s3cret", "someone")) {
                assertFalse(item.wire().contains(personal), personal + " in " + item.wire());
            }
        }
        final ChangeEvent merge = bySha.get(get("m1").name());
        assertEquals(List.of(get("c4").name(), get("f2").name()), merge.getParents());
        assertEquals(at("2026-10-01T15:00:00Z"), merge.getCommittedAt(), "committer time (+05:30) in UTC");
        assertEquals(merge.getCommittedAt(), merge.getOccurredAt());
        assertEquals(List.of(get("m1").name()), bySha.get(get("sq").name()).getParents());
        assertEquals(List.of(), bySha.get(get("c1").name()).getParents());
        assertFalse(bySha.containsKey(get("s1").name()));
        assertEquals("shop", merge.getService());
        assertEquals("retail", merge.getTeam());
        assertEquals("acme/shop", merge.getRepo());
        assertEquals("main", merge.getBranch());
        assertEquals(GitHistory.SOURCE, merge.getSource());
        assertEquals(null, merge.getAuthoredAt());

        final GitHistory feature = GitHistory.read(dir.resolve("shop"), "feature", "shop", null, "shop-repo",
                null);
        assertEquals(5, feature.size(), "c1 c2 c3 f1 f2");
        assertEquals("shop-repo", feature.repo());
        final GitHistory recent = GitHistory.read(dir.resolve("shop"), "main", "shop", null, null,
                at("2026-10-01T14:00:00Z"));
        assertEquals(4, recent.size(), "--since keeps c4 m1 sq c5");
        final Iterator<ImportItem> first = recent.items();
        assertEquals(get("c4").name(), ((ChangeEvent) first.next().event()).getSha());
    }

    @Test
    void leadTimesOfADeploymentOfTheHeadAreTheHandComputedOnesAndAReimportChangesNothing() throws Exception {
        try (RunningStack stack = RunningStack.start()) {
            final ImportCli.Run imported = ImportCli.run("import", "git", "--repo", dir.resolve("shop").toString(),
                    "--service", "shop", "--team", "retail", "--url", stack.baseUrl(), "--batch-size", "4");
            assertEquals(0, imported.code(), imported.toString());
            assertTrue(imported.out().contains("Imported 9 commits of acme/shop (main) as service shop: 9 accepted, "
                    + "0 refused"), imported.out());

            // the baseline deploys c2; the second deployment ships c3 f1 f2 c4 m1 sq c5
            stack.post(deployment("d1", "2026-10-01T10:00:00Z", get("c2")) + "\n"
                    + deployment("d2", "2026-10-02T00:00:00Z", get("c5")));
            stack.awaitCaughtUp(Duration.ofMinutes(2));
            final JsonNode first = stack.getJson("/api/v1/metrics?service=shop&from=2026-10-01&to=2026-10-03");
            // lead times to 2026-10-02T00:00Z: c5 6 h, sq 7 h, m1 9 h, c4 10 h, f2 10.5 h, f1 12 h, c3 13 h
            assertEquals(2, first.at("/deploymentFrequency/deployments").asLong(), first.toString());
            assertEquals(7, first.at("/leadTime/samples").asLong(), first.toString());
            assertEquals(36_000, first.at("/leadTime/medianSeconds").asDouble(), 360, "4th of 7: c4, 10 h");
            assertEquals(46_800, first.at("/leadTime/p90Seconds").asDouble(), 468, "7th of 7: c3, 13 h");
            assertEquals("retail", stack.getJson("/api/v1/services").at("/services/0/team").asText());

            final ImportCli.Run again = ImportCli.run("import", "git", "--repo", dir.resolve("shop").toString(),
                    "--service", "shop", "--team", "retail", "--url", stack.baseUrl());
            assertEquals(0, again.code(), again.toString());
            stack.awaitCaughtUp(Duration.ofMinutes(2));
            assertEquals(first, stack.getJson("/api/v1/metrics?service=shop&from=2026-10-01&to=2026-10-03"),
                    "a second import changes nothing");

            final ImportCli.Run viaKafka = ImportCli.run("import", "git", "--repo", dir.resolve("shop").toString(),
                    "--service", "shop", "--team", "retail", "--bootstrap-servers", stack.bootstrapServers());
            assertEquals(0, viaKafka.code(), viaKafka.toString());
            assertTrue(viaKafka.out().contains("9 accepted"), viaKafka.out());
            stack.awaitCaughtUp(Duration.ofMinutes(2));
            assertEquals(first, stack.getJson("/api/v1/metrics?service=shop&from=2026-10-01&to=2026-10-03"),
                    "the same events straight to Kafka change nothing either");
        }
    }

    private static String deployment(final String id, final String finishedAt, final ObjectId sha) {
        return JSON.createObjectNode().put("type", "deployment").put("id", id).put("service", "shop")
                .put("occurredAt", finishedAt).put("environment", "production").put("status", "success")
                .put("finishedAt", finishedAt).put("sha", sha.name()).toString();
    }

    private void put(final String name, final ObjectId id) {
        commits.put(name, id);
    }

    private ObjectId get(final String name) {
        return commits.get(name);
    }

    private static Instant at(final String instant) {
        return Instant.parse(instant);
    }
}
