package dev.dora.api.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dora.schema.AvroCodec;
import dev.dora.streams.StateVersions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;

/**
 * How records travel between instances: each Avro record in its single-object encoding (the same bytes the topics
 * and changelogs hold, so every field and every histogram bucket arrives exactly), as base64 text in a JSON answer.
 */
final class Wire {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Wire() {
    }

    /**
     * An instance's part of a version across instances, as it travels: {@code {"instance", "epoch", "stores":
     * {store: {partition: {"cache" | "below": {"topic/input": offset}}}}}}. Made by writing and reading the JSON back,
     * so this instance's own part equals, node for node, what a peer's answer parses into.
     */
    static JsonNode version(final String instance, final StateVersions.Version version) {
        final Map<String, Map<String, Map<String, Map<String, Long>>>> stores = new TreeMap<>();
        version.positions().forEach((component, offset) -> stores
                .computeIfAbsent(component.store(), s -> new TreeMap<>())
                .computeIfAbsent(Integer.toString(component.partition()), p -> new TreeMap<>())
                .computeIfAbsent(component.belowCache() ? "below" : "cache", l -> new TreeMap<>())
                .put(component.topic() + '/' + component.input(), offset));
        final Map<String, Object> part = new TreeMap<>();
        part.put("instance", instance);
        part.put("epoch", version.epoch());
        part.put("stores", stores);
        try {
            return JSON.readTree(JSON.writeValueAsBytes(part));
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String encode(final SpecificRecord record) {
        return record == null ? null : Base64.getEncoder().encodeToString(AvroCodec.get().encode(record));
    }

    static <T extends SpecificRecord> T decode(final JsonNode text, final Class<T> type) {
        if (text == null || text.isNull()) {
            return null;
        }
        return type.cast(AvroCodec.get().decode(Base64.getDecoder().decode(text.asText())));
    }

    static List<String> encodeAll(final List<? extends SpecificRecord> records) {
        final List<String> out = new ArrayList<>(records.size());
        records.forEach(record -> out.add(encode(record)));
        return out;
    }

    static <T> List<T> list(final JsonNode array, final Function<JsonNode, T> element) {
        final List<T> out = new ArrayList<>(array.size());
        array.forEach(node -> out.add(element.apply(node)));
        return out;
    }
}
