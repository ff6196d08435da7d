package dev.dora.schema;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dora.events.ChangeEvent;
import dev.dora.events.DeploymentEvent;
import dev.dora.events.DeploymentStatus;
import dev.dora.events.IncidentEvent;
import dev.dora.events.IncidentStatus;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
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
    void tellsAnEncodingsTypeFromItsHeaderAlone() {
        final byte[] bytes = AvroCodec.get().encode(deployment());
        assertTrue(AvroCodec.get().isEncodingOf(bytes, DeploymentEvent.class));
        assertFalse(AvroCodec.get().isEncodingOf(bytes, IncidentEvent.class), "another type's fingerprint");
        assertFalse(AvroCodec.get().isEncodingOf("not avro at all".getBytes(StandardCharsets.UTF_8),
                DeploymentEvent.class), "no marker");
        assertFalse(AvroCodec.get().isEncodingOf(new byte[] {(byte) 0xC3, 1, 0}, DeploymentEvent.class), "too short");
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

    private static Schema historic(final String file) throws IOException {
        try (InputStream in = AvroCodecTest.class.getClassLoader().getResourceAsStream("dora-schema-history/" + file)) {
            assertTrue(in != null, file + " ships with the code");
            return new Schema.Parser().parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void historyFilesKeepTheFingerprintsOfTheReleasedSchemas() throws IOException {
        // the fingerprints records written before ChangeEvent gained labels carry; a history file must never change
        assertEquals("1d8ca4f0a94a45db",
                Long.toHexString(SchemaNormalization.parsingFingerprint64(historic("ChangeEvent.v1.avsc"))));
    }

    /**
     * Builds added an entity type; a removal a previous version left in the repartition topic during an upgrade is
     * still read.
     */
    @Test
    void decodesARemovalWrittenBeforeBuildsExisted() throws IOException {
        final Schema v1 = historic("EntityRemoval.v1.avsc");
        final GenericRecord old = new GenericData.Record(v1);
        old.put("type", new GenericData.EnumSymbol(v1.getField("type").schema(), "deployment"));
        old.put("id", "d-1");
        final ByteBuffer bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old);
        final byte[] array = new byte[bytes.remaining()];
        bytes.get(array);
        assertEquals(new dev.dora.state.EntityRemoval(dev.dora.state.EntityType.deployment, "d-1"),
                AvroCodec.get().decode(array));
    }

    @Test
    void decodesAChangeWrittenBeforeLabelsWithNoLabels() throws IOException {
        final Schema v1 = historic("ChangeEvent.v1.avsc");
        final GenericRecord old = new GenericData.Record(v1);
        old.put("id", "0123456789abcdef0123456789abcdef01234567");
        old.put("service", "shop");
        old.put("occurredAt", T.toEpochMilli());
        old.put("sha", "0123456789abcdef0123456789abcdef01234567");
        old.put("parents", List.of());
        old.put("committedAt", T.toEpochMilli());
        old.put("branch", "hotfix/login");
        final ByteBuffer bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old);
        final byte[] array = new byte[bytes.remaining()];
        bytes.get(array);

        final ChangeEvent change = (ChangeEvent) AvroCodec.get().decode(array);
        assertEquals("hotfix/login", change.getBranch());
        assertEquals(List.of(), change.getLabels());
    }

    @Test
    void roundTripsAChangeWithLabels() {
        final ChangeEvent change = ChangeEvent.newBuilder().setId("0123456789abcdef0123456789abcdef01234567")
                .setService("shop").setOccurredAt(T).setSha("0123456789abcdef0123456789abcdef01234567")
                .setParents(List.of()).setCommittedAt(T).setLabels(List.of("hotfix", "backend")).build();
        assertEquals(change, AvroCodec.get().decode(AvroCodec.get().encode(change)));
        final ChangeEvent unlabelled = ChangeEvent.newBuilder().setId(change.getId()).setService("shop")
                .setOccurredAt(T).setSha(change.getSha()).setParents(List.of()).setCommittedAt(T).build();
        assertEquals(List.of(), unlabelled.getLabels(), "labels default to empty");
    }

    @Test
    void everyGeneratedClassARecordMayHoldIsTrustedWhateverTheSystemProperties() {
        // nested types are the ones a hand-written list forgets: the demo JVM has no SERIALIZABLE_PACKAGES property
        for (final Class<?> nested : List.of(dev.dora.facts.ChargedDeployment.class, dev.dora.facts.FailureRule.class,
                dev.dora.events.Severity.class, dev.dora.state.EntityType.class, dev.dora.facts.IncidentFact.class)) {
            assertTrue(AvroCodec.generatedClasses().isTrusted(nested), nested.getName());
        }
        assertTrue(!AvroCodec.generatedClasses().isTrusted(String.class), "only generated classes");
    }
}
