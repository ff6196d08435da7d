package dev.dora.ingest.cdevents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dora.ingest.InvalidEventException;
import dev.dora.ingest.JsonFields;
import dev.dora.ingest.StrictJson;
import dev.dora.ingest.webhook.WebhookRequest;
import java.io.IOException;
import java.util.Base64;
import java.util.Locale;

/**
 * A CloudEvent received over HTTP, in either content mode of the CloudEvents HTTP binding, reduced to what the
 * CDEvents mapping needs: the context attributes and the data (the CDEvent).
 *
 * <ul>
 *   <li><b>binary</b>: a {@code ce-specversion} header; attributes in {@code ce-*} headers, the body is the data;</li>
 *   <li><b>structured</b>: {@code Content-Type: application/cloudevents+json} (or, leniently, a JSON body with
 *       top-level {@code specversion} and {@code data} or {@code data_base64}): attributes and data in the body;</li>
 *   <li><b>bare</b>: neither; the body is taken to be the CDEvent itself (tools that post CDEvents without a
 *       CloudEvents envelope).</li>
 * </ul>
 *
 * @param mode       {@code binary}, {@code structured} or {@code bare}
 * @param id         the CloudEvent {@code id}, or null (bare mode)
 * @param source     the CloudEvent {@code source}, or null
 * @param type       the CloudEvent {@code type}, or null
 * @param time       the CloudEvent {@code time}, or null
 * @param data       the data, i.e. the CDEvent JSON; never null
 * @param dataPath   the JSON path of the data in the request body: {@code data} in structured mode, {@code ""}
 *                   otherwise, so that errors name the field where the sender put it
 */
record CloudEventEnvelope(String mode, String id, String source, String type, String time, JsonNode data,
                          String dataPath) {

    static final String SPEC_VERSION = "1.0";
    private static final ObjectMapper JSON = StrictJson.MAPPER;

    /**
     * Reads the envelope of a request.
     *
     * @throws InvalidEventException when the request is not a well-formed CloudEvent
     */
    static CloudEventEnvelope of(final WebhookRequest request) {
        final String contentType = lower(request.header("content-type"));
        if (contentType != null && contentType.startsWith("application/cloudevents-batch")) {
            throw new InvalidEventException("content-type", "batch mode (application/cloudevents-batch+json) is not"
                    + " supported; send one event per request, in binary or structured mode");
        }
        if (contentType != null && contentType.startsWith("application/cloudevents")) {
            if (!contentType.startsWith("application/cloudevents+json")) {
                throw new InvalidEventException("content-type", "only the JSON event format"
                        + " (application/cloudevents+json) is supported (got '" + request.header("content-type")
                        + "')");
            }
            return structured(request.json());
        }
        final String specVersion = request.header("ce-specversion");
        if (specVersion != null) {
            return binary(request, specVersion);
        }
        final JsonNode body = request.json();
        if (body.isObject() && body.hasNonNull("specversion")
                && (body.has("data") || body.has("data_base64")) && !body.has("context")) {
            return structured(body);
        }
        return new CloudEventEnvelope("bare", null, null, null, null, body, "");
    }

    private static CloudEventEnvelope binary(final WebhookRequest request, final String specVersion) {
        if (!SPEC_VERSION.equals(specVersion.trim())) {
            throw new InvalidEventException("ce-specversion", "must be " + SPEC_VERSION + " (got '" + specVersion
                    + "')");
        }
        return new CloudEventEnvelope("binary", request.trimmedHeader("ce-id"), request.trimmedHeader("ce-source"),
                request.trimmedHeader("ce-type"), request.trimmedHeader("ce-time"), request.json(), "");
    }

    private static CloudEventEnvelope structured(final JsonNode body) {
        if (!body.isObject()) {
            throw new InvalidEventException("body", "must be a JSON object (a CloudEvent in structured mode)");
        }
        final String specVersion = attribute(body, "specversion");
        if (specVersion == null) {
            throw new InvalidEventException("specversion", "required (" + SPEC_VERSION + ")");
        }
        if (!SPEC_VERSION.equals(specVersion)) {
            throw new InvalidEventException("specversion", "must be " + SPEC_VERSION + " (got '" + specVersion
                    + "')");
        }
        final JsonNode data;
        if (body.hasNonNull("data")) {
            data = body.get("data");
        } else if (body.hasNonNull("data_base64")) {
            data = decodeBase64(body.get("data_base64"));
        } else {
            throw new InvalidEventException("data", "required: the CDEvent (context, subject, customData)");
        }
        return new CloudEventEnvelope("structured", attribute(body, "id"), attribute(body, "source"),
                attribute(body, "type"), attribute(body, "time"), data, "data");
    }

    private static JsonNode decodeBase64(final JsonNode node) {
        if (!node.isTextual()) {
            throw new InvalidEventException("data_base64", "must be a base64 string");
        }
        try {
            final byte[] bytes = Base64.getDecoder().decode(node.textValue().trim());
            final JsonNode data = JSON.readTree(bytes);
            if (data == null || data.isMissingNode()) {
                throw new InvalidEventException("data_base64", "is empty");
            }
            return data;
        } catch (final IllegalArgumentException e) {
            if (e instanceof InvalidEventException invalid) {
                throw invalid;
            }
            throw new InvalidEventException("data_base64", "is not valid base64: " + e.getMessage());
        } catch (final IOException e) {
            throw new InvalidEventException("data_base64", "does not decode to JSON: " + e.getMessage());
        }
    }

    private static String attribute(final JsonNode body, final String name) {
        final JsonNode node = body.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new InvalidEventException(name, "must be a string (got " + JsonFields.echo(node) + ")");
        }
        return trimmed(node.textValue());
    }

    private static String trimmed(final String value) {
        if (value == null) {
            return null;
        }
        final String trimmed = value.trim();
        return trimmed.isEmpty() ? null : trimmed;
    }

    private static String lower(final String value) {
        return value == null ? null : value.trim().toLowerCase(Locale.ROOT);
    }
}
