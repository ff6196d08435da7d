package dev.dora.schema;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/** Kafka serdes over {@link AvroCodec}: one record type, or any pipeline record type. */
public final class AvroSerdes {

    private AvroSerdes() {
    }

    public static <T extends SpecificRecord> Serde<T> of(final Class<T> type) {
        final Serializer<T> serializer = (topic, record) -> record == null ? null : AvroCodec.get().encode(record);
        final Deserializer<T> deserializer = (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            final SpecificRecord record = decode(topic, bytes);
            if (!type.isInstance(record)) {
                throw new SerializationException("topic " + topic + " holds a " + record.getSchema().getFullName()
                        + " where a " + type.getName() + " was expected");
            }
            return type.cast(record);
        };
        return Serdes.serdeFrom(serializer, deserializer);
    }

    /** For topics that carry several record types; callers dispatch on the runtime type. */
    public static Serde<SpecificRecord> any() {
        final Serializer<SpecificRecord> serializer =
                (topic, record) -> record == null ? null : AvroCodec.get().encode(record);
        final Deserializer<SpecificRecord> deserializer =
                (topic, bytes) -> bytes == null ? null : decode(topic, bytes);
        return Serdes.serdeFrom(serializer, deserializer);
    }

    private static SpecificRecord decode(final String topic, final byte[] bytes) {
        try {
            return AvroCodec.get().decode(bytes);
        } catch (final RuntimeException e) {
            throw new SerializationException("cannot decode a record of topic " + topic + ": " + e.getMessage(), e);
        }
    }
}
