package dev.dora.schema;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dora.events.DeploymentEvent;
import dev.dora.events.DeploymentStatus;
import dev.dora.events.IncidentEvent;
import dev.dora.events.IncidentStatus;
import java.time.Instant;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class AvroCodecTest {

    private static final Instant T = Instant.parse("2026-10-01T12:00:00Z");

    private static DeploymentEvent deployment() {
        return DeploymentEvent.newBuilder().setId("d-1").setService("shop").setOccurredAt(T)
                .setEnvironment("production").setStatus(DeploymentStatus.success).setFinishedAt(T)
                .setSha("0123456789abcdef0123456789abcdef01234567").build();
    }

    @Test
    void roundTripsEveryTypeThroughOneTopic() {
        final Serde<SpecificRecord> serde = AvroSerdes.any();
        final IncidentEvent incident = IncidentEvent.newBuilder().setId("i-1").setService("shop")
                .setOccurredAt(T).setEnvironment("production").setStatus(IncidentStatus.open).setOpenedAt(T).build();
        for (final SpecificRecord record : List.<SpecificRecord>of(deployment(), incident)) {
            final byte[] bytes = serde.serializer().serialize("t", record);
            assertEquals((byte) 0xC3, bytes[0]);
            assertEquals(record, serde.deserializer().deserialize("t", bytes));
        }
    }

    @Test
    void encodingIsDeterministic() {
        assertArrayEquals(AvroCodec.get().encode(deployment()), AvroCodec.get().encode(deployment()));
    }

    @Test
    void typedSerdeRejectsAnotherTypeNamingBoth() {
        final byte[] bytes = AvroCodec.get().encode(deployment());
        final SerializationException e = assertThrows(SerializationException.class,
                () -> AvroSerdes.of(IncidentEvent.class).deserializer().deserialize("dora.events.incidents", bytes));
        assertTrue(e.getMessage().contains("DeploymentEvent"), e.getMessage());
        assertTrue(e.getMessage().contains("dora.events.incidents"), e.getMessage());
    }

    @Test
    void garbageIsASerializationErrorNotACrash() {
        assertThrows(SerializationException.class,
                () -> AvroSerdes.any().deserializer().deserialize("t", new byte[] {1, 2, 3}));
    }

    @Test
    void everyHistoricSchemaIsReadableByTheCurrentOne() {
        AvroCodec.loadHistory().forEach((name, versions) -> {
            final Schema current = AvroCodec.RECORD_TYPES.stream().map(t -> SpecificData.get().getSchema(t))
                    .filter(s -> s.getFullName().equals(name)).findFirst()
                    .orElseThrow(() -> new AssertionError("history holds " + name + ", which is no longer a type"));
            for (final Schema old : versions) {
                assertEquals(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE,
                        SchemaCompatibility.checkReaderWriterCompatibility(current, old).getType(),
                        "current " + name + " cannot read an older version");
            }
        });
    }
}
