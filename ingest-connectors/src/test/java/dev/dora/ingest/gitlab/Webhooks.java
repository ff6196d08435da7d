package dev.dora.ingest.gitlab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dora.ingest.CanonicalEvents;
import dev.dora.ingest.webhook.Mapping;
import dev.dora.ingest.webhook.WebhookRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/** Test fixtures: the payloads under {@code webhooks/gitlab/} and requests built from them. */
final class Webhooks {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOKEN = "gl-t0ken-\u00e9t\u00e9";

    private Webhooks() {
    }

    static byte[] bytes(final String fixture) {
        try (InputStream in = Webhooks.class.getResourceAsStream("/webhooks/gitlab/" + fixture)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + fixture);
            }
            return in.readAllBytes();
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectNode json(final String fixture) {
        try {
            return (ObjectNode) JSON.readTree(bytes(fixture));
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static WebhookRequest request(final String event, final byte[] body, final String... headers) {
        final Map<String, String> all = new HashMap<>();
        all.put("Content-Type", "application/json");
        all.put("X-Gitlab-Token", TOKEN);
        if (event != null) {
            all.put("X-Gitlab-Event", event);
        }
        for (int i = 0; i < headers.length; i += 2) {
            if (headers[i + 1] == null) {
                all.remove(headers[i]);
            } else {
                all.put(headers[i], headers[i + 1]);
            }
        }
        return new WebhookRequest(all, body);
    }

    static WebhookRequest request(final String event, final ObjectNode body) {
        try {
            return request(event, JSON.writeValueAsBytes(body));
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Asserts that every event survives the canonical contract unchanged, and that the mapping is not ignored. */
    static Mapping revalidated(final Mapping mapping) {
        assertNull(mapping.ignored(), "ignored");
        for (final SpecificRecord event : mapping.events()) {
            assertEquals(event, CanonicalEvents.parse(CanonicalEvents.toJson(event)));
        }
        return mapping;
    }
}
