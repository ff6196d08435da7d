package dev.dora.ingest.cdevents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.dora.ingest.InvalidEventException;
import dev.dora.ingest.JsonFields;
import dev.dora.ingest.StrictJson;
import dev.dora.ingest.catalog.ServiceCatalog;
import dev.dora.ingest.webhook.AbstractWebhookSource;
import dev.dora.ingest.webhook.Mapping;
import dev.dora.ingest.webhook.Signatures;
import dev.dora.ingest.webhook.WebhookRequest;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CDEvents (spec 0.4 and 0.5, event versions 0.1.x to 0.3.x) delivered as CloudEvents over HTTP, in binary or
 * structured mode, at {@code POST /webhooks/cdevents}, authenticated by {@code Authorization: Bearer <token>}.
 *
 * <table>
 *   <caption>Mapping</caption>
 *   <tr><th>CDEvent</th><th>canonical event</th></tr>
 *   <tr><td>{@code change.merged}</td><td>change (sha from {@code customData.sha}); ignored without a sha</td></tr>
 *   <tr><td>{@code service.deployed}, {@code service.upgraded}</td><td>successful deployment</td></tr>
 *   <tr><td>{@code service.rolledback}</td><td>successful deployment with {@code rollbackOf}</td></tr>
 *   <tr><td>{@code incident.detected}, {@code incident.reported}</td><td>open incident</td></tr>
 *   <tr><td>{@code incident.resolved}</td><td>resolved incident</td></tr>
 *   <tr><td>{@code pipelineRun.started}, {@code pipelineRun.finished}</td><td>build ({@link PipelineRuns});
 *       ignored without {@code customData.branch}</td></tr>
 * </table>
 *
 * <p>What the CDEvents spec has no field for (commit sha, parents, team, deployment id, rollback target, when a
 * resolved incident was opened) is read from {@code customData}; every key is optional and documented in
 * {@code docs/CONNECTORS.md (CDEvents)}. Every timestamp of a canonical event is the CDEvent's
 * {@code context.timestamp}, never the time of receipt. Other types are ignored, naming the type.
 *
 * <p>This class authenticates the request, checks the envelope, the type and its version, and hands each event family
 * to its mapping: {@link Changes}, {@link ServiceDeployments}, {@link Incidents}, {@link PipelineRuns}.
 */
public final class CDEventsSource extends AbstractWebhookSource {

    /** The path segment: {@code POST /webhooks/cdevents}. */
    public static final String NAME = "cdevents";
    /** The environment variable holding the bearer token. */
    public static final String SECRET_VARIABLE = "DORA_CDEVENTS_TOKEN";
    /** The canonical events' {@code source}. */
    public static final String SOURCE = CanonicalJson.SOURCE;

    /** Accepted event versions: 0.1.x, 0.2.x and 0.3.x (CDEvents spec 0.3 to 0.5). */
    static final int MIN_MINOR = 1;
    static final int MAX_MINOR = 3;

    private static final Pattern TYPE = Pattern.compile(
            "dev\\.cdevents\\.([A-Za-z]+)\\.([A-Za-z]+)\\.(\\d+)\\.(\\d+)\\.(\\d+)(?:-[0-9A-Za-z.-]+)?");
    private static final String BEARER = "bearer ";
    private static final Set<String> MAPPED = Set.of("change.merged", "service.deployed", "service.upgraded",
            "service.rolledback", "incident.detected", "incident.reported", "incident.resolved",
            "pipelinerun.started", "pipelinerun.finished");
    private static final ObjectMapper JSON = StrictJson.MAPPER;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    public CDEventsSource() {
        super(NAME, SECRET_VARIABLE);
    }

    /** Accepts {@code Authorization: Bearer <token>} where the token equals the secret, compared in constant time. */
    @Override
    protected Optional<String> verifyWith(final WebhookRequest request, final byte[] secret) {
        final String authorization = request.header("authorization");
        if (authorization == null || authorization.isBlank()) {
            return Optional.of("missing Authorization header (expected 'Bearer <token>')");
        }
        final String value = authorization.trim();
        if (!value.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Optional.of("the Authorization header must use the Bearer scheme");
        }
        final String token = value.substring(BEARER.length()).trim();
        if (token.isEmpty()) {
            return Optional.of("empty bearer token");
        }
        return Signatures.tokenMatches(secret, token)
                ? Optional.empty()
                : Optional.of("wrong bearer token");
    }

    /** {@code <source>|<id>} of the CloudEvent, which CDEvents keep equal to {@code context.source|context.id}. */
    @Override
    public String deliveryId(final WebhookRequest request) {
        try {
            final CloudEventEnvelope envelope = CloudEventEnvelope.of(request);
            String source = envelope.source();
            String id = envelope.id();
            final JsonNode context = envelope.data().path("context");
            if (source == null && context.path("source").isTextual()) {
                source = context.path("source").textValue();
            }
            if (id == null && context.path("id").isTextual()) {
                id = context.path("id").textValue();
            }
            return source == null || id == null || source.isBlank() || id.isBlank() ? null : source + "|" + id;
        } catch (final InvalidEventException e) {
            return null;
        }
    }

    @Override
    public Mapping map(final WebhookRequest request, final ServiceCatalog catalog) {
        final CloudEventEnvelope envelope = CloudEventEnvelope.of(request);
        final JsonNode data = envelope.data();
        if (!data.isObject()) {
            throw new InvalidEventException(envelope.dataPath().isEmpty() ? "body" : envelope.dataPath(),
                    "must be a JSON object (a CDEvent with context and subject)");
        }
        final JsonFields cdevent = JsonFields.at(data, envelope.dataPath()).lenient();
        final JsonFields context = cdevent.looseObject("context");
        if (context == null) {
            throw cdevent.invalid("context", "required: an object with id, source, type and timestamp");
        }
        final String type = type(envelope, context);
        final Matcher matcher = TYPE.matcher(type);
        if (!matcher.matches()) {
            return Mapping.ignored("event type " + type + " is not a CDEvent this connector maps");
        }
        final String kind = matcher.group(1).toLowerCase(Locale.ROOT) + "." + matcher.group(2).toLowerCase(Locale.ROOT);
        if (!MAPPED.contains(kind)) {
            return Mapping.ignored("CDEvent type " + type + " is not mapped (mapped: change.merged,"
                    + " service.deployed/upgraded/rolledback, incident.detected/reported/resolved,"
                    + " pipelineRun.started/finished)");
        }
        final int major = Integer.parseInt(matcher.group(3));
        final int minor = Integer.parseInt(matcher.group(4));
        if (major != 0 || minor < MIN_MINOR || minor > MAX_MINOR) {
            return Mapping.ignored("CDEvent type " + type + ": version " + major + "." + minor + "."
                    + matcher.group(5) + " is not supported (0." + MIN_MINOR + ".x to 0." + MAX_MINOR + ".x)");
        }
        final CDEvent event = new CDEvent(
                type,
                required(context.optionalText("id"), envelope.id(), context.path("id")),
                timestamp(envelope, context),
                cdevent.object("subject"),
                customData(cdevent),
                cdevent);
        final Mapped mapped = map(kind, event, catalog);
        if (mapped.ignored() != null) {
            return Mapping.ignored(mapped.ignored());
        }
        return Mapping.of(List.of(mapped.event()), mapped.unmapped() == null ? List.of()
                : List.of(mapped.unmapped()));
    }

    /** The canonical event of a CDEvent of a mapped kind ({@code subject.predicate}, in lower case). */
    private static Mapped map(final String kind, final CDEvent event, final ServiceCatalog catalog) {
        switch (kind) {
            case "change.merged":
                return Changes.map(event, catalog);
            case "service.deployed":
            case "service.upgraded":
                return ServiceDeployments.map(event, catalog, false);
            case "service.rolledback":
                return ServiceDeployments.map(event, catalog, true);
            case "incident.resolved":
                return Incidents.map(event, catalog, true);
            case "pipelinerun.started":
                return PipelineRuns.map(event, catalog, false);
            case "pipelinerun.finished":
                return PipelineRuns.map(event, catalog, true);
            default:
                return Incidents.map(event, catalog, false);
        }
    }

    /** {@code context.type}, which must agree with the CloudEvent's {@code type} when both are present. */
    private static String type(final CloudEventEnvelope envelope, final JsonFields context) {
        final String contextType = context.optionalText("type");
        if (contextType != null && envelope.type() != null && !contextType.equals(envelope.type())) {
            throw context.invalid("type", JsonFields.echo(contextType) + " differs from the CloudEvent type "
                    + JsonFields.echo(envelope.type()) + "; they must be equal");
        }
        return required(contextType, envelope.type(), context.path("type"));
    }

    /** {@code context.timestamp}, else the CloudEvent's {@code time} attribute. */
    private static Instant timestamp(final CloudEventEnvelope envelope, final JsonFields context) {
        if (context.has("timestamp") || envelope.time() == null) {
            return context.instant("timestamp");
        }
        return JsonFields.instant(envelope.dataPath().isEmpty() ? "ce-time" : "time", envelope.time());
    }

    private static String required(final String value, final String fallback, final String path) {
        if (value != null) {
            return value;
        }
        if (fallback != null) {
            return fallback;
        }
        throw new InvalidEventException(path, "required");
    }

    /** {@code customData} as an object: JSON, or a string holding a JSON object; anything else has no keys. */
    private static JsonFields customData(final JsonFields cdevent) {
        final JsonNode custom = cdevent.node("customData");
        JsonNode object = NODES.objectNode();
        if (custom != null && custom.isObject()) {
            object = custom;
        } else if (custom != null && custom.isTextual() && custom.textValue().trim().startsWith("{")) {
            try {
                final JsonNode parsed = JSON.readTree(custom.textValue());
                if (parsed != null && parsed.isObject()) {
                    object = parsed;
                }
            } catch (final IOException e) {
                throw cdevent.invalid("customData", "is a string that is not a JSON object: " + e.getMessage());
            }
        }
        return JsonFields.at(object, cdevent.path("customData")).lenient();
    }
}
