package dev.dora.ingest;

/**
 * Kafka did not acknowledge every record of a {@link EventPublisher#publish} call in time. Some records may
 * have been written: publishing the same events again is safe because the pipeline ignores exact duplicates.
 */
public final class PublishException extends RuntimeException {

    public PublishException(final String message, final Throwable cause) {
        super(message, cause);
    }

    public PublishException(final String message) {
        super(message);
    }
}
