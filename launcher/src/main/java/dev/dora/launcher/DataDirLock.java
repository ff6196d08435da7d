package dev.dora.launcher;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One owner per data directory: an exclusive lock on {@code <data-dir>/}{@value #FILE}, holding the owner's PID,
 * taken before Kafka's or the state's files are touched. A second {@code dora demo} or {@code dora serve} on the same
 * directory stops at once, naming the directory and the PID holding it, and the running one is unaffected (two
 * processes on one directory corrupted the embedded broker's metadata log before).
 *
 * <p>The lock is the operating system's ({@link FileChannel#tryLock()}), so it is released whenever the process ends,
 * {@code kill -9} included, and a stale file left behind locks nothing. The file itself stays: deleting it would let
 * a later process lock a new file while an earlier one still holds the old.
 */
final class DataDirLock implements AutoCloseable {

    /** The lock file's name in the data directory. */
    static final String FILE = "dora.lock";

    /** Locks held by this process, referenced for its lifetime: an unreachable channel could be closed by the GC. */
    private static final Set<DataDirLock> HELD = ConcurrentHashMap.newKeySet();

    private final Path dataDir;
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(final Path dataDir, final FileChannel channel, final FileLock lock) {
        this.dataDir = dataDir;
        this.channel = channel;
        this.lock = lock;
    }

    /** Another process (or this one) owns the data directory. */
    static final class InUseException extends IllegalStateException {

        private static final long serialVersionUID = 1L;

        InUseException(final Path dataDir, final String holder) {
            super("the data directory " + dataDir + " is in use by another dora process"
                    + (holder.isEmpty() ? "" : " (PID " + holder + ")")
                    + "; stop it first, or choose another --data-dir");
        }
    }

    /**
     * Takes the data directory for this process, creating it if needed, and writes this process's PID in the lock
     * file; held until {@link #close()} or the end of the process.
     *
     * @throws InUseException when another process holds it
     */
    static DataDirLock acquire(final Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        final Path file = dataDir.resolve(FILE);
        final FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (final OverlappingFileLockException heldHere) {
            lock = null;
        } catch (final IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            final String holder = holder(channel);
            channel.close();
            throw new InUseException(dataDir, holder);
        }
        channel.truncate(0);
        channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
        channel.force(true);
        final DataDirLock held = new DataDirLock(dataDir, channel, lock);
        HELD.add(held);
        return held;
    }

    /** The PID the lock file names, or empty when the owner has not written it yet. */
    private static String holder(final FileChannel channel) throws IOException {
        final ByteBuffer buffer = ByteBuffer.allocate(64);
        channel.read(buffer, 0);
        final String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).trim();
        return text.matches("[0-9]{1,19}") ? text : "";
    }

    Path dataDir() {
        return dataDir;
    }

    /** Releases the directory. */
    @Override
    public void close() throws IOException {
        HELD.remove(this);
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
