package dev.dora.streams;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TransactionAbortableException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a stream thread's uncaught error does to the pipeline. A broker that dies in the middle of a transaction can
 * leave the thread's producer in a state its commit refuses ({@link InvalidTxnStateException}, an abortable or
 * retriable error): the thread is then replaced, which aborts its open transaction, starts a producer with a new
 * epoch and takes its tasks back from their committed state, so nothing is lost or counted twice. Any other error,
 * or more than {@link #MAX_REPLACEMENTS} replacements within {@link #WINDOW}, stops the pipeline, which the health
 * check then reports.
 */
final class ThreadFailures implements StreamsUncaughtExceptionHandler {

    static final int MAX_REPLACEMENTS = 5;
    static final Duration WINDOW = Duration.ofMinutes(10);

    private static final Logger LOG = LoggerFactory.getLogger(ThreadFailures.class);

    private final Clock clock;
    private final Deque<Long> replacements = new ArrayDeque<>();

    ThreadFailures(final Clock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized StreamThreadExceptionResponse handle(final Throwable error) {
        final long now = clock.millis();
        while (!replacements.isEmpty() && replacements.peekFirst() <= now - WINDOW.toMillis()) {
            replacements.removeFirst();
        }
        if (isTransient(error) && replacements.size() < MAX_REPLACEMENTS) {
            replacements.addLast(now);
            LOG.warn("a stream thread failed on a transient broker error and is replaced ({} of at most {} in {})",
                    replacements.size(), MAX_REPLACEMENTS, WINDOW, error);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        }
        LOG.error("Kafka Streams stopped on an unexpected error", error);
        return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }

    /** Whether the error, or one of its causes, is one a broker's failure can raise in a transaction. */
    static boolean isTransient(final Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof InvalidTxnStateException || cause instanceof TransactionAbortableException
                    || cause instanceof RetriableException) {
                return true;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }
}
