package dev.dora.ingest.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;

/** The JSON answers of the ingest edge: compact JSON, {@code Content-Type: application/json}. */
public final class JsonReply {

    /** The content type of every answer. */
    public static final String JSON = "application/json";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonReply() {
    }

    /** An empty JSON object to fill in. */
    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static void send(final Context ctx, final int status, final JsonNode body) {
        try {
            ctx.status(status).contentType(JSON).result(MAPPER.writeValueAsBytes(body));
        } catch (final JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON answer", e);
        }
    }
}
