package dev.dora.streams.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dora.streams.simulation.HistoryGenerator;
import dev.dora.streams.simulation.Organisation;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * What the write-back layer saves when Kafka Streams commits every so many records, as it does in the running
 * pipeline (every 100 ms under exactly-once), which {@code LedgerThroughputBenchTest} cannot show: its test driver
 * commits after every record. The same generated history is applied to a {@link LedgerHarness} twice: once written
 * record by record (as without the layer), once through write-back stores written back every
 * {@code dora.bench.commitEvery} records (default 150: 100 ms at 1,500 events/s), alternately,
 * {@code dora.bench.rounds} times (default 3; the first round warms the JIT up). Prints ledger events
 * per CPU-second of the thread for both, and checks that both end with the same stores. Opt-in:
 * {@code mvn -o test -pl metrics-streams -am -Dtest=LedgerCommitCadenceBenchTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Ddora.bench=true}.
 */
@Tag("bench")
@EnabledIfSystemProperty(named = "dora.bench", matches = "true")
class LedgerCommitCadenceBenchTest {

    @Test
    void writeBackPerCommitAgainstWritesPerRecord() throws IOException {
        final long events = Long.getLong("dora.bench.events", 100_000);
        final int services = Integer.getInteger("dora.bench.services", 30);
        final int commitEvery = Integer.getInteger("dora.bench.commitEvery", 150);
        final Instant end = Instant.parse("2026-11-01T00:00:00Z");
        final List<SpecificRecord> history = HistoryGenerator.builder().seed(42).end(end).days(365)
                .services(Organisation.sizedFor(events, services, 365, end, 42)).build().generate();
        Map<String, String> perRecord = null;
        Map<String, String> writeBack = null;
        final int rounds = Integer.getInteger("dora.bench.rounds", 3);
        for (int round = 1; round <= rounds; round++) {
            perRecord = run("per record", history, false, commitEvery, round);
            writeBack = run("write-back, commit every " + commitEvery, history, true, commitEvery, round);
        }
        assertEquals(perRecord, writeBack, "the write-back layer changes no store entry");
    }

    private static Map<String, String> run(final String mode, final List<SpecificRecord> history,
                                           final boolean writeBack, final int commitEvery, final int round)
            throws IOException {
        try (LedgerHarness ledger = new LedgerHarness(writeBack)) {
            final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            final long cpu = threads.getCurrentThreadCpuTime();
            ledger.apply(history, commitEvery);
            final double seconds = (threads.getCurrentThreadCpuTime() - cpu) / 1e9;
            System.out.printf("ledger cadence bench, round %d, %s: %,d events in %.1f s CPU (%,.0f events per "
                    + "CPU-second)%n", round, mode, history.size(), seconds, history.size() / seconds);
            return ledger.contents();
        }
    }
}
