package dev.dora.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dora.events.ChangeEvent;
import dev.dora.events.DeploymentEvent;
import dev.dora.events.DeploymentStatus;
import dev.dora.events.DeploymentStrategy;
import dev.dora.events.IncidentEvent;
import dev.dora.events.IncidentStatus;
import dev.dora.events.Severity;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * The canonical JSON form of the pipeline's events: the public contract of {@code POST /api/v1/events}.
 *
 * <p>{@link #parse(JsonNode)} validates one event and turns it into its Avro record ({@link ChangeEvent},
 * {@link DeploymentEvent} or {@link IncidentEvent}); {@link #toJson(SpecificRecord)} is its inverse. Timestamps are
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

    static final Instant EARLIEST = Instant.EPOCH;
    /** Exclusive: the last accepted day is 2199-12-31. */
    static final Instant END = Instant.parse("2200-01-01T00:00:00Z");

    private static final String TYPES = "change, deployment, incident";
    private static final String EXAMPLE_INSTANT = "2026-10-01T12:00:00Z";
    private static final Pattern SHA = Pattern.compile("[0-9a-fA-F]{40}");
    private static final int MAX_ECHO_CHARS = 100;
    private static final Set<DeploymentStatus> TERMINAL_DEPLOYMENT = Set.of(
            DeploymentStatus.success, DeploymentStatus.failure, DeploymentStatus.error, DeploymentStatus.cancelled);

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private CanonicalEvents() {
    }

    /**
     * Parses and validates one canonical JSON event.
     *
     * @return a {@link ChangeEvent}, {@link DeploymentEvent} or {@link IncidentEvent}
     * @throws InvalidEventException naming the field and what is wrong with it
     */
    public static SpecificRecord parse(final JsonNode event) {
        if (event == null || !event.isObject()) {
            throw new InvalidEventException("event", "must be a JSON object");
        }
        final int size = serializedSize(event);
        if (size > MAX_EVENT_BYTES) {
            throw new InvalidEventException("event", size + " bytes; the limit is " + MAX_EVENT_BYTES);
        }
        final Fields fields = new Fields((ObjectNode) event);
        final JsonNode type = fields.get("type");
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
            default:
                throw new InvalidEventException("type", "must be one of " + TYPES + " (got " + echo(type) + ")");
        }
    }

    /**
     * Writes an Avro event back as canonical JSON: {@code type} first, then the record's fields in schema order,
     * timestamps as ISO-8601 UTC instants, enum values as in the API, null fields omitted.
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
        } else {
            throw new IllegalArgumentException("not an event type: "
                    + (event == null ? "null" : event.getClass().getName()));
        }
        for (final Schema.Field field : event.getSchema().getFields()) {
            final Object value = event.get(field.pos());
            if (value != null) {
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

    private static ChangeEvent change(final Fields fields) {
        final Common common = common(fields);
        final String sha = fields.requiredSha("sha");
        if (!common.id.equalsIgnoreCase(sha)) {
            throw new InvalidEventException("id", "must equal sha for a change (got " + echo(common.id)
                    + " where sha is " + echo(sha) + ")");
        }
        final List<String> parents = fields.requiredShaList("parents");
        final Instant committedAt = fields.requiredInstant("committedAt");
        final String repo = fields.optionalString("repo", MAX_REF_CHARS);
        final String branch = fields.optionalString("branch", MAX_REF_CHARS);
        final Instant authoredAt = fields.optionalInstant("authoredAt");
        final List<String> labels = fields.optionalStringList("labels", MAX_LABELS, MAX_LABEL_CHARS);
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
        final Set<String> seen = new java.util.HashSet<>();
        for (final String name : names) {
            if (labels.size() == MAX_LABELS) {
                break;
            }
            if (name == null || name.isBlank() || name.codePointCount(0, name.length()) > MAX_LABEL_CHARS
                    || name.chars().anyMatch(c -> isControl((char) c))) {
                continue;
            }
            if (seen.add(name.toLowerCase(Locale.ROOT))) {
                labels.add(name);
            }
        }
        return List.copyOf(labels);
    }

    private static DeploymentEvent deployment(final Fields fields) {
        final Common common = common(fields);
        final String environment = fields.requiredString("environment", MAX_NAME_CHARS);
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
        final String rollbackOf = fields.optionalString("rollbackOf", MAX_ID_CHARS);
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

    private static IncidentEvent incident(final Fields fields) {
        final Common common = common(fields);
        final String environment = fields.requiredString("environment", MAX_NAME_CHARS);
        final IncidentStatus status = fields.requiredEnum("status", IncidentStatus.class);
        final Instant openedAt = fields.requiredInstant("openedAt");
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
        final Severity severity = fields.optionalSeverity("severity");
        final String causeDeploymentId = fields.optionalString("causeDeploymentId", MAX_ID_CHARS);
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

    private static Common common(final Fields fields) {
        final String id = fields.requiredString("id", MAX_ID_CHARS);
        final String service = fields.requiredString("service", MAX_NAME_CHARS);
        final Instant occurredAt = fields.requiredInstant("occurredAt");
        final String team = fields.optionalString("team", MAX_NAME_CHARS);
        final String source = fields.optionalString("source", MAX_NAME_CHARS);
        return new Common(id, service, occurredAt, team, source);
    }

    private record Common(String id, String service, Instant occurredAt, String team, String source) {
    }

    private static JsonNode toNode(final Object value) {
        if (value instanceof Boolean flag) {
            return NODES.booleanNode(flag);
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

    /** A value as it appears in an error message: strings quoted and shortened, control characters escaped. */
    static String echo(final String value) {
        final String shortened = value.length() > MAX_ECHO_CHARS
                ? value.substring(0, MAX_ECHO_CHARS) + "…"
                : value;
        final StringBuilder text = new StringBuilder(shortened.length() + 2).append('\'');
        for (int i = 0; i < shortened.length(); i++) {
            final char c = shortened.charAt(i);
            if (isControl(c)) {
                text.append(String.format("\\u%04X", (int) c));
            } else {
                text.append(c);
            }
        }
        return text.append('\'').toString();
    }

    private static String echo(final JsonNode value) {
        if (value.isTextual()) {
            return echo(value.textValue());
        }
        final String json = value.toString();
        return json.length() > MAX_ECHO_CHARS ? json.substring(0, MAX_ECHO_CHARS) + "…" : json;
    }

    private static boolean isControl(final char c) {
        return c <= 0x1F || c == 0x7F;
    }

    private static <E extends Enum<E>> String allowed(final Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", "));
    }

    /** Typed, validated access to the fields of one event; JSON {@code null} counts as absent. */
    private static final class Fields {

        private final ObjectNode event;

        Fields(final ObjectNode event) {
            this.event = event;
        }

        JsonNode get(final String name) {
            final JsonNode value = event.get(name);
            return value == null || value.isNull() ? null : value;
        }

        String requiredString(final String name, final int maxChars) {
            final String value = optionalString(name, maxChars);
            if (value == null) {
                throw new InvalidEventException(name, "required");
            }
            return value;
        }

        boolean optionalBoolean(final String name) {
            final JsonNode node = get(name);
            if (node == null) {
                return false;
            }
            if (!node.isBoolean()) {
                throw new InvalidEventException(name, "must be true or false (got " + echo(node) + ")");
            }
            return node.booleanValue();
        }

        String optionalString(final String name, final int maxChars) {
            return string(name, get(name), maxChars);
        }

        private static String string(final String name, final JsonNode node, final int maxChars) {
            if (node == null || node.isNull()) {
                return null;
            }
            if (!node.isTextual()) {
                throw new InvalidEventException(name, "must be a string (got " + echo(node) + ")");
            }
            final String value = node.textValue();
            if (value.isBlank()) {
                throw new InvalidEventException(name, "must not be empty");
            }
            for (int i = 0; i < value.length(); i++) {
                if (isControl(value.charAt(i))) {
                    throw new InvalidEventException(name, String.format(
                            "must not contain control characters (found U+%04X at position %d)",
                            (int) value.charAt(i), i));
                }
            }
            final int chars = value.codePointCount(0, value.length());
            if (chars > maxChars) {
                throw new InvalidEventException(name, "must be at most " + maxChars + " characters (got " + chars + ")");
            }
            return value;
        }

        /**
         * An optional array of strings, each validated like {@link #optionalString} under the name
         * {@code name[i]}; absent or {@code null} is the empty list. Duplicates are kept, in order.
         */
        List<String> optionalStringList(final String name, final int maxItems, final int maxChars) {
            final JsonNode node = get(name);
            if (node == null) {
                return List.of();
            }
            if (!node.isArray()) {
                throw new InvalidEventException(name, "must be an array of strings (got " + echo(node) + ")");
            }
            if (node.size() > maxItems) {
                throw new InvalidEventException(name, "must have at most " + maxItems + " entries (got "
                        + node.size() + ")");
            }
            final List<String> values = new ArrayList<>(node.size());
            for (int i = 0; i < node.size(); i++) {
                final String elementName = name + "[" + i + "]";
                final String value = string(elementName, node.get(i), maxChars);
                if (value == null) {
                    throw new InvalidEventException(elementName, "must be a string (got null)");
                }
                values.add(value);
            }
            return values;
        }

        String requiredSha(final String name) {
            final String value = optionalSha(name);
            if (value == null) {
                throw new InvalidEventException(name, "required");
            }
            return value;
        }

        String optionalSha(final String name) {
            return sha(name, get(name));
        }

        List<String> requiredShaList(final String name) {
            final JsonNode node = get(name);
            if (node == null) {
                throw new InvalidEventException(name, "required (an array of parent shas, empty for a root commit)");
            }
            if (!node.isArray()) {
                throw new InvalidEventException(name, "must be an array of 40-hexadecimal-digit shas (got "
                        + echo(node) + ")");
            }
            final List<String> shas = new ArrayList<>(node.size());
            for (int i = 0; i < node.size(); i++) {
                final String elementName = name + "[" + i + "]";
                final String sha = sha(elementName, node.get(i));
                if (sha == null) {
                    throw new InvalidEventException(elementName, "must be 40 hexadecimal digits (got null)");
                }
                shas.add(sha);
            }
            return shas;
        }

        private static String sha(final String name, final JsonNode node) {
            if (node == null || node.isNull()) {
                return null;
            }
            if (!node.isTextual() || !SHA.matcher(node.textValue()).matches()) {
                throw new InvalidEventException(name, "must be 40 hexadecimal digits (got " + echo(node) + ")");
            }
            return node.textValue().toLowerCase(Locale.ROOT);
        }

        Instant requiredInstant(final String name) {
            final Instant value = optionalInstant(name);
            if (value == null) {
                throw new InvalidEventException(name, "required; an ISO-8601 instant with a UTC offset, e.g. "
                        + EXAMPLE_INSTANT);
            }
            return value;
        }

        Instant optionalInstant(final String name) {
            final JsonNode node = get(name);
            if (node == null) {
                return null;
            }
            final Instant instant;
            try {
                if (!node.isTextual()) {
                    throw new DateTimeParseException("not a string", node.toString(), 0);
                }
                instant = OffsetDateTime.parse(node.textValue(), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
            } catch (final DateTimeParseException e) {
                throw new InvalidEventException(name, "must be an ISO-8601 instant with a UTC offset, e.g. "
                        + EXAMPLE_INSTANT + " (got " + echo(node) + ")");
            }
            if (instant.isBefore(EARLIEST) || !instant.isBefore(END)) {
                throw new InvalidEventException(name, "must be between 1970-01-01T00:00:00Z and 2199-12-31T23:59:59Z"
                        + " (got " + echo(node) + ")");
            }
            return instant.truncatedTo(ChronoUnit.MILLIS);
        }

        <E extends Enum<E>> E requiredEnum(final String name, final Class<E> type) {
            final E value = optionalEnum(name, type);
            if (value == null) {
                throw new InvalidEventException(name, "required; one of " + allowed(type));
            }
            return value;
        }

        <E extends Enum<E>> E optionalEnum(final String name, final Class<E> type) {
            final JsonNode node = get(name);
            if (node == null) {
                return null;
            }
            if (node.isTextual()) {
                for (final E constant : type.getEnumConstants()) {
                    if (constant.name().equals(node.textValue())) {
                        return constant;
                    }
                }
            }
            throw new InvalidEventException(name, "must be one of " + allowed(type) + " (got " + echo(node) + ")");
        }

        Severity optionalSeverity(final String name) {
            final JsonNode node = get(name);
            if (node == null) {
                return null;
            }
            if (node.isTextual()) {
                final String upper = node.textValue().toUpperCase(Locale.ROOT);
                for (final Severity severity : Severity.values()) {
                    if (severity.name().equals(upper)) {
                        return severity;
                    }
                }
            }
            throw new InvalidEventException(name, "must be one of " + allowed(Severity.class) + " (got "
                    + echo(node) + ")");
        }
    }
}
