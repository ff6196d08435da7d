package dev.dora.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dora.events.BuildEvent;
import dev.dora.events.ChangeEvent;
import dev.dora.events.DeploymentEvent;
import dev.dora.events.DeploymentStatus;
import dev.dora.events.DeploymentStrategy;
import dev.dora.events.IncidentEvent;
import dev.dora.events.IncidentStatus;
import dev.dora.events.Severity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * The canonical JSON form of the pipeline's events: the public contract of {@code POST /api/v1/events}.
 *
 * <p>{@link #parse(JsonNode)} validates one event and turns it into its Avro record ({@link ChangeEvent},
 * {@link DeploymentEvent}, {@link IncidentEvent} or {@link BuildEvent}, see {@link CanonicalBuilds});
 * {@link #toJson(SpecificRecord)} is its inverse. Timestamps are
 * ISO-8601 instants with {@code Z} or an explicit offset, stored in UTC truncated to milliseconds. Fields the contract
 * does not define are ignored and never stored, so that author names and e-mail addresses sent by connectors cannot
 * reach Kafka. Every rejection names the offending field first, e.g. {@code "sha: must be 40 hexadecimal digits (got
 * 'abc')"}; validation stops at the first problem.
 */
public final class CanonicalEvents {

    /** Largest accepted event, measured as compact serialized JSON. */
    public static final int MAX_EVENT_BYTES = 256 * 1024;

    static final int MAX_ID_CHARS = 256;
    static final int MAX_NAME_CHARS = 200;
    static final int MAX_REF_CHARS = 1024;
    /** Most labels a change may carry. */
    public static final int MAX_LABELS = 100;
    /** Longest accepted label, in characters: as long as an id, more than GitHub's or GitLab's labels can be. */
    public static final int MAX_LABEL_CHARS = MAX_ID_CHARS;

    private static final String TYPES = "change, deployment, incident, build";
    private static final Set<DeploymentStatus> TERMINAL_DEPLOYMENT = Set.of(
            DeploymentStatus.success, DeploymentStatus.failure, DeploymentStatus.error, DeploymentStatus.cancelled);

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private CanonicalEvents() {
    }

    /**
     * Parses and validates one canonical JSON event.
     *
     * @return a {@link ChangeEvent}, {@link DeploymentEvent}, {@link IncidentEvent} or {@link BuildEvent}
     * @throws InvalidEventException naming the field and what is wrong with it
     */
    public static SpecificRecord parse(final JsonNode event) {
        final JsonFields fields = JsonFields.root(event, "event");
        final int size = serializedSize(event);
        if (size > MAX_EVENT_BYTES) {
            throw new InvalidEventException("event", size + " bytes; the limit is " + MAX_EVENT_BYTES);
        }
        final JsonNode type = fields.node("type");
        if (type == null) {
            throw new InvalidEventException("type", "required; must be one of " + TYPES);
        }
        switch (type.isTextual() ? type.textValue() : "") {
            case "change":
                return change(fields);
            case "deployment":
                return deployment(fields);
            case "incident":
                return incident(fields);
            case "build":
                return CanonicalBuilds.build(fields);
            default:
                throw new InvalidEventException("type", "must be one of " + TYPES + " (got " + JsonFields.echo(type)
                        + ")");
        }
    }

    /**
     * Writes an Avro event back as canonical JSON: {@code type} first, then the record's fields in schema order,
     * timestamps as ISO-8601 UTC instants, enum values as in the API, null fields omitted. A build's
     * {@code defaultBranch} is left out: the ingest edge stamps it from the catalog, it is not part of the contract.
     * {@code parse(toJson(e))} equals {@code e} for every valid event.
     */
    public static ObjectNode toJson(final SpecificRecord event) {
        final ObjectNode json = NODES.objectNode();
        if (event instanceof ChangeEvent) {
            json.put("type", "change");
        } else if (event instanceof DeploymentEvent) {
            json.put("type", "deployment");
        } else if (event instanceof IncidentEvent) {
            json.put("type", "incident");
        } else if (event instanceof BuildEvent) {
            json.put("type", "build");
        } else {
            throw new IllegalArgumentException("not an event type: "
                    + (event == null ? "null" : event.getClass().getName()));
        }
        for (final Schema.Field field : event.getSchema().getFields()) {
            final Object value = event.get(field.pos());
            if (value != null && !(event instanceof BuildEvent && CanonicalBuilds.STAMPED.equals(field.name()))) {
                json.set(field.name(), toNode(value));
            }
        }
        return json;
    }

    /**
     * A copy of {@code payload} without personal data: every object field, at any depth, whose name contains
     * {@code author}, {@code committer} or {@code email} (in any case) is removed, except the canonical
     * {@code authoredAt} timestamp.
     */
    public static JsonNode scrub(final JsonNode payload) {
        final JsonNode copy = payload.deepCopy();
        scrubInPlace(copy);
        return copy;
    }

    private static void scrubInPlace(final JsonNode node) {
        if (node.isObject()) {
            final Iterator<Map.Entry<String, JsonNode>> fields = node.properties().iterator();
            while (fields.hasNext()) {
                final Map.Entry<String, JsonNode> field = fields.next();
                if (isPersonal(field.getKey())) {
                    fields.remove();
                } else {
                    scrubInPlace(field.getValue());
                }
            }
        } else if (node.isArray()) {
            node.forEach(CanonicalEvents::scrubInPlace);
        }
    }

    private static boolean isPersonal(final String name) {
        if ("authoredAt".equals(name)) {
            return false;
        }
        final String lower = name.toLowerCase(Locale.ROOT);
        return lower.contains("author") || lower.contains("committer") || lower.contains("email");
    }

    private static ChangeEvent change(final JsonFields fields) {
        final Common common = common(fields);
        final String sha = fields.sha("sha");
        if (!common.id.equalsIgnoreCase(sha)) {
            throw new InvalidEventException("id", "must equal sha for a change (got " + JsonFields.echo(common.id)
                    + " where sha is " + JsonFields.echo(sha) + ")");
        }
        if (!fields.has("parents")) {
            throw new InvalidEventException("parents", "required (an array of parent shas, empty for a root commit)");
        }
        final List<String> parents = fields.shas("parents");
        final Instant committedAt = fields.instant("committedAt");
        final String repo = fields.optionalBoundedText("repo", MAX_REF_CHARS);
        final String branch = fields.optionalBoundedText("branch", MAX_REF_CHARS);
        final Instant authoredAt = fields.optionalInstant("authoredAt");
        final List<String> labels = fields.optionalBoundedTextList("labels", MAX_LABELS, MAX_LABEL_CHARS);
        return ChangeEvent.newBuilder()
                .setId(sha)
                .setService(common.service)
                .setTeam(common.team)
                .setSource(common.source)
                .setOccurredAt(common.occurredAt)
                .setSha(sha)
                .setParents(parents)
                .setCommittedAt(committedAt)
                .setRepo(repo)
                .setBranch(branch)
                .setAuthoredAt(authoredAt)
                .setLabels(labels)
                .build();
    }

    /**
     * The labels of a forge's pull or merge request as a change can carry them: {@code null}, blank and over-long
     * names and names with control characters left out, duplicates (ignoring case) dropped, at most
     * {@link #MAX_LABELS}, in their order. Connectors use it so that an odd label never costs the whole event.
     */
    public static List<String> acceptableLabels(final Iterable<String> names) {
        final List<String> labels = new ArrayList<>();
        final Set<String> seen = new HashSet<>();
        for (final String name : names) {
            if (labels.size() == MAX_LABELS) {
                break;
            }
            if (name == null || name.isBlank() || name.codePointCount(0, name.length()) > MAX_LABEL_CHARS
                    || name.chars().anyMatch(c -> JsonFields.isControl((char) c))) {
                continue;
            }
            if (seen.add(name.toLowerCase(Locale.ROOT))) {
                labels.add(name);
            }
        }
        return List.copyOf(labels);
    }

    private static DeploymentEvent deployment(final JsonFields fields) {
        final Common common = common(fields);
        final String environment = fields.boundedText("environment", MAX_NAME_CHARS);
        final DeploymentStatus status = fields.requiredEnum("status", DeploymentStatus.class);
        final Instant finishedAt = fields.optionalInstant("finishedAt");
        if (TERMINAL_DEPLOYMENT.contains(status) && finishedAt == null) {
            throw new InvalidEventException("finishedAt", "required when status is " + status);
        }
        if (!TERMINAL_DEPLOYMENT.contains(status) && finishedAt != null) {
            throw new InvalidEventException("finishedAt", "must be absent when status is " + status);
        }
        final String sha = fields.optionalSha("sha");
        final Instant startedAt = fields.optionalInstant("startedAt");
        if (startedAt != null && finishedAt != null && startedAt.isAfter(finishedAt)) {
            throw new InvalidEventException("startedAt", "must not be after finishedAt (got " + startedAt
                    + " where finishedAt is " + finishedAt + ")");
        }
        final String rollbackOf = fields.optionalBoundedText("rollbackOf", MAX_ID_CHARS);
        if (common.id.equals(rollbackOf)) {
            throw new InvalidEventException("rollbackOf", "must differ from id");
        }
        final DeploymentStrategy strategy = fields.optionalEnum("strategy", DeploymentStrategy.class);
        final boolean hotfix = fields.optionalBoolean("hotfix");
        return DeploymentEvent.newBuilder()
                .setId(common.id)
                .setService(common.service)
                .setTeam(common.team)
                .setSource(common.source)
                .setOccurredAt(common.occurredAt)
                .setEnvironment(environment)
                .setStatus(status)
                .setFinishedAt(finishedAt)
                .setSha(sha)
                .setStartedAt(startedAt)
                .setRollbackOf(rollbackOf)
                .setStrategy(strategy)
                .setHotfix(hotfix)
                .build();
    }

    private static IncidentEvent incident(final JsonFields fields) {
        final Common common = common(fields);
        final String environment = fields.boundedText("environment", MAX_NAME_CHARS);
        final IncidentStatus status = fields.requiredEnum("status", IncidentStatus.class);
        final Instant openedAt = fields.instant("openedAt");
        final Instant resolvedAt = fields.optionalInstant("resolvedAt");
        if (status == IncidentStatus.resolved && resolvedAt == null) {
            throw new InvalidEventException("resolvedAt", "required when status is resolved");
        }
        if (status == IncidentStatus.open && resolvedAt != null) {
            throw new InvalidEventException("resolvedAt", "must be absent when status is open");
        }
        final Instant detectedAt = fields.optionalInstant("detectedAt");
        if (detectedAt != null && detectedAt.isBefore(openedAt)) {
            throw new InvalidEventException("detectedAt", "must not be before openedAt (got " + detectedAt
                    + " where openedAt is " + openedAt + ")");
        }
        if (resolvedAt != null && resolvedAt.isBefore(openedAt)) {
            throw new InvalidEventException("resolvedAt", "must not be before openedAt (got " + resolvedAt
                    + " where openedAt is " + openedAt + ")");
        }
        final Severity severity = fields.optionalEnumIgnoringCase("severity", Severity.class);
        final String causeDeploymentId = fields.optionalBoundedText("causeDeploymentId", MAX_ID_CHARS);
        final String causeSha = fields.optionalSha("causeSha");
        return IncidentEvent.newBuilder()
                .setId(common.id)
                .setService(common.service)
                .setTeam(common.team)
                .setSource(common.source)
                .setOccurredAt(common.occurredAt)
                .setEnvironment(environment)
                .setStatus(status)
                .setOpenedAt(openedAt)
                .setResolvedAt(resolvedAt)
                .setDetectedAt(detectedAt)
                .setSeverity(severity)
                .setCauseDeploymentId(causeDeploymentId)
                .setCauseSha(causeSha)
                .build();
    }

    /** The fields every canonical event has, read in the same order for every type. */
    static Common common(final JsonFields fields) {
        final String id = fields.boundedText("id", MAX_ID_CHARS);
        final String service = fields.boundedText("service", MAX_NAME_CHARS);
        final Instant occurredAt = fields.instant("occurredAt");
        final String team = fields.optionalBoundedText("team", MAX_NAME_CHARS);
        final String source = fields.optionalBoundedText("source", MAX_NAME_CHARS);
        return new Common(id, service, occurredAt, team, source);
    }

    record Common(String id, String service, Instant occurredAt, String team, String source) {
    }

    private static JsonNode toNode(final Object value) {
        if (value instanceof Boolean flag) {
            return NODES.booleanNode(flag);
        }
        if (value instanceof Double number) {
            return NODES.numberNode(number);
        }
        if (value instanceof Instant) {
            return NODES.textNode(value.toString());
        }
        if (value instanceof List<?> list) {
            final ArrayNode array = NODES.arrayNode();
            list.forEach(item -> array.add(toNode(item)));
            return array;
        }
        if (value instanceof CharSequence || value instanceof Enum<?>) {
            return NODES.textNode(value.toString());
        }
        throw new IllegalArgumentException("no canonical JSON form for a " + value.getClass().getName());
    }

    private static int serializedSize(final JsonNode event) {
        try {
            return MAPPER.writeValueAsBytes(event).length;
        } catch (final JsonProcessingException e) {
            throw new InvalidEventException("event", "cannot be serialized: " + e.getOriginalMessage());
        }
    }
}
