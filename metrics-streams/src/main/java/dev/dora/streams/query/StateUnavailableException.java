package dev.dora.streams.query;

/**
 * A read that cannot see every partition it needs right now, typically while partitions move between instances (a
 * rebalance) or an instance is gone: the query fails rather than answer with part of the data. Retrying after a
 * moment is expected to succeed.
 */
public final class StateUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public StateUnavailableException(final String message) {
        super(message);
    }
}
