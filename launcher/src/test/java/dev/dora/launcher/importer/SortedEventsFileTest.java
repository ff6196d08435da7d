package dev.dora.launcher.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dora import events --sort}: the file's events oldest first, each labelled with its own line. */
@Tag("unit")
class SortedEventsFileTest {

    @TempDir
    Path dir;

    @Test
    void eventsComeOldestFirstWithTheirLineNumbersAndInvalidLinesFirst() throws Exception {
        final Path file = dir.resolve("newest-first.ndjson");
        Files.writeString(file, String.join("\n",
                deployment("d3", "2026-10-03T00:00:00Z"),
                deployment("d2", "2026-10-02T00:00:00Z"),
                "",
                "{not json",
                deployment("d2b", "2026-10-02T00:00:00Z") + "\r",
                change("c1", "2026-10-01T00:00:00Z"),
                "   ",
                deployment("d1", "2026-10-01T12:00:00Z"),
                "{\"type\":\"deployment\",\"id\":\"ünïcode\"}") + "\n", StandardCharsets.UTF_8);
        final List<String> order = new ArrayList<>();
        final Iterator<ImportItem> items = SortedEventsFile.items(file);
        while (items.hasNext()) {
            final ImportItem item = items.next();
            order.add(item.label() + (item.isValid() ? " " + item.event().get(0) : " invalid"));
        }
        assertEquals(List.of("line 4 invalid", "line 9 invalid", "line 6 " + sha("c1"), "line 8 d1", "line 2 d2",
                "line 5 d2b", "line 1 d3"), order, "invalid lines first, then by occurredAt, file order on ties");
        assertFalse(items.hasNext());
    }

    @Test
    void theWatchCountsDeploymentsAfterANewerOneOfTheirService() throws Exception {
        final Path file = dir.resolve("mixed.ndjson");
        Files.writeString(file, String.join("\n",
                deployment("d2", "2026-10-02T00:00:00Z"),
                deployment("d1", "2026-10-01T00:00:00Z"),
                deployment("d3", "2026-10-03T00:00:00Z"),
                deployment("d2c", "2026-10-02T00:00:00Z").replace("\"shop\"", "\"cart\""),
                deployment("d3b", "2026-10-03T00:00:00Z")), StandardCharsets.UTF_8);
        final OrderWatch unsorted = drain(new OrderWatch(EventsFile.items(Files.newInputStream(file))));
        assertEquals(1, unsorted.backwards(), "d1 came after d2 of the same service; cart's own order is its own");
        assertEquals(0, drain(new OrderWatch(SortedEventsFile.items(file))).backwards());
        assertNull(EventsFile.item(1, deployment("x", "2026-10-01T00:00:00Z")).error());
    }

    private static OrderWatch drain(final OrderWatch watch) {
        while (watch.hasNext()) {
            watch.next();
        }
        return watch;
    }

    private static String change(final String name, final String at) {
        return "{\"type\":\"change\",\"id\":\"" + sha(name) + "\",\"service\":\"shop\",\"occurredAt\":\"" + at
                + "\",\"sha\":\"" + sha(name) + "\",\"parents\":[],\"committedAt\":\"" + at + "\"}";
    }

    private static String sha(final String name) {
        return String.format("%040x", name.hashCode() & 0xffffffffL);
    }

    private static String deployment(final String id, final String at) {
        return "{\"type\":\"deployment\",\"id\":\"" + id + "\",\"service\":\"shop\",\"occurredAt\":\"" + at
                + "\",\"environment\":\"production\",\"status\":\"success\",\"finishedAt\":\"" + at + "\"}";
    }
}
