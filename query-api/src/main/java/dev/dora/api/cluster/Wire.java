package dev.dora.api.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dora.schema.AvroCodec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;

/**
 * How records travel between instances: each Avro record in its single-object encoding (the same bytes the topics
 * and changelogs hold, so every field and every histogram bucket arrives exactly), as base64 text in a JSON answer.
 */
final class Wire {

    private Wire() {
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
