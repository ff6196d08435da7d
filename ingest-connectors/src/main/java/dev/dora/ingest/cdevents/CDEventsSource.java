package dev.dora.ingest.cdevents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dora.ingest.InvalidEventException;
import dev.dora.ingest.JsonFields;
import dev.dora.ingest.StrictJson;
import dev.dora.ingest.catalog.ServiceCatalog;
import dev.dora.ingest.webhook.AbstractWebhookSource;
import dev.dora.ingest.webhook.Mapping;
import dev.dora.ingest.webhook.Signatures;
import dev.dora.ingest.webhook.WebhookRequest;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
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
 */
public final class CDEventsSource extends AbstractWebhookSource {

    /** The path segment: {@code POST /webhooks/cdevents}. */
    public static final String NAME = "cdevents";
    /** The environment variable holding the bearer token. */
    public static final String SECRET_VARIABLE = "DORA_CDEVENTS_TOKEN";
    /** The canonical events' {@code source}. */
    public static final String SOURCE = "cdevents";

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
                return change(event, catalog);
            case "service.deployed":
            case "service.upgraded":
                return deployment(event, catalog, false);
            case "service.rolledback":
                return deployment(event, catalog, true);
            case "incident.resolved":
                return incident(event, catalog, true);
            case "pipelinerun.started":
                return PipelineRuns.map(event, catalog, false);
            case "pipelinerun.finished":
                return PipelineRuns.map(event, catalog, true);
            default:
                return incident(event, catalog, false);
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

    private static Mapped change(final CDEvent event, final ServiceCatalog catalog) {
        String sha = event.custom().optionalSha("sha");
        if (sha == null) {
            final String subjectId = event.subject().optionalText("id");
            if (JsonFields.isSha(subjectId)) {
                sha = subjectId.toLowerCase(Locale.ROOT);
            }
        }
        if (sha == null) {
            return Mapped.ignored(event.type() + " carries no commit sha (set customData.sha): no change to record");
        }
        final List<String> parents = event.custom().shas("parents");
        final JsonFields content = event.subject().optionalObject("content");
        final JsonFields repository = content == null ? null : content.optionalObject("repository");
        final String repositoryId = repository == null ? null : repository.optionalText("id");
        final String explicit = event.custom().optionalText("service");
        if (explicit == null && repositoryId == null) {
            throw event.subject().invalid("content.repository.id", "required to name the service"
                    + " (or set customData.service)");
        }
        final Optional<ServiceCatalog.Entry> byRepository = repositoryId == null ? Optional.empty()
                : repositoryKeys(repositoryId).stream().map(catalog::forRepository)
                        .flatMap(Optional::stream).findFirst();
        final Optional<ServiceCatalog.Entry> entry = byRepository.isPresent() ? byRepository
                : byApplication(catalog, List.of(), explicit);
        final String fallback = explicit != null ? explicit : lastSegment(repositoryPath(repositoryId));
        final ObjectNode json = common("change", sha, event, catalog, entry, fallback);
        json.put("sha", sha);
        final ArrayNode parentArray = json.putArray("parents");
        parents.forEach(parentArray::add);
        json.put("committedAt", event.timestamp().toString());
        putIfPresent(json, "repo", repositoryId);
        putIfPresent(json, "branch", event.custom().optionalText("branch"));
        return Mapped.of(json, entry.isEmpty() ? json.get("service").textValue() : null, event.cdevent(), Map.of(
                "id", "customData.sha", "sha", "customData.sha", "parents", "customData.parents",
                "committedAt", "context.timestamp", "repo", "subject.content.repository.id",
                "branch", "customData.branch"));
    }

    private static Mapped deployment(final CDEvent event, final ServiceCatalog catalog, final boolean rollback) {
        final JsonFields content = event.subject().object("content");
        final String environment = content.object("environment").text("id");
        final String subjectId = event.subject().optionalText("id");
        final String artifactId = content.optionalText("artifactId");
        final String explicit = event.custom().optionalText("service");
        final List<String> names = new ArrayList<>(subjectNames(subjectId));
        names.addAll(purlNames(artifactId));
        final String fallback = explicit != null ? explicit
                : subjectId != null ? lastSegment(subjectId)
                : purlName(artifactId);
        if (fallback == null) {
            throw event.subject().invalid("id", "required to name the service (or set customData.service)");
        }
        final Optional<ServiceCatalog.Entry> entry = byApplication(catalog, names, explicit);
        final String deploymentId = Objects.requireNonNullElse(event.custom().optionalText("deploymentId"), event.id());
        final ObjectNode json = common("deployment", deploymentId, event, catalog, entry, fallback);
        json.put("environment", environment);
        json.put("status", "success");
        json.put("finishedAt", event.timestamp().toString());
        putIfPresent(json, "sha", event.custom().optionalSha("sha"));
        if (rollback) {
            putIfPresent(json, "rollbackOf", event.custom().optionalText("rollbackOf"));
        }
        return Mapped.of(json, entry.isEmpty() ? json.get("service").textValue() : null, event.cdevent(), Map.of(
                "id", event.custom().has("deploymentId") ? "customData.deploymentId" : "context.id",
                "environment", "subject.content.environment.id", "finishedAt", "context.timestamp",
                "sha", "customData.sha", "rollbackOf", "customData.rollbackOf"));
    }

    private static Mapped incident(final CDEvent event, final ServiceCatalog catalog, final boolean resolved) {
        final JsonFields content = event.subject().object("content");
        final String environment = content.object("environment").text("id");
        final String incidentId = event.subject().text("id");
        final JsonFields service = content.optionalObject("service");
        final String serviceId = service == null ? null : service.optionalText("id");
        final String artifactId = content.optionalText("artifactId");
        final String explicit = event.custom().optionalText("service");
        final List<String> names = new ArrayList<>(subjectNames(serviceId));
        names.addAll(purlNames(artifactId));
        final String fallback = explicit != null ? explicit
                : serviceId != null ? lastSegment(serviceId)
                : purlName(artifactId);
        if (fallback == null) {
            throw content.invalid("service.id", "required to name the service"
                    + " (or set customData.service, or subject.content.artifactId)");
        }
        final Optional<ServiceCatalog.Entry> entry = byApplication(catalog, names, explicit);
        final Instant openedAt;
        if (resolved) {
            final Instant given = event.custom().optionalInstant("openedAt");
            if (given != null && given.isAfter(event.timestamp())) {
                throw event.custom().invalid("openedAt", "must not be after the resolution"
                        + " time context.timestamp (got " + given + " where context.timestamp is " + event.timestamp()
                        + ")");
            }
            if (given == null) {
                // the latest event of an incident wins, so a resolution claiming to open at its own time would
                // overwrite the real opening and report a time to restore of zero
                throw event.custom().invalid("openedAt", "required on incident.resolved:"
                        + " when the incident was opened (CDEvents has no field for it)");
            }
            openedAt = given;
        } else {
            openedAt = event.timestamp();
        }
        final ObjectNode json = common("incident", incidentId, event, catalog, entry, fallback);
        json.put("environment", environment);
        json.put("status", resolved ? "resolved" : "open");
        json.put("openedAt", openedAt.toString());
        if (resolved) {
            json.put("resolvedAt", event.timestamp().toString());
        }
        putIfPresent(json, "severity", event.custom().optionalText("severity"));
        putIfPresent(json, "causeDeploymentId", event.custom().optionalText("causeDeploymentId"));
        putIfPresent(json, "causeSha", event.custom().optionalSha("causeSha"));
        return Mapped.of(json, entry.isEmpty() ? json.get("service").textValue() : null, event.cdevent(), Map.of(
                "id", "subject.id", "environment", "subject.content.environment.id",
                "openedAt", resolved && event.custom().has("openedAt")
                        ? "customData.openedAt" : "context.timestamp",
                "resolvedAt", "context.timestamp", "severity", "customData.severity",
                "causeDeploymentId", "customData.causeDeploymentId", "causeSha", "customData.causeSha"));
    }

    /** The fields every canonical event has; the catalog's team wins over {@code customData.team}. */
    static ObjectNode common(final String type, final String id, final CDEvent event,
                                     final ServiceCatalog catalog, final Optional<ServiceCatalog.Entry> entry,
                                     final String fallback) {
        final ObjectNode json = NODES.objectNode();
        json.put("type", type);
        json.put("id", id);
        json.put("service", entry.map(ServiceCatalog.Entry::name).orElse(fallback));
        final String team = entry.map(ServiceCatalog.Entry::team)
                .orElseGet(() -> event.custom().optionalText("team"));
        putIfPresent(json, "team", team);
        json.put("source", SOURCE);
        json.put("occurredAt", event.timestamp().toString());
        return json;
    }

    /**
     * The catalog entry of the first of the names (taken from the CDEvent's own fields) that is a catalog
     * application; else that of {@code customData.service} (an application or a catalog service's own name). Like
     * the other connectors, the catalog's mapping of the spec's fields wins over what the sender names.
     */
    static Optional<ServiceCatalog.Entry> byApplication(final ServiceCatalog catalog, final List<String> names,
                                                                final String explicit) {
        for (final String name : names) {
            final Optional<ServiceCatalog.Entry> entry = catalog.forApplication(name);
            if (entry.isPresent()) {
                return entry;
            }
        }
        if (explicit == null) {
            return Optional.empty();
        }
        return catalog.forApplication(explicit).or(() -> catalog.service(explicit));
    }

    /** A subject id as given, then its last {@code /} segment ({@code service/shop} → {@code shop}). */
    private static List<String> subjectNames(final String id) {
        if (id == null) {
            return List.of();
        }
        final Set<String> names = new LinkedHashSet<>();
        names.add(id);
        names.add(lastSegment(id));
        return List.copyOf(names);
    }

    /**
     * An artifact id as given, then, for a package URL, without its version ({@code pkg:oci/shop}) and its bare
     * name ({@code shop}).
     */
    private static List<String> purlNames(final String artifactId) {
        if (artifactId == null) {
            return List.of();
        }
        final Set<String> names = new LinkedHashSet<>();
        names.add(artifactId);
        final String unversioned = purlWithoutVersion(artifactId);
        if (unversioned != null) {
            names.add(unversioned);
            names.add(purlName(artifactId));
        }
        return List.copyOf(names);
    }

    /** {@code pkg:type/namespace/name} of a package URL, without version, qualifiers and subpath; else null. */
    static String purlWithoutVersion(final String purl) {
        if (purl == null || !purl.startsWith("pkg:")) {
            return null;
        }
        String rest = purl;
        final int hash = rest.indexOf('#');
        if (hash >= 0) {
            rest = rest.substring(0, hash);
        }
        final int query = rest.indexOf('?');
        if (query >= 0) {
            rest = rest.substring(0, query);
        }
        final int at = rest.lastIndexOf('@');
        if (at >= 0) {
            rest = rest.substring(0, at);
        }
        while (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        return rest.indexOf('/') > 0 ? rest : null;
    }

    /** The name of a package URL ({@code pkg:oci/shop@sha256%3A…} → {@code shop}), percent-decoded; else null. */
    static String purlName(final String purl) {
        final String unversioned = purlWithoutVersion(purl);
        if (unversioned == null) {
            return null;
        }
        final String name = URLDecoder.decode(lastSegment(unversioned), StandardCharsets.UTF_8);
        return name.isBlank() ? null : name;
    }

    /** A repository id as given, then as a path if it is a URL ({@code https://host/acme/shop.git} → acme/shop). */
    static List<String> repositoryKeys(final String repositoryId) {
        final Set<String> keys = new LinkedHashSet<>();
        keys.add(repositoryId);
        keys.add(repositoryPath(repositoryId));
        return List.copyOf(keys);
    }

    static String repositoryPath(final String repositoryId) {
        String path = repositoryId;
        if (repositoryId.contains("://")) {
            try {
                final String uriPath = URI.create(repositoryId).getPath();
                if (uriPath != null && !uriPath.isBlank()) {
                    path = uriPath;
                }
            } catch (final IllegalArgumentException e) {
                // not a URI after all: keep it as given
            }
        }
        while (path.startsWith("/")) {
            path = path.substring(1);
        }
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (path.endsWith(".git")) {
            path = path.substring(0, path.length() - ".git".length());
        }
        return path.isBlank() ? repositoryId : path;
    }

    static String lastSegment(final String name) {
        String trimmed = name.trim();
        while (trimmed.endsWith("/") && trimmed.length() > 1) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        final String last = trimmed.substring(trimmed.lastIndexOf('/') + 1);
        return last.isBlank() ? trimmed : last;
    }

    static void putIfPresent(final ObjectNode json, final String field, final String value) {
        if (value != null) {
            json.put(field, value);
        }
    }
}
