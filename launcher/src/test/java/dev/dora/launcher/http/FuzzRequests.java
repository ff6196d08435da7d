package dev.dora.launcher.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dora.ingest.CanonicalEvents;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.avro.specific.SpecificRecord;

/**
 * A seeded generator of hostile HTTP requests for {@link HttpFuzzTest}: mutated and random events for the ingest API,
 * query strings from a pool of bad and extreme values, mutated and (validly or not) signed webhooks, and raw protocol
 * abuse (malformed request lines, headers, lengths and chunks), in every method, encoding and content type. Each
 * request is the exact bytes to write, so the same seed sends the same requests.
 */
final class FuzzRequests {

    /** What a request is, so the test can check what should follow from its answer. */
    enum Kind { INGEST, QUERY, WEBHOOK, RAW, STATIC }

    /** One request: its kind, its bytes, and whether the client half-closes after writing (the body is short). */
    record Request(Kind kind, String summary, byte[] bytes, boolean halfClose) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DEEP = "@@deep:";
    private static final String[] QUERY_PATHS = {"/api/v1/metrics", "/api/v1/metrics/series", "/api/v1/deployments",
        "/api/v1/incidents", "/api/v1/services", "/api/v1/health", "/api/v1/deployments/", "/api/v1/incidents/",
        "/api/v1/nothing", "/api/v1/", "/api/v1/builds"};
    private static final String[] PARAMS = {"from", "to", "window", "service", "team", "environment", "limit", "cursor",
        "granularity", "benchmark", "x", ""};
    private static final String[] VALUES = {"2026-10-01", "2026-11-01", "2025-01-01", "2026-02-30", "-999999999-01-01",
        "+999999999-12-31", "1969-12-31", "1970-01-01", "9999-12-31", "10000-01-01", "0000-00-00",
        "2026-10-01T00:00:00Z", "2026-10-01T01:00:00+01:00", "2026-10-01T12:00:00Z", "-1000000000-01-01T00:00:00Z",
        "7d", "30d", "0d", "3660d", "3661d", "99999999999999999999d", "-1d", "1w", "day", "week", "month", "year",
        "dora-2024", "dora-2019", "dora-1999", "0", "1", "1000", "1001", "-1", "2147483647", "2147483648", "+5", "abc",
        "", " ", "production", "staging", "prod", "checkout", "commerce", "\u0000", "\u007f", "\ud83d\ude00", "é",
        "a/b", "../..", "%", "%zz", "%ED%A0%80", "%C0%AF", "%00", "%2F", "%25", "x".repeat(2_000), "AAAA", "bm8=",
        "c2VydmljZQBkZXBsb3ltZW50", "null", "[]", "{}"};
    private static final Object[] JSON_VALUES = {null, true, false, 0, -1, 1e308, "12345678901234567890", "", " ",
        "x", "\u0000", "\u0007bell", "\ud800", "\udc00x", "\ud83d\ude00", "2026-13-45T00:00:00Z",
        "-999999999-01-01T00:00:00Z", "+999999999-12-31T23:59:59Z", "1969-12-31T23:59:59Z", "2026-10-01",
        "2026-10-01T12:00:00Z", "2199-12-31T23:59:59Z", "2200-01-01T00:00:00Z", "production", "success", "failure",
        "resolved", "open", "SEV1", "critical", "rolling", "0123456789abcdef0123456789abcdef01234567", "ABC", "*"};
    private static final String[] CONTENT_TYPES = {"application/json", "application/json", "application/json",
        "application/json; charset=utf-8", "application/x-ndjson", "application/x-ndjson", "text/plain", null,
        "application/json; charset=utf-16", "application/json;;;", "APPLICATION/JSON", "multipart/form-data",
        "application/x-www-form-urlencoded", "\u00e9/\u00e9"};
    private static final String[] METHODS = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE",
        "CONNECT", "PROPFIND", "G\u00c9T", "get", "", "GET GET"};
    private static final String[] RAW = {
        "GET / HTTP/1.1\r\n\r\n",
        "GET /api/v1/health HTTP/1.0\r\n\r\n",
        "GET /\r\n\r\n",
        "GET / HTTP/9.9\r\nHost: x\r\n\r\n",
        "GET http://evil.example/api/v1/metrics HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET * HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /api/v1/metrics?from=2026 01 01 HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /api/v1/services HTTP/1.1\r\nHost: x\r\nNoColonHeader\r\n\r\n",
        "GET /api/v1/services HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n b\r\n\r\n",
        "GET /api/v1/services HTTP/1.1\r\nHost: x\r\nBad Name: v\r\n\r\n",
        "GET /api/v1/services HTTP/1.1\r\nHost: x\r\nX-Huge: " + "h".repeat(20_000) + "\r\n\r\n",
        "POST /api/v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n2\r\n[]\r\n0\r\n\r\n",
        "POST /api/v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
                + "Content-Length: 3\r\n\r\n[] ",
        "POST /api/v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: -5\r\n\r\n[]",
        "POST /api/v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: abc\r\n\r\n[]",
        "POST /api/v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: 99999999999999999999\r\n\r\n[]",
        "POST /api/v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n[]",
        "POST /api/v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
                + "\r\nzz\r\n[]\r\n0\r\n\r\n",
        "POST /api/v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
                + "\r\n2;ext=\"bad\r\n[]\r\n",
        "POST /api/v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: gzip, chunked"
                + "\r\n\r\n2\r\n[]\r\n0\r\n\r\n",
        "POST /api/v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
                + "Content-Length: 2\r\n\r\n[]",
        "POST /api/v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: 100-continue\r\n"
                + "Content-Length: 2\r\n\r\n[]",
        "POST /api/v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: 999-nonsense\r\n"
                + "Content-Length: 2\r\n\r\n[]",
        "GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\nGET /api/v1/services HTTP/1.1\r\nHost: x\r\n\r\n",
        "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
        "GET /api/v1/services HTTP/1.1\r\nHost: x\r\nUpgrade: h2c\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                + "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n",
        "GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /..%c0%af../ HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /webjars/../../../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /api/v1/metrics?service=%ZZ&team=%ED%A0%80 HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /api/v1/metrics?" + "service=a&".repeat(2_000) + " HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n",
        "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003",
    };

    private final Random random;
    private final List<ObjectNode> events;
    private final Map<String, String> tokens;
    private final String githubSecret;

    /**
     * @param seed         the seed: the same seed, the same requests
     * @param validEvents  events to mutate
     * @param tokens       bearer tokens by what they are for ({@code admin}, {@code read}, {@code ingest})
     * @param githubSecret the secret the stack verifies GitHub webhooks with
     */
    FuzzRequests(final long seed, final List<SpecificRecord> validEvents, final Map<String, String> tokens,
                 final String githubSecret) {
        this.random = new Random(seed);
        this.events = validEvents.stream().map(CanonicalEvents::toJson).toList();
        this.tokens = tokens;
        this.githubSecret = githubSecret;
    }

    Request next() {
        final int dice = random.nextInt(100);
        if (dice < 35) {
            return ingest();
        }
        if (dice < 70) {
            return query();
        }
        if (dice < 80) {
            return webhook();
        }
        if (dice < 92) {
            return raw();
        }
        return other();
    }

    // ----------------------------------------------------------------------------------------------------- ingest

    private Request ingest() {
        final String contentType = pick(CONTENT_TYPES);
        final boolean ndjson = "application/x-ndjson".equals(contentType) || random.nextInt(10) == 0;
        final int count = random.nextInt(10) == 0 ? random.nextInt(300) : 1 + random.nextInt(12);
        final List<JsonNode> batch = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            batch.add(random.nextInt(3) == 0 ? events.get(random.nextInt(events.size())) : mutated());
        }
        byte[] body;
        if (ndjson) {
            final StringBuilder lines = new StringBuilder();
            batch.forEach(event -> lines.append(event).append(random.nextInt(8) == 0 ? "\r\n\n" : "\n"));
            body = deepened(lines.toString()).getBytes(StandardCharsets.UTF_8);
        } else if (count == 1 && random.nextBoolean()) {
            body = deepened(batch.get(0).toString()).getBytes(StandardCharsets.UTF_8);
        } else {
            final ArrayNode array = JSON.createArrayNode();
            batch.forEach(array::add);
            body = deepened(array.toString()).getBytes(StandardCharsets.UTF_8);
        }
        if (random.nextInt(5) == 0) {
            body = bytewise(body);
        }
        final Map<String, String> headers = new LinkedHashMap<>();
        if (contentType != null) {
            headers.put("Content-Type", contentType);
        }
        authorize(headers, "ingest");
        return http(Kind.INGEST, pick(new String[] {"POST", "POST", "POST", "POST", "PUT", "GET"}), "/api/v1/events",
                headers, body);
    }

    /** A valid event with one to three things wrong with it. */
    private JsonNode mutated() {
        final ObjectNode event = events.get(random.nextInt(events.size())).deepCopy();
        for (int n = 1 + random.nextInt(3); n > 0; n--) {
            final List<String> fields = new ArrayList<>();
            event.fieldNames().forEachRemaining(fields::add);
            final String field = fields.isEmpty() ? "type" : fields.get(random.nextInt(fields.size()));
            switch (random.nextInt(8)) {
                case 0 -> event.remove(field);
                case 1 -> event.set(field, JSON.valueToTree(JSON_VALUES[random.nextInt(JSON_VALUES.length)]));
                case 2 -> event.set(field, JSON.valueToTree(List.of(1, "two", Map.of("three", 3))));
                case 3 -> event.put(field, "v".repeat(random.nextInt(2) == 0 ? 300 : 300_000));
                case 4 -> event.put(random.nextBoolean() ? "authorEmail" : "extra" + random.nextInt(9), "x@example.com");
                case 5 -> event.put(field, DEEP + random.nextInt(1_500));
                case 6 -> event.put("type", pick(new String[] {"change", "deployment", "incident", "Change", "", "x"}));
                default -> event.put(field, (String) pick(new Object[] {"\ud800", "a\u0000b", "\ud83d\ude00",
                    "-999999999-01-01T00:00:00Z", "+999999999-12-31T23:59:59Z"}));
            }
        }
        return event;
    }

    /** Nesting deeper than Jackson writes, put in as text once the body is written: "@@deep:N" becomes N arrays. */
    private static String deepened(final String json) {
        final java.util.regex.Matcher marker = java.util.regex.Pattern.compile("\"" + DEEP + "(\\d+)\"")
                .matcher(json);
        final StringBuilder out = new StringBuilder();
        while (marker.find()) {
            final int depth = Integer.parseInt(marker.group(1));
            marker.appendReplacement(out, "[".repeat(depth) + "\"deep\"" + "]".repeat(depth));
        }
        return marker.appendTail(out).toString();
    }

    /** The body with bytes flipped, cut, inserted, a key doubled, a BOM, or re-encoded. */
    private byte[] bytewise(final byte[] body) {
        final String text = new String(body, StandardCharsets.UTF_8);
        return switch (random.nextInt(7)) {
            case 0 -> {
                final byte[] flipped = body.clone();
                for (int i = 0; i < 1 + random.nextInt(5) && flipped.length > 0; i++) {
                    flipped[random.nextInt(flipped.length)] = (byte) random.nextInt(256);
                }
                yield flipped;
            }
            case 1 -> java.util.Arrays.copyOf(body, body.length == 0 ? 0 : random.nextInt(body.length));
            case 2 -> text.replaceFirst("\"id\":", "\"id\":\"doubled\",\"id\":").getBytes(StandardCharsets.UTF_8);
            case 3 -> concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, body);
            case 4 -> text.getBytes(StandardCharsets.UTF_16);
            case 5 -> concat(body, new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xED, (byte) 0xA0, (byte) 0x80});
            default -> (text + (random.nextBoolean() ? " []" : ",")).getBytes(StandardCharsets.UTF_8);
        };
    }

    // ----------------------------------------------------------------------------------------------------- queries

    private Request query() {
        String path = pick(QUERY_PATHS);
        if (path.endsWith("s/")) {
            path += encodeOrNot(pick(VALUES));
        }
        final StringBuilder query = new StringBuilder();
        for (int n = random.nextInt(6); n > 0; n--) {
            final String name = pick(PARAMS);
            final String value = encodeOrNot(pick(VALUES));
            for (int times = random.nextInt(8) == 0 ? 2 : 1; times > 0; times--) {
                query.append(query.length() == 0 ? "" : "&").append(name).append(random.nextInt(12) == 0 ? "" : "=")
                        .append(value);
            }
        }
        final Map<String, String> headers = new LinkedHashMap<>();
        authorize(headers, "read");
        if (random.nextInt(8) == 0) {
            headers.put("Origin", pick(new String[] {"https://grafana.example.com", "https://evil.example", "null"}));
        }
        final String method = random.nextInt(10) == 0 ? pick(METHODS) : "GET";
        return http(Kind.QUERY, method, path + (query.length() == 0 ? "" : "?" + query), headers, new byte[0]);
    }

    /** Mostly percent-encoded, sometimes as it is (raw spaces and controls make a malformed request line). */
    private String encodeOrNot(final String value) {
        if (value.startsWith("%") || random.nextInt(6) == 0) {
            return value.replace(" ", random.nextBoolean() ? "+" : " ");
        }
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------------------------------------------- webhooks

    private Request webhook() {
        final String source = pick(new String[] {"github", "github", "github", "gitlab", "pagerduty", "cdevents",
            "nosuch", "GitHub", "../events"});
        final String at = pick(new String[] {"2026-11-10T10:00:00Z", "2026-11-10T11:00:00+02:00", "1969-01-01T00:00:00Z",
            "not a time", "+999999999-12-31T23:59:59Z"});
        final String sha = random.nextBoolean() ? "1".repeat(40) : pick(new String[] {"x", "1".repeat(39), ""});
        final String body = switch (random.nextInt(3)) {
            case 0 -> "{\"ref\":\"refs/heads/main\",\"after\":\"" + sha + "\",\"repository\":{\"id\":1,\"full_name\":"
                    + "\"acme/shop\",\"default_branch\":\"main\"},\"commits\":[{\"id\":\"" + sha + "\",\"timestamp\":\""
                    + at + "\",\"author\":{\"email\":\"a@example.com\"}}]}";
            case 1 -> "{\"action\":\"created\",\"deployment_status\":{\"id\":7,\"state\":\""
                    + pick(new String[] {"success", "failure", "x"}) + "\",\"environment\":\"production\","
                    + "\"created_at\":\"" + at + "\",\"updated_at\":\"" + at + "\"},\"deployment\":{\"id\":"
                    + random.nextInt() + ",\"sha\":\"" + sha + "\",\"environment\":\"production\",\"created_at\":\""
                    + at + "\"},\"repository\":{\"id\":1,\"full_name\":\"acme/shop\"}}";
            default -> deepened(mutated().toString());
        };
        final byte[] bytes = random.nextInt(4) == 0 ? bytewise(body.getBytes(StandardCharsets.UTF_8))
                : body.getBytes(StandardCharsets.UTF_8);
        final Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("X-GitHub-Event", pick(new String[] {"push", "deployment_status", "issues", "ping", "x"}));
        headers.put("X-GitHub-Delivery", "fuzz-" + random.nextInt(1_000_000));
        final int signing = random.nextInt(4);
        if (signing < 2) {
            headers.put("X-Hub-Signature-256", "sha256=" + hmac(githubSecret, bytes));
        } else if (signing == 2) {
            headers.put("X-Hub-Signature-256", "sha256=" + "0".repeat(64));
        }
        if (random.nextInt(5) == 0) {
            authorize(headers, "admin");
        }
        return http(Kind.WEBHOOK, "POST", "/webhooks/" + source, headers, bytes);
    }

    private static String hmac(final String secret, final byte[] body) {
        try {
            final Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (final java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    // ----------------------------------------------------------------------------------------- raw and the rest

    private Request raw() {
        String text = pick(RAW);
        if (random.nextInt(3) == 0 && text.length() > 4) {
            final char[] chars = text.toCharArray();
            chars[random.nextInt(chars.length)] = (char) random.nextInt(256);
            text = new String(chars);
        }
        final String token = "Authorization: Bearer " + tokens.get("admin") + "\r\n";
        if (random.nextBoolean() && text.contains("Host: x\r\n")) {
            text = text.replaceFirst("Host: x\r\n", "Host: x\r\n" + token);
        }
        return new Request(Kind.RAW, text.lines().findFirst().orElse("").strip(),
                text.getBytes(StandardCharsets.ISO_8859_1), true);
    }

    private Request other() {
        final String path = pick(new String[] {"/", "/index.html", "/api", "/js/app.js", "/dashboard.css",
            "/favicon.svg", "/webjars/uplot/1.6.30/dist/uPlot.iife.min.js", "/webjars/nothing", "/metrics",
            "/no/such/page", "/%2e%2e/pom.xml", "/js/../../pom.xml", "/" + "x".repeat(300)});
        final Map<String, String> headers = new LinkedHashMap<>();
        if (random.nextBoolean()) {
            headers.put(pick(new String[] {"Range", "If-None-Match", "If-Modified-Since", "Accept", "Accept-Encoding"}),
                    pick(new String[] {"bytes=0-1", "bytes=5-1,0-", "\"x\"", "yesterday", "*/*", "gzip, br", "\u00e9"}));
        }
        authorize(headers, "read");
        return http(Kind.STATIC, random.nextInt(8) == 0 ? pick(METHODS) : "GET", path, headers, new byte[0]);
    }

    // -------------------------------------------------------------------------------------------------- helpers

    /** Mostly the token the request needs; sometimes another, none, garbage or another scheme. */
    private void authorize(final Map<String, String> headers, final String needs) {
        final int dice = random.nextInt(40);
        if (dice < 33) {
            headers.put("Authorization", "Bearer " + tokens.get(dice < 22 ? needs : "admin"));
        } else if (dice < 35) {
            headers.put("Authorization", "Bearer " + tokens.get(needs.equals("read") ? "ingest" : "read"));
        } else if (dice < 36) {
            headers.put("Authorization", "Bearer garbage");
        } else if (dice < 37) {
            headers.put("Authorization", "Basic " + tokens.get("admin"));
        } else if (dice < 38) {
            headers.put("Authorization", "Bearer " + "\u00ff".repeat(random.nextBoolean() ? 100 : 5_000));
        }
    }

    private static Request http(final Kind kind, final String method, final String pathAndQuery,
                                final Map<String, String> headers, final byte[] body) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final StringBuilder head = new StringBuilder(method).append(' ').append(pathAndQuery)
                .append(" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
        for (final Iterator<Map.Entry<String, String>> it = headers.entrySet().iterator(); it.hasNext(); ) {
            final Map.Entry<String, String> header = it.next();
            head.append(header.getKey()).append(": ").append(header.getValue()).append("\r\n");
        }
        if (body.length > 0 || "POST".equals(method) || "PUT".equals(method)) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
        out.writeBytes(body);
        final String summary = method + " " + (pathAndQuery.length() > 120 ? pathAndQuery.substring(0, 120) + "…"
                : pathAndQuery);
        return new Request(kind, summary, out.toByteArray(), false);
    }

    private static byte[] concat(final byte[] a, final byte[] b) {
        final byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private <T> T pick(final T[] choices) {
        return choices[random.nextInt(choices.length)];
    }
}
