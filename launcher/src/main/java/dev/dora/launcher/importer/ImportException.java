package dev.dora.launcher.importer;

/** An import could not go on: the message is meant for the user's terminal, in one line. */
public final class ImportException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message what went wrong and, where possible, what to do about it */
    public ImportException(final String message) {
        super(message);
    }

    /** @param cause the underlying failure, for the log */
    public ImportException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
