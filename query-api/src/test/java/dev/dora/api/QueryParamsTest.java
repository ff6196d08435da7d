package dev.dora.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class QueryParamsTest {

    private static String refusal(final Runnable read) {
        return assertThrows(ApiException.class, read::run).getMessage();
    }

    @Test
    void aParameterGivenTwiceIsRefusedNamingIt() {
        assertEquals("service: given 2 times; give it at most once",
                refusal(() -> QueryParams.name("service", List.of("a", "b"))));
        assertEquals("limit: given 3 times; give it at most once",
                refusal(() -> QueryParams.one("limit", List.of("1", "1", "1"))));
        assertEquals("a", QueryParams.name("service", List.of("a")));
        assertNull(QueryParams.name("service", List.of()));
        assertNull(QueryParams.name("service", List.of("  ")));
    }

    @Test
    void namesAreBoundedAndFreeOfControlCharacters() {
        assertEquals("team: at most 256 characters (got 257)",
                refusal(() -> QueryParams.name("team", List.of("t".repeat(257)))));
        assertEquals("service: must not contain control characters (found U+0000 at position 1)",
                refusal(() -> QueryParams.name("service", List.of("a\u0000b"))));
        assertEquals("cursor: at most 1024 characters (got 5000)",
                refusal(() -> QueryParams.one("cursor", List.of("c".repeat(5_000)))));
        assertEquals("s".repeat(256), QueryParams.name("service", List.of("s".repeat(256))));
    }

    @Test
    void echoesShowLoneSurrogatesAndControlsEscapedAndKeepPairs() {
        assertEquals("'a\\u0007b'", QueryParams.echo("a\u0007b"));
        assertEquals("'\\uD800x'", QueryParams.echo("\uD800x"));
        assertEquals("'\uD83D\uDE00'", QueryParams.echo("\uD83D\uDE00"));
        assertEquals("'" + "x".repeat(100) + "…'", QueryParams.echo("x".repeat(500)));
    }
}
