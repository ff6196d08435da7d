package dev.dora.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dora.events.Severity;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The one reader of JSON fields at the ingest edge: paths, the two ways of reading strings, and the echo. */
@Tag("unit")
class JsonFieldsTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String SHA = "a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0";

    private static JsonFields strict(final String json) throws IOException {
        return JsonFields.root(MAPPER.readTree(json));
    }

    private static JsonFields lenient(final String json) throws IOException {
        return strict(json).lenient();
    }

    private static String rejection(final Executable read) {
        return assertThrows(InvalidEventException.class, read).getMessage();
    }

    @Test
    void namesEveryFieldByItsPathFromTheRoot() throws IOException {
        final JsonFields root = strict("""
                {"commits": [{"id": "x"}, {"timestamp": 5}], "project": {"repo": {"id": []}}}""");
        final List<JsonFields> commits = root.objects("commits");
        assertEquals("commits[0].id: must be 40 hexadecimal digits (got 'x')",
                rejection(() -> commits.get(0).sha("id")));
        assertEquals("commits[1].timestamp: must be an ISO-8601 instant with a UTC offset, e.g. "
                + "2026-10-01T12:00:00Z (got 5)", rejection(() -> commits.get(1).instant("timestamp")));
        assertEquals("project.repo.id: must be a string (got [])",
                rejection(() -> root.object("project").object("repo").optionalText("id")));
        assertEquals("project.owner: required (an object)", rejection(() -> root.object("project").object("owner")));
        assertEquals("labels: required (an array)", rejection(() -> root.objects("labels")));
        assertEquals(List.of(), root.optionalObjects("labels"));
        assertEquals("data.customData.sha", JsonFields.at(MAPPER.createObjectNode(), "data.customData").path("sha"));
        assertEquals("body: must be a JSON object", rejection(() -> JsonFields.root(MAPPER.readTree("[]"))));
        assertEquals("event: must be a JSON object", rejection(() -> JsonFields.root(null, "event")));
    }

    @Test
    void strictStringsRefuseBlanksAndLenientOnesTrimThemAway() throws IOException {
        final String json = """
                {"blank": "  ", "padded": " main ", "none": null}""";
        assertEquals("blank: must not be empty", rejection(() -> strict(json).optionalText("blank")));
        assertEquals(" main ", strict(json).optionalText("padded"));
        assertTrue(strict(json).has("blank"));
        assertNull(lenient(json).optionalText("blank"));
        assertEquals("main", lenient(json).optionalText("padded"));
        assertFalse(lenient(json).has("blank"));
        assertEquals("blank: required", rejection(() -> lenient(json).text("blank")));
        assertNull(strict(json).optionalText("none"), "JSON null is absent");
        assertFalse(strict(json).has("none"));
        assertEquals("main", lenient("{\"a\": {\"b\": \" main \"}}").object("a").optionalText("b"),
                "objects read from a lenient one are lenient");
    }

    @Test
    void looseReadersNeverRefuse() throws IOException {
        final JsonFields fields = strict("""
                {"service": 42, "team": " ", "name": "shop", "iid": 7, "payload": "not an object"}""");
        assertNull(fields.looseText("service"));
        assertNull(fields.looseText("team"));
        assertEquals("shop", fields.looseText("name"));
        assertEquals("7", fields.looseId("iid"));
        assertEquals("shop", fields.looseId("name"));
        assertNull(fields.looseObject("payload"));
    }

    @Test
    void shasAreFortyHexadecimalDigitsInLowerCase() throws IOException {
        final JsonFields fields = strict("{\"sha\": \"" + SHA.toUpperCase() + "\", \"short\": \"a1b2c3d\","
                + " \"parents\": [\"" + SHA + "\", null]}");
        assertEquals(SHA, fields.sha("sha"));
        assertEquals("short: must be 40 hexadecimal digits (got 'a1b2c3d')", rejection(() -> fields.sha("short")));
        assertEquals("missing: required", rejection(() -> fields.sha("missing")));
        assertNull(fields.optionalSha("missing"));
        assertEquals("parents[1]: must be 40 hexadecimal digits (got null)", rejection(() -> fields.shas("parents")));
        assertEquals(List.of(), fields.shas("missing"));
        assertEquals(List.of(SHA), lenient("{\"parents\": [\" " + SHA + " \"]}").shas("parents"));
        assertTrue(JsonFields.isSha(SHA));
        assertFalse(JsonFields.isSha(SHA + "0"));
        assertFalse(JsonFields.isSha(null));
    }

    @Test
    void instantsHaveAnOffsetFitTheRangeAndKeepMilliseconds() throws IOException {
        final JsonFields fields = strict("""
                {"at": "2026-10-01T14:00:00.123987+02:00", "local": "2026-10-01T12:00:00",
                 "early": "1969-12-31T23:59:59Z"}""");
        assertEquals(Instant.parse("2026-10-01T12:00:00.123Z"), fields.instant("at"));
        assertTrue(rejection(() -> fields.instant("local")).startsWith("local: must be an ISO-8601 instant"));
        assertEquals("early: must be between 1970-01-01T00:00:00Z and 2199-12-31T23:59:59Z"
                + " (got '1969-12-31T23:59:59Z')", rejection(() -> fields.instant("early")));
        assertEquals("missing: required; an ISO-8601 instant with a UTC offset, e.g. 2026-10-01T12:00:00Z",
                rejection(() -> fields.instant("missing")));
        assertNull(fields.optionalInstant("missing"));
        assertEquals(Instant.parse("2026-10-01T12:00:00Z"), JsonFields.instant("ce-time", "2026-10-01T12:00:00Z"));
        assertTrue(rejection(() -> JsonFields.instant("ce-time", "soon")).startsWith("ce-time: must be"));
    }

    @Test
    void idsFlagsAndEnums() throws IOException {
        final JsonFields fields = strict("""
                {"id": 123, "name": "abc", "empty": "", "flag": "yes", "severity": "sev2", "strategy": "Canary"}""");
        assertEquals("123", fields.id("id"));
        assertEquals("abc", fields.id("name"));
        assertEquals("empty: must be an integer or a non-empty string (got '')", rejection(() -> fields.id("empty")));
        assertFalse(fields.optionalBoolean("missing"));
        assertEquals("flag: must be true or false (got 'yes')", rejection(() -> fields.optionalBoolean("flag")));
        assertEquals(Severity.SEV2, fields.optionalEnumIgnoringCase("severity", Severity.class));
        assertEquals("severity: must be one of SEV1, SEV2, SEV3, SEV4, SEV5 (got 'sev2')",
                rejection(() -> fields.optionalEnum("severity", Severity.class)));
        assertEquals("missing: required; one of SEV1, SEV2, SEV3, SEV4, SEV5",
                rejection(() -> fields.requiredEnum("missing", Severity.class)));
    }

    @Test
    void boundedTextRefusesControlCharactersAndLength() throws IOException {
        final JsonFields fields = strict("""
                {"name": "shop", "control": "sh\\u0007op", "long": "abcdef", "labels": ["a", "b", "c"]}""");
        assertEquals("shop", fields.boundedText("name", 10));
        assertEquals("control: must not contain control characters (found U+0007 at position 2)",
                rejection(() -> fields.optionalBoundedText("control", 10)));
        assertEquals("long: must be at most 5 characters (got 6)", rejection(() -> fields.boundedText("long", 5)));
        assertEquals(List.of("a", "b", "c"), fields.optionalBoundedTextList("labels", 3, 1));
        assertEquals("labels: must have at most 2 entries (got 3)",
                rejection(() -> fields.optionalBoundedTextList("labels", 2, 1)));
    }

    @Test
    void echoesAtMostAHundredCharactersWithControlCharactersEscaped() {
        final Function<String, String> echo = JsonFields::echo;
        assertEquals("'abc'", echo.apply("abc"));
        assertEquals("'a\\u000Ab'", echo.apply("a\nb"));
        final String echoed = echo.apply("x".repeat(150));
        assertEquals("'" + "x".repeat(JsonFields.MAX_ECHO_CHARS) + "…'", echoed);
        final JsonNode array = MAPPER.valueToTree(List.of("y".repeat(150)));
        assertEquals(JsonFields.MAX_ECHO_CHARS + 1, JsonFields.echo(array).length());
    }

    @Test
    void textAndIdsMustBeValidUnicode() throws IOException {
        final JsonFields fields = strict("""
                {"lone": "ab\\udc00", "high": "\\ud800", "pair": "\\ud83d\\ude00", "labels": ["ok", "\\ud800x"]}""");
        assertEquals("lone: must be valid Unicode (found a lone surrogate U+DC00 at position 2)",
                rejection(() -> fields.optionalBoundedText("lone", 10)));
        assertEquals("high: must be valid Unicode (found a lone surrogate U+D800 at position 0)",
                rejection(() -> fields.id("high")));
        assertEquals("high: must be valid Unicode (found a lone surrogate U+D800 at position 0)",
                rejection(() -> fields.text("high")));
        assertEquals("labels[1]: must be valid Unicode (found a lone surrogate U+D800 at position 0)",
                rejection(() -> fields.optionalBoundedTextList("labels", 5, 10)));
        assertEquals("\ud83d\ude00", fields.boundedText("pair", 1));
        assertEquals("'\\uD800x'", JsonFields.echo("\ud800x"));
        assertEquals("'\ud83d\ude00'", JsonFields.echo("\ud83d\ude00"));
        assertEquals(-1, JsonFields.loneSurrogate("plain \ud83d\ude00"));
    }
}
