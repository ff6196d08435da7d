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
    private static final AtomicLong UNPOSITIONED = new AtomicLong();

    private StateWrites() {
    }

    /** Called after a write, or a record's writes, is done: what it wrote is readable by then. */
    public static void moved() {
        COUNT.incrementAndGet();
    }

    /**
     * Called after writes made without an input record (a punctuation's), once they are all readable: such writes
     * move no store's position, so every version read before must differ from every version read after
     * ({@link #unpositioned()}).
     */
    public static void movedWithoutPosition() {
        UNPOSITIONED.incrementAndGet();
        COUNT.incrementAndGet();
    }

    /** How many times writes without a position were made readable; a part of every version's epoch. */
    public static long unpositioned() {
        return UNPOSITIONED.get();
    }

    /** The count now; read before the positions it vouches for. */
    public static long count() {
        return COUNT.get();
    }
}
