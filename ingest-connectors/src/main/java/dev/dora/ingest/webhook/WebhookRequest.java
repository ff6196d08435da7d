package dev.dora.ingest.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.dora.ingest.InvalidEventException;
import dev.dora.ingest.StrictJson;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A webhook request as received: headers (looked up case-insensitively) and the raw body, which signatures are
 * computed over, so it is never re-serialised. It deliberately carries no time of receipt: mappings take every
 * timestamp from the payload, so a redelivery maps to the same events.
 */
public final class WebhookRequest {

    private static final ObjectReader JSON = StrictJson.READER;

    private final Map<String, String> headers;
    private final byte[] body;
    private JsonNode json;

    public WebhookRequest(final Map<String, String> headers, final byte[] body) {
        final Map<String, String> lower = new TreeMap<>();
        headers.forEach((name, value) -> lower.put(name.toLowerCase(Locale.ROOT), value));
        this.headers = Map.copyOf(lower);
        this.body = body.clone();
    }

    /** The header's value, or null; names are case-insensitive. */
    public String header(final String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public byte[] body() {
        return body.clone();
    }

    /** The header's value without surrounding white space; null when absent or blank. */
    public String trimmedHeader(final String name) {
        final String value = header(name);
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** The body parsed as JSON. */
    public JsonNode json() {
        if (json == null) {
            try {
                json = JSON.readTree(body);
            } catch (final JsonProcessingException e) {
                throw new InvalidEventException("body", "is not valid JSON: " + e.getOriginalMessage());
            } catch (final IOException e) {
                throw new InvalidEventException("body", "cannot be read: " + e.getMessage());
            }
            if (json == null || json.isMissingNode()) {
                throw new InvalidEventException("body", "is empty");
            }
        }
        return json;
    }
}
