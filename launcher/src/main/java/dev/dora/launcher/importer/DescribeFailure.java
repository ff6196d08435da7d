package dev.dora.launcher.importer;

/** One-line descriptions of exceptions for the terminal. */
final class DescribeFailure {

    private DescribeFailure() {
    }

    /** The innermost message, or the exception's simple name when nothing says more (e.g. ConnectException). */
    static String of(final Throwable failure) {
        Throwable current = failure;
        while (current.getCause() != null && current.getCause() != current) {
            current = current.getCause();
        }
        final String message = current.getMessage() != null ? current.getMessage() : failure.getMessage();
        final String name = current.getClass().getSimpleName();
        return message == null ? name : name + ": " + message;
    }
}
