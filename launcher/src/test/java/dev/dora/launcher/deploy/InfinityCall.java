package dev.dora.launcher.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Infinity query (data source {@code yesoreyeram-infinity-datasource}, backend parser) run the way Grafana and the
 * plugin run it: Grafana substitutes the dashboard variables (percent-encoding where the query asks for
 * {@code :percentencode}), the plugin its time macros, prefixes the data source's base URL, re-encodes the query
 * string (Go's {@code url.Values.Encode}), follows cursor pagination, then takes the rows at the root selector and
 * each column at its selector (plain GJSON paths: names joined by dots).
 */
final class InfinityCall {

    /** A variable's value: what Grafana substitutes for {@code ${name}} and for {@code ${name:text}}. */
    record Value(String value, String text) {
    }

    /** What one call answered: the HTTP status of each page and the rows at the root selector. */
    record Answer(String url, List<Integer> statuses, List<JsonNode> rows) {
    }

    private static final Pattern PLAIN_PATH = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*");
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?}");

    private final HttpClient client = HttpClient.newHttpClient();
    private final String baseUrl;
    private final LocalDate from;
    private final LocalDate to;

    /**
     * @param baseUrl where the data source's base URL points in the test
     * @param from    the dashboard range's first day (UTC), for {@code ${__timeFrom:date:YYYY-MM-DD}}
     * @param to      the range's last day, for {@code ${__timeTo:date:YYYY-MM-DD}}
     */
    InfinityCall(final String baseUrl, final LocalDate from, final LocalDate to) {
        this.baseUrl = baseUrl;
        this.from = from;
        this.to = to;
    }

    /** The variables a query's URL names (not the time macros). */
    static List<String> variables(final JsonNode query) {
        final List<String> names = new ArrayList<>();
        final Matcher matcher = REFERENCE.matcher(query.path("url").asText());
        while (matcher.find()) {
            if (!matcher.group(1).startsWith("__") && !names.contains(matcher.group(1))) {
                names.add(matcher.group(1));
            }
        }
        return names;
    }

    static boolean isPlainPath(final String selector) {
        return selector.isEmpty() || PLAIN_PATH.matcher(selector).matches();
    }

    /** The node at a plain GJSON path, or a missing node. */
    static JsonNode select(final JsonNode node, final String path) {
        if (path.isEmpty()) {
            return node;
        }
        JsonNode current = node;
        for (final String name : path.split("\\.")) {
            current = current.isObject() && current.has(name) ? current.get(name) : MissingNode.getInstance();
        }
        return current;
    }

    Answer run(final JsonNode query, final Map<String, Value> values) throws Exception {
        final String url = baseUrl + substitute(query.path("url").asText(), values);
        final Map<String, String> params = new TreeMap<>();
        final String path = parse(url, params);
        final boolean cursor = "cursor".equals(query.path("pagination_mode").asText());
        final int pages = cursor ? Math.min(5, Math.max(1, query.path("pagination_max_pages").asInt(1))) : 1;
        if (cursor) {
            params.put(query.path("pagination_param_size_field_name").asText("limit"),
                    Integer.toString(query.path("pagination_param_size_value").asInt(1000)));
        }
        final List<Integer> statuses = new ArrayList<>();
        final List<JsonNode> rows = new ArrayList<>();
        String first = null;
        for (int page = 0; page < pages; page++) {
            final String call = path + "?" + encode(params);
            first = first == null ? call : first;
            final HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(call)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            statuses.add(response.statusCode());
            if (response.statusCode() != 200) {
                break;
            }
            final JsonNode body = Repository.JSON.readTree(response.body());
            final JsonNode root = select(body, query.path("root_selector").asText());
            if (root.isArray()) {
                root.forEach(rows::add);
            } else if (!root.isMissingNode()) {
                rows.add(root);
            }
            final JsonNode next = cursor ? select(body, query.path("pagination_param_cursor_extraction_path").asText())
                    : MissingNode.getInstance();
            if (!next.isTextual() || next.asText().isEmpty()) {
                break;
            }
            params.put(query.path("pagination_param_cursor_field_name").asText("cursor"), next.asText());
        }
        return new Answer(first, statuses, rows);
    }

    /** Grafana's variable substitution, then the plugin's time macros. */
    private String substitute(final String url, final Map<String, Value> values) {
        final Matcher matcher = REFERENCE.matcher(url);
        final StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            final String name = matcher.group(1);
            final String format = matcher.group(2);
            final String replacement;
            if (name.equals("__timeFrom") || name.equals("__timeTo")) {
                if (!"date:YYYY-MM-DD".equals(format)) {
                    throw new IllegalArgumentException("a time macro this check does not know: " + matcher.group());
                }
                replacement = (name.equals("__timeFrom") ? from : to).toString();
            } else {
                final Value value = values.get(name);
                if (value == null) {
                    throw new IllegalArgumentException("no value for $" + name + " in " + url);
                }
                replacement = switch (format == null ? "" : format) {
                    case "" , "raw" -> value.value();
                    case "percentencode" -> percentEncode(value.value());
                    case "text" -> value.text();
                    default -> throw new IllegalArgumentException("a variable format this check does not know: "
                            + matcher.group());
                };
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    /** Grafana's {@code percentencode}: everything but RFC 3986's unreserved characters. */
    static String percentEncode(final String value) {
        final StringBuilder out = new StringBuilder();
        for (final byte b : value.getBytes(StandardCharsets.UTF_8)) {
            final char c = (char) (b & 0xff);
            if (Character.isLetterOrDigit(c) && c < 128 || "-_.~".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    /** The URL without its query; the query's parameters, decoded as Go's url.ParseQuery decodes them. */
    private static String parse(final String url, final Map<String, String> params) {
        final int question = url.indexOf('?');
        if (question < 0) {
            return url;
        }
        for (final String pair : url.substring(question + 1).split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            final int equals = pair.indexOf('=');
            final String key = equals < 0 ? pair : pair.substring(0, equals);
            final String value = equals < 0 ? "" : pair.substring(equals + 1);
            params.put(URLDecoder.decode(key, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return url.substring(0, question);
    }

    /** Go's url.Values.Encode: keys sorted, query-escaped (a space becomes +). */
    private static String encode(final Map<String, String> params) {
        final List<String> pairs = new ArrayList<>();
        params.forEach((key, value) -> pairs.add(URLEncoder.encode(key, StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(value, StandardCharsets.UTF_8)));
        return String.join("&", pairs);
    }
}
