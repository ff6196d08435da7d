package dev.dora.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("unit")
class StaticMembershipTest {

    @Test
    void anInstanceKeepsItsIdAcrossRestartsAndNoOtherStateDirectoryHasIt(@TempDir final Path dir) throws Exception {
        final Path one = dir.resolve("one/streams");
        final String id = StaticMembership.instanceId(one);
        assertTrue(id.matches("dora-[0-9a-f-]{36}"), id);
        assertEquals(id, StaticMembership.instanceId(one), "the same after a restart");
        assertNotEquals(id, StaticMembership.instanceId(dir.resolve("two/streams")));
        assertEquals(id, StaticMembership.properties(one)
                .get(StreamsConfig.mainConsumerPrefix("group.instance.id")));
    }

    @Test
    void aDamagedIdFileIsReplaced(@TempDir final Path dir) throws Exception {
        Files.writeString(dir.resolve(StaticMembership.FILE), "not an id\n");
        final String id = StaticMembership.instanceId(dir);
        assertTrue(id.startsWith("dora-"), id);
        assertEquals(id + "\n", Files.readString(dir.resolve(StaticMembership.FILE)));
    }
}
