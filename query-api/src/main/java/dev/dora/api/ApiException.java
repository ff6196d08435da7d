package dev.dora.api;

/**
 * A request the API answers with an error status and a message naming what is wrong; thrown by any route and
 * answered in one place ({@link QueryRoutes}) as {@code {"error": message}}.
 */
public final class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;

    private ApiException(final int status, final String message) {
        super(message);
        this.status = status;
    }

    /** 400: a parameter is invalid; the message starts with the parameter's name. */
    public static ApiException badRequest(final String message) {
        return new ApiException(400, message);
    }

    /** 404: what the request names does not exist. */
    public static ApiException notFound(final String message) {
        return new ApiException(404, message);
    }

    /** 503: the pipeline cannot answer yet; the client should retry shortly. */
    public static ApiException notReady(final String message) {
        return new ApiException(503, message);
    }

    public int status() {
        return status;
    }
}
