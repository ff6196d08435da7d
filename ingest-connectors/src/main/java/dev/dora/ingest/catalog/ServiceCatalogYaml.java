package dev.dora.ingest.catalog;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads the service catalog file ({@code --catalog FILE}), a YAML document of this shape:
 *
 * <pre>
 * production: [production, prod]     # optional: production environment names
 * services:                          # optional: the canonical services
 *   - name: shop                     # required, unique (case-insensitively)
 *     team: retail                   # optional
 *     repositories: [acme/shop]      # GitHub full_name / GitLab path_with_namespace
 *     pagerduty: [Shop API]          # PagerDuty service summaries
 *     applications: [shop-app]       # CD application names (CDEvents, …)
 *     defaultBranch: trunk           # optional: the branch builds are judged on (default: main or master)
 * </pre>
 *
 * <p>Validation is strict, so that a typo cannot silently leave events unmapped: unknown keys are rejected, a
 * repository, PagerDuty service or application may belong to one service only (compared like the lookups of
 * {@link ServiceCatalog}: trimmed, case-insensitively), and every value must be a string (quote numbers and
 * {@code yes}/{@code no}). A list of one item may be written as a plain string. Every error names its path, e.g.
 * {@code services[2].name: required}.
 */
public final class ServiceCatalogYaml {

    /** As for the {@code service} and {@code team} of a canonical event. */
    static final int MAX_NAME_CHARS = 200;
    static final int MAX_KEY_CHARS = 1024;

    private static final Set<String> TOP_KEYS = Set.of("production", "services");
    private static final List<String> SERVICE_KEYS = List.of("name", "team", "repositories", "pagerduty",
            "applications", "defaultBranch");

    private static final ObjectMapper YAML = new YAMLMapper(YAMLFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build());

    private ServiceCatalogYaml() {
    }

    /** A catalog file that cannot be used; the message names the path of the first problem. */
    public static final class InvalidCatalogException extends IllegalArgumentException {

        private final String path;

        public InvalidCatalogException(final String path, final String problem) {
            super(path + ": " + problem);
            this.path = path;
        }

        /** Where the problem is, e.g. {@code services[2].name}; {@code catalog} for the document as a whole. */
        public String path() {
            return path;
        }
    }

    /**
     * Parses and validates a catalog.
     *
     * @throws InvalidCatalogException naming the path of the first problem
     */
    public static ServiceCatalog parse(final String yaml) {
        final JsonNode root = read(yaml);
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new InvalidCatalogException("catalog", "empty document; expected a mapping with 'services'"
                    + " and optionally 'production'");
        }
        if (!root.isObject()) {
            throw new InvalidCatalogException("catalog", "must be a mapping with 'services' and optionally"
                    + " 'production' (got " + kind(root) + ")");
        }
        rejectUnknownKeys(root, "", TOP_KEYS);
        final List<String> production = strings(root.get("production"), "production", MAX_NAME_CHARS);
        final JsonNode services = root.get("services");
        final List<ServiceCatalog.Entry> entries = new ArrayList<>();
        if (!isEmpty(services)) {
            if (!services.isArray()) {
                throw new InvalidCatalogException("services", "must be a list of services (got " + kind(services)
                        + ")");
            }
            final Map<String, String> names = new HashMap<>();
            final Map<String, Map<String, String>> owners = new HashMap<>();
            for (int i = 0; i < services.size(); i++) {
                entries.add(entry(services.get(i), "services[" + i + "]", names, owners));
            }
        }
        return new ServiceCatalog(entries, production);
    }

    private static JsonNode read(final String yaml) {
        if (yaml == null) {
            throw new InvalidCatalogException("catalog", "empty document");
        }
        try (JsonParser parser = YAML.createParser(yaml)) {
            final JsonNode root = YAML.readTree(parser);
            if (parser.nextToken() != null) {
                throw new InvalidCatalogException("catalog", "must be a single YAML document");
            }
            return root;
        } catch (final JsonProcessingException e) {
            throw new InvalidCatalogException("catalog", "not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")"));
        } catch (final IOException e) {
            throw new InvalidCatalogException("catalog", "cannot be read: " + e.getMessage());
        }
    }

    private static ServiceCatalog.Entry entry(final JsonNode node, final String path, final Map<String, String> names,
                                              final Map<String, Map<String, String>> owners) {
        if (node == null || !node.isObject()) {
            throw new InvalidCatalogException(path, "must be a mapping with at least 'name' (got "
                    + kind(node) + ")");
        }
        rejectUnknownKeys(node, path + ".", Set.copyOf(SERVICE_KEYS));
        final String name = string(node.get("name"), path + ".name", MAX_NAME_CHARS);
        if (name == null) {
            throw new InvalidCatalogException(path + ".name", "required");
        }
        final String previous = names.putIfAbsent(fold(name), path);
        if (previous != null) {
            throw new InvalidCatalogException(path + ".name", "duplicate service name " + quote(name)
                    + " (already used by " + previous + ")");
        }
        final String team = string(node.get("team"), path + ".team", MAX_NAME_CHARS);
        final List<String> repositories = strings(node.get("repositories"), path + ".repositories", MAX_KEY_CHARS);
        final List<String> pagerduty = strings(node.get("pagerduty"), path + ".pagerduty", MAX_KEY_CHARS);
        final List<String> applications = strings(node.get("applications"), path + ".applications", MAX_KEY_CHARS);
        claim(owners, "repository", repositories, name, path + ".repositories");
        claim(owners, "PagerDuty service", pagerduty, name, path + ".pagerduty");
        claim(owners, "application", applications, name, path + ".applications");
        final String defaultBranch = string(node.get("defaultBranch"), path + ".defaultBranch", MAX_KEY_CHARS);
        return new ServiceCatalog.Entry(name, team, repositories, pagerduty, applications, defaultBranch);
    }

    /** A repository, PagerDuty service or application may map to one service only. */
    private static void claim(final Map<String, Map<String, String>> owners, final String kind,
                              final List<String> values, final String service, final String path) {
        final Map<String, String> byValue = owners.computeIfAbsent(kind, k -> new HashMap<>());
        for (int i = 0; i < values.size(); i++) {
            final String owner = byValue.putIfAbsent(fold(values.get(i)), service);
            if (owner != null && !owner.equals(service)) {
                throw new InvalidCatalogException(path + "[" + i + "]", kind + " " + quote(values.get(i))
                        + " is already mapped to service " + quote(owner) + "; it may belong to one service only");
            }
        }
    }

    private static void rejectUnknownKeys(final JsonNode node, final String prefix, final Set<String> allowed) {
        final Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            final String key = names.next();
            if (!allowed.contains(key)) {
                throw new InvalidCatalogException(prefix + key, "unknown key; expected one of "
                        + String.join(", ", prefix.isEmpty() ? List.of("production", "services") : SERVICE_KEYS));
            }
        }
    }

    /** Absent, {@code null}, {@code ~} or nothing at all after the colon (which YAML reads as an empty string). */
    private static boolean isEmpty(final JsonNode node) {
        return node == null || node.isNull() || node.isTextual() && node.textValue().isEmpty();
    }

    private static List<String> strings(final JsonNode node, final String path, final int maxChars) {
        if (isEmpty(node)) {
            return List.of();
        }
        if (node.isValueNode()) {
            return List.of(string(node, path, maxChars));
        }
        if (!node.isArray()) {
            throw new InvalidCatalogException(path, "must be a list of strings (got " + kind(node) + ")");
        }
        final Map<String, String> distinct = new LinkedHashMap<>();
        for (int i = 0; i < node.size(); i++) {
            final String value = string(node.get(i), path + "[" + i + "]", maxChars);
            if (value == null) {
                throw new InvalidCatalogException(path + "[" + i + "]", "must be a string (got null)");
            }
            distinct.putIfAbsent(fold(value), value);
        }
        return List.copyOf(distinct.values());
    }

    private static String string(final JsonNode node, final String path, final int maxChars) {
        if (isEmpty(node)) {
            return null;
        }
        if (!node.isTextual()) {
            throw new InvalidCatalogException(path, "must be a string (got " + kind(node) + " " + node
                    + "; quote it)");
        }
        final String value = node.textValue().trim();
        if (value.isEmpty()) {
            throw new InvalidCatalogException(path, "must not be empty");
        }
        for (int i = 0; i < value.length(); i++) {
            final char c = value.charAt(i);
            if (c <= 0x1F || c == 0x7F) {
                throw new InvalidCatalogException(path, String.format(
                        "must not contain control characters (found U+%04X)", (int) c));
            }
        }
        final int chars = value.codePointCount(0, value.length());
        if (chars > maxChars) {
            throw new InvalidCatalogException(path, "must be at most " + maxChars + " characters (got " + chars
                    + ")");
        }
        return value;
    }

    private static String kind(final JsonNode node) {
        if (node == null || node.isNull()) {
            return "nothing";
        }
        if (node.isObject()) {
            return "a mapping";
        }
        if (node.isArray()) {
            return "a list";
        }
        if (node.isTextual()) {
            return "a string";
        }
        if (node.isBoolean()) {
            return "a boolean";
        }
        if (node.isNumber()) {
            return "a number";
        }
        return node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    private static String fold(final String value) {
        return value.trim().toLowerCase(Locale.ROOT);
    }

    private static String quote(final String value) {
        return "'" + value + "'";
    }
}
