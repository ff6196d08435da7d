package dev.dora.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lock within one JVM; DataDirOwnerTest has two real processes. */
@Tag("unit")
class DataDirLockTest {

    @Test
    void aHeldDirectoryIsRefusedNamingItAndTheHolder(@TempDir final Path dir) throws Exception {
        final Path dataDir = dir.resolve("data");
        try (DataDirLock held = DataDirLock.acquire(dataDir)) {
            assertEquals(ProcessHandle.current().pid() + "\n", Files.readString(dataDir.resolve(DataDirLock.FILE)));
            final DataDirLock.InUseException refused = assertThrows(DataDirLock.InUseException.class,
                    () -> DataDirLock.acquire(dataDir));
            assertEquals("the data directory " + dataDir + " is in use by another dora process (PID "
                    + ProcessHandle.current().pid() + "); stop it first, or choose another --data-dir",
                    refused.getMessage());
        }
        try (DataDirLock again = DataDirLock.acquire(dataDir)) {
            assertEquals(dataDir, again.dataDir(), "released on close");
        }
    }

    @Test
    void aStaleFileFromACrashedProcessLocksNothing(@TempDir final Path dir) throws Exception {
        Files.writeString(dir.resolve(DataDirLock.FILE), "999999999\n");
        try (DataDirLock held = DataDirLock.acquire(dir)) {
            assertEquals(ProcessHandle.current().pid() + "\n", Files.readString(dir.resolve(DataDirLock.FILE)));
        }
    }
}
