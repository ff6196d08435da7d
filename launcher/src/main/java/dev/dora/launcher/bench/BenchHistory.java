package dev.dora.launcher.bench;

import dev.dora.events.ChangeEvent;
import dev.dora.events.DeploymentEvent;
import dev.dora.events.IncidentEvent;
import dev.dora.ingest.CanonicalEvents;
import dev.dora.schema.Topic;
import dev.dora.schema.Topics;
import dev.dora.streams.simulation.HistoryGenerator;
import dev.dora.streams.simulation.HistoryStream;
import dev.dora.streams.simulation.Organisation;
import dev.dora.streams.simulation.ServiceProfile;
import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/**
 * The benchmark's history, generated deterministically from the seed and written once, oldest first, in the two
 * forms the phases need: an NDJSON file of canonical events (what {@code dora import events} reads) and the very
 * Kafka records the importer produces from it (topic, key and value bytes, for the pass-through reference). The
 * expected counts are taken from the same events on the way.
 *
 * @param ndjson       the events, one canonical JSON object per line
 * @param records      the same events as Kafka records (see {@link KafkaRecords})
 * @param events       how many events
 * @param recordBytes  key and value bytes of all records together
 * @param services     the organisation's services
 * @param expected     the independent counts
 * @param seconds      how long generating and writing took
 */
record BenchHistory(Path ndjson, Path records, long events, long recordBytes, List<ServiceProfile> services,
                    ExpectedCounts expected, double seconds) {

    /** The main history: about {@code history.events()} events of {@code history.services()} services. */
    static BenchHistory generate(final BenchSettings.History history, final Path dir) throws IOException {
        return write(generator(history.events(), history.services(), history.days(), history.endInstant(),
                history.seed()), dir, "history", true);
    }

    /** The generator of the main history for these settings: the same events every time. */
    static HistoryGenerator generator(final long events, final int services, final int days, final Instant end,
                                      final long seed) {
        return HistoryGenerator.builder().seed(seed).end(end).days(days)
                .services(Organisation.sizedFor(events, services, days, end, seed)).build();
    }

    /**
     * The history of another organisation (services and teams named {@code late-…}), for the backfill that runs
     * while live events are measured: as dense as the main one, with as many services as its share of events asks.
     */
    /** Far above any main history's deployment and incident numbers (ten million events have about 500,000). */
    static final long CONCURRENT_ID_OFFSET = 1_000_000_000L;

    static BenchHistory generateConcurrent(final BenchSettings settings, final Path dir) throws IOException {
        final BenchSettings.History main = settings.history();
        final long events = settings.live().concurrentEvents();
        final int services = (int) Math.max(1, Math.round((double) main.services() * events / main.events()));
        final List<ServiceProfile> profiles = Organisation.sizedFor("late-", events, services, main.days(),
                main.endInstant(), main.seed() + 1);
        // ids of their own: with the main history's ids, the "live" events would move existing deployments
        return write(HistoryGenerator.builder().seed(main.seed() + 1).end(main.endInstant())
                .days(main.days()).services(profiles).idOffset(CONCURRENT_ID_OFFSET).build(), dir, "concurrent",
                false);
    }

    private static BenchHistory write(final HistoryGenerator generator, final Path dir, final String name,
                                      final boolean withRecords) throws IOException {
        final long started = System.nanoTime();
        final Path ndjson = dir.resolve(name + ".ndjson");
        final Path records = dir.resolve(name + ".records");
        final ExpectedCounts expected = new ExpectedCounts();
        long count = 0;
        long recordBytes = 0;
        try (HistoryStream history = generator.stream(dir.resolve("spill"));
             Writer lines = new BufferedWriter(Files.newBufferedWriter(ndjson, StandardCharsets.UTF_8), 1 << 16);
             DataOutputStream out = withRecords
                     ? new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(records), 1 << 16)) : null) {
            while (history.hasNext()) {
                final SpecificRecord event = history.next();
                lines.write(CanonicalEvents.toJson(event).toString());
                lines.write('\n');
                if (out != null) {
                    recordBytes += KafkaRecords.write(out, event);
                }
                expected.add(event);
                count++;
            }
        }
        return new BenchHistory(ndjson, withRecords ? records : null, count, recordBytes, generator.services(),
                expected, (System.nanoTime() - started) / 1e9);
    }

    /**
     * The Kafka records of events exactly as {@code EventPublisher} produces them (a change keyed by its service,
     * a deployment or incident by its id, values in the topics' Avro serde), one after another in a file:
     * topic index (1 byte: changes, deployments, incidents), key length and key, value length and value.
     */
    static final class KafkaRecords {

        static final List<Topic<String, ?>> TOPICS = List.of(Topics.CHANGES, Topics.DEPLOYMENTS, Topics.INCIDENTS);

        private KafkaRecords() {
        }

        /** Appends one event's record; returns its key and value bytes. */
        static int write(final DataOutputStream out, final SpecificRecord event) throws IOException {
            final int topic;
            final byte[] key;
            final byte[] value;
            if (event instanceof ChangeEvent c) {
                topic = 0;
                key = key(Topics.CHANGES, c.getService());
                value = Topics.CHANGES.valueSerde().serializer().serialize(Topics.CHANGES.name(), c);
            } else if (event instanceof DeploymentEvent d) {
                topic = 1;
                key = key(Topics.DEPLOYMENTS, d.getId());
                value = Topics.DEPLOYMENTS.valueSerde().serializer().serialize(Topics.DEPLOYMENTS.name(), d);
            } else if (event instanceof IncidentEvent i) {
                topic = 2;
                key = key(Topics.INCIDENTS, i.getId());
                value = Topics.INCIDENTS.valueSerde().serializer().serialize(Topics.INCIDENTS.name(), i);
            } else {
                throw new IllegalArgumentException("not an event: " + event.getClass().getName());
            }
            out.writeByte(topic);
            out.writeInt(key.length);
            out.write(key);
            out.writeInt(value.length);
            out.write(value);
            return key.length + value.length;
        }

        private static byte[] key(final Topic<String, ?> topic, final String key) {
            return topic.keySerde().serializer().serialize(topic.name(), key);
        }
    }
}
