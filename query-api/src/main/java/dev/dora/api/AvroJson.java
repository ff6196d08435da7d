package dev.dora.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * An Avro record as the JSON a person would write: fields by name in schema order, optional values as the value or
 * null (no union wrappers), enums as their symbol, maps sorted by key, timestamps as ISO-8601 instants. The published
 * records (a weekly report) thus read like the rest of the API.
 */
public final class AvroJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private AvroJson() {
    }

    public static JsonNode of(final GenericRecord record) {
        return value(record.getSchema(), record);
    }

    private static JsonNode value(final Schema schema, final Object value) {
        if (value == null) {
            return NODES.nullNode();
        }
        return switch (schema.getType()) {
            case RECORD -> record(schema, (GenericRecord) value);
            case UNION -> value(schema.getTypes().get(GenericData.get().resolveUnion(schema, value)), value);
            case ARRAY -> array(schema.getElementType(), (Collection<?>) value);
            case MAP -> map(schema.getValueType(), (Map<?, ?>) value);
            case LONG -> schema.getLogicalType() instanceof LogicalTypes.TimestampMillis
                    ? NODES.textNode(value instanceof Instant instant ? instant.toString()
                            : Instant.ofEpochMilli((Long) value).toString())
                    : NODES.numberNode((Long) value);
            case INT -> NODES.numberNode((Integer) value);
            case DOUBLE -> NODES.numberNode((Double) value);
            case BOOLEAN -> NODES.booleanNode((Boolean) value);
            default -> NODES.textNode(value.toString());
        };
    }

    private static ObjectNode record(final Schema schema, final GenericRecord record) {
        final ObjectNode node = NODES.objectNode();
        for (final Schema.Field field : schema.getFields()) {
            node.set(field.name(), value(field.schema(), record.get(field.pos())));
        }
        return node;
    }

    private static ArrayNode array(final Schema items, final Collection<?> values) {
        final ArrayNode node = NODES.arrayNode();
        values.forEach(item -> node.add(value(items, item)));
        return node;
    }

    private static ObjectNode map(final Schema values, final Map<?, ?> entries) {
        final ObjectNode node = NODES.objectNode();
        new TreeMap<>(entries.entrySet().stream().collect(java.util.stream.Collectors.toMap(
                e -> e.getKey().toString(), Map.Entry::getValue))).forEach((key, v) -> node.set(key, value(values, v)));
        return node;
    }
}
