package dev.dora.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

/**
 * How the ingest edge reads JSON from the outside: an object with the same key twice is refused (which of the two
 * values counts would otherwise depend on the parser, and a signed or validated value could hide behind another), and
 * nothing may follow the value. Jackson's own stream limits (nesting depth, number and string lengths) apply as well.
 */
public final class StrictJson {

    /** The mapper for trees read from requests. */
    public static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build());

    /** A reader of one whole JSON document, refusing trailing content. */
    public static final ObjectReader READER = MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private StrictJson() {
    }
}
