package dev.dora.streams.simulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dora.schema.AvroCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The streamed history is generate()'s, byte for byte and in the same order, and leaves no file behind. */
@Tag("unit")
class HistoryStreamTest {

    private static final Instant END = Instant.parse("2026-10-01T00:00:00Z");

    @TempDir
    Path spill;

    @Test
    void theDemoHistoryStreamsExactlyAsGenerated() throws IOException {
        assertSameAsGenerated(HistoryGenerator.demo(END));
    }

    @Test
    void anOrganisationOfManyServicesStreamsExactlyAsGenerated() throws IOException {
        // many runs merged at once, services deploying to "prod", teamless events and redeliveries all over
        assertSameAsGenerated(HistoryGenerator.builder().seed(5).end(END).days(40)
                .services(Organisation.services(40, 5)).build());
    }

    @Test
    void theSpillFileIsDeletedOnClose() throws IOException {
        final HistoryStream stream = HistoryGenerator.demo(END).stream(spill);
        assertTrue(stream.hasNext());
        stream.next();
        try (Stream<Path> files = Files.list(spill)) {
            assertEquals(1, files.count(), "one spill file while streaming");
        }
        stream.close();
        try (Stream<Path> files = Files.list(spill)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void anExhaustedStreamSaysSo() throws IOException {
        try (HistoryStream stream = HistoryGenerator.builder().seed(1).end(END).days(3)
                .services(List.of(ServiceProfile.of("api", "platform", PerformanceLevel.LOW))).build()
                .stream(spill)) {
            long n = 0;
            while (stream.hasNext()) {
                stream.next();
                n++;
            }
            assertEquals(stream.size(), n);
            assertEquals(n, stream.returned());
            assertFalse(stream.hasNext());
            assertThrows(NoSuchElementException.class, stream::next);
        }
    }

    private void assertSameAsGenerated(final HistoryGenerator generator) throws IOException {
        final List<String> generated = encoded(generator.generate());
        final List<SpecificRecord> streamed = new ArrayList<>();
        try (HistoryStream stream = generator.stream(spill)) {
            assertEquals(generated.size(), stream.size());
            stream.forEachRemaining(streamed::add);
        }
        assertEquals(generated, encoded(streamed));
    }

    private static List<String> encoded(final List<SpecificRecord> events) {
        return events.stream().map(e -> HexFormat.of().formatHex(AvroCodec.get().encode(e))).toList();
    }
}
