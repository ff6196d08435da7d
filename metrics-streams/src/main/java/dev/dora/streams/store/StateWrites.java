package dev.dora.streams.store;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A count that moves after every write to the stores the queries read, and whenever a task's processors start or
 * stop: the processors move it at the end of each record (whatever the record did, and also when it failed) and the
 * write-back layer after it writes its rows below. While it has not moved, no position of those stores has, so a
 * version of them read earlier ({@code StateVersions}) still holds and need not be read again; restores and standby
 * updates write without a processor and move {@code StateVersions}' epoch instead.
 *
 * <p>One count for the whole process: instances of the pipeline in one JVM (tests) move each other's, which only
 * makes a version be read again when it need not be.
 */
public final class StateWrites {

    private static final AtomicLong COUNT = new AtomicLong();

    private StateWrites() {
    }

    /** Called after a write, or a record's writes, is done: what it wrote is readable by then. */
    public static void moved() {
        COUNT.incrementAndGet();
    }

    /** The count now; read before the positions it vouches for. */
    public static long count() {
        return COUNT.get();
    }
}
