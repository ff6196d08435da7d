package dev.dora.ingest;

/**
 * A canonical event broke a validation rule. The message starts with the name of the offending field
 * (or {@code event} for the event as a whole), e.g. {@code "finishedAt: required when status is success"}.
 */
public final class InvalidEventException extends IllegalArgumentException {

    private final String field;

    public InvalidEventException(final String field, final String problem) {
        super(field + ": " + problem);
        this.field = field;
    }

    /** The offending field, e.g. {@code sha} or {@code parents[2]}; {@code event} for the event as a whole. */
    public String field() {
        return field;
    }
}
