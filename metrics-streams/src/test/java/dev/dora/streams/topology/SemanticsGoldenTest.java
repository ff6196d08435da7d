package dev.dora.streams.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dora.schema.AvroCodec;
import dev.dora.streams.config.MetricsConfig;
import dev.dora.streams.store.Entity;
import dev.dora.streams.store.StoreNames;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Guards {@link MetricsConfig#SEMANTICS_VERSION}: the facts derived from a fixed generated history are hashed, and the
 * hash recorded for the current version must not change. A release that derives facts differently must raise the
 * version (so its facts are computed under a new application id, never mixed with the old ones) and record the new
 * hash ({@code -Ddora.golden.record=true}); one that only refactors leaves the hash alone.
 */
@Tag("topology")
class SemanticsGoldenTest {

    private static final Path RECORDED = Path.of("src/test/resources/golden/facts-by-semantics-version.txt");

    @Test
    void theFactsOfAFixedHistoryChangeOnlyWithTheSemanticsVersion() throws IOException {
        final String hash = factsHash();
        final Map<Integer, String> recorded = read();
        if (Boolean.getBoolean("dora.golden.record")) {
            recorded.put(MetricsConfig.SEMANTICS_VERSION, hash);
            final StringBuilder out = new StringBuilder("# semantics version, then the SHA-256 of every fact of "
                    + "SemanticsGoldenTest's history\n");
            recorded.forEach((version, h) -> out.append(version).append(' ').append(h).append('\n'));
            Files.writeString(RECORDED, out, StandardCharsets.UTF_8);
        }
        assertTrue(recorded.containsKey(MetricsConfig.SEMANTICS_VERSION), "no facts hash recorded for semantics "
                + "version " + MetricsConfig.SEMANTICS_VERSION + ": record it with -Ddora.golden.record=true");
        assertEquals(recorded.get(MetricsConfig.SEMANTICS_VERSION), hash, "the facts changed but SEMANTICS_VERSION "
                + "did not: raise MetricsConfig.SEMANTICS_VERSION and record the new hash (-Ddora.golden.record=true)");
    }

    /** Every deployment and incident fact of every environment group, in key order, encoded, hashed. */
    private static String factsHash() {
        try (PipelineDriver driver = new PipelineDriver().pipe(ConvergenceTest.history(5))) {
            final KeyValueStore<Bytes, SpecificRecord> entities = driver.store(StoreNames.LEDGER_ENTITIES);
            final MessageDigest digest = MessageDigest.getInstance("SHA-256");
            int facts = 0;
            try (KeyValueIterator<Bytes, SpecificRecord> it = entities.all()) {
                while (it.hasNext()) {
                    final KeyValue<Bytes, SpecificRecord> entry = it.next();
                    final byte tag = entry.key.get()[0];
                    if (tag == Entity.DEPLOYMENT_FACT.tag() || tag == Entity.INCIDENT_FACT.tag()) {
                        digest.update(entry.key.get());
                        digest.update(AvroCodec.get().encode(entry.value));
                        facts++;
                    }
                }
            }
            assertTrue(facts > 200, "the history yields enough facts to notice a changed rule: " + facts);
            return HexFormat.of().formatHex(digest.digest());
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<Integer, String> read() throws IOException {
        final Map<Integer, String> recorded = new TreeMap<>();
        if (Files.exists(RECORDED)) {
            for (final String line : Files.readAllLines(RECORDED, StandardCharsets.UTF_8)) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    final String[] parts = line.trim().split(" ");
                    recorded.put(Integer.parseInt(parts[0]), parts[1]);
                }
            }
        }
        return recorded;
    }
}
