package dev.dora.streams.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dora.events.DeploymentEvent;
import dev.dora.facts.DeploymentFact;
import dev.dora.streams.topology.PipelineDriver;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * What the order in which a service's deployments arrive after its commits costs the ledger: {@code
 * dora.bench.commits} commits on one line (default 20,000), then {@code dora.bench.deployments} deployments spread
 * along it (default 200), oldest first, newest first and shuffled, applied to a {@link LedgerHarness} written back
 * every {@code dora.bench.commitEvery} records (default 150, as the running pipeline commits) and record by record
 * (as the TopologyTestDriver does); and as the pipeline runs, with the deployments that arrive after a later one
 * held and applied at each write-back. Prints the CPU of the deployments; the facts must not depend on the order. Not
 * part of the normal build: {@code mvn -o test -pl metrics-streams -Dtest=DeploymentOrderBenchTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Ddora.bench=true}.
 */
@Tag("bench")
@EnabledIfSystemProperty(named = "dora.bench", matches = "true")
class DeploymentOrderBenchTest {

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void deploymentsInAnyOrderAfterTheirCommits() throws IOException {
        final int commits = Integer.getInteger("dora.bench.commits", 20_000);
        final int deployments = Integer.getInteger("dora.bench.deployments", 200);
        final int commitEvery = Integer.getInteger("dora.bench.commitEvery", 150);
        final List<SpecificRecord> line = new ArrayList<>();
        for (int i = 0; i < commits; i++) {
            line.add(i == 0 ? PipelineDriver.commit("svc", "c0", START)
                    : PipelineDriver.commit("svc", "c" + i, START.plusSeconds(60L * i), "c" + (i - 1)));
        }
        final List<DeploymentEvent> oldestFirst = new ArrayList<>();
        for (int d = 1; d <= deployments; d++) {
            final int at = (int) ((long) commits * d / deployments) - 1;
            oldestFirst.add(PipelineDriver.deploy("d" + d, "svc", "c" + at, START.plusSeconds(60L * at + 600)));
        }
        final List<DeploymentEvent> newestFirst = new ArrayList<>(oldestFirst);
        Collections.reverse(newestFirst);
        final List<DeploymentEvent> shuffled = new ArrayList<>(oldestFirst);
        Collections.shuffle(shuffled, new Random(42));
        final Map<String, DeploymentFact> expected = run("oldest first", line, oldestFirst, commitEvery, false);
        for (final int every : List.of(commitEvery, 1)) {
            assertEquals(expected, run("newest first", line, newestFirst, every, false), "the facts in any order");
            assertEquals(expected, run("shuffled", line, shuffled, every, false), "the facts in any order");
        }
        // as the pipeline runs: deployments arriving after a later one held, and applied oldest first at each commit
        for (final int every : List.of(commitEvery, deployments / 10, deployments)) {
            assertEquals(expected, run("newest first, held", line, newestFirst, every, true), "held, newest first");
            assertEquals(expected, run("shuffled, held", line, shuffled, every, true), "held, shuffled");
        }
    }

    /** Applies the line, then the deployments; prints the deployments' CPU; returns the deployments' facts. */
    private static Map<String, DeploymentFact> run(final String order, final List<SpecificRecord> line,
                                                   final List<DeploymentEvent> deploys, final int commitEvery,
                                                   final boolean holdLate) throws IOException {
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (LedgerHarness ledger = new LedgerHarness(true, holdLate)) {
            ledger.apply(line, commitEvery);
            final long cpu = threads.getCurrentThreadCpuTime();
            ledger.apply(deploys, commitEvery);
            System.out.printf("deployment order bench: %,d commits, %,d deployments %s, written back every %d "
                    + "records: %.2f s CPU%n", line.size(), deploys.size(), order, commitEvery,
                    (threads.getCurrentThreadCpuTime() - cpu) / 1e9);
            return new TreeMap<>(ledger.deploymentFacts());
        }
    }
}
