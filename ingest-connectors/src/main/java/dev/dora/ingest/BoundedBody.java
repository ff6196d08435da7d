package dev.dora.ingest;

import dev.dora.ingest.http.ApiException;
import io.javalin.http.HttpStatus;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeoutException;

/**
 * Reads a request body with a size limit that holds whether or not the client declared a {@code Content-Length}
 * (a chunked body is counted as it arrives). Shared by every route that reads bodies itself.
 *
 * <p>Nothing beyond the limit is read: a declared length over it is refused before a byte of the body is read, and a
 * chunked body as soon as it passes it. The server then closes the connection after the answer rather than reading
 * the rest, so a client sending gigabytes costs the server the limit at most.
 */
public final class BoundedBody {

    private BoundedBody() {
    }

    /**
     * The body exceeds the limit; the message says by how much, e.g.
     * {@code body is 2048 bytes; the limit is 1024 bytes}.
     */
    public static final class TooLargeException extends Exception {

        TooLargeException(final long size, final boolean exact, final long maxBodyBytes) {
            super("body is " + (exact ? "" : "more than ") + size + " bytes; the limit is " + maxBodyBytes + " bytes",
                    null, false, false);
        }
    }

    /**
     * The whole body.
     *
     * @throws TooLargeException when it is larger than {@code maxBodyBytes}; the rest is not read
     * @throws IOException       when the body cannot be read
     */
    public static byte[] read(final HttpServletRequest request, final long maxBodyBytes)
            throws IOException, TooLargeException {
        final long declared = request.getContentLengthLong();
        if (declared > maxBodyBytes) {
            throw new TooLargeException(declared, true, maxBodyBytes);
        }
        final InputStream in = request.getInputStream();
        final ByteArrayOutputStream out =
                new ByteArrayOutputStream((int) Math.min(declared > 0 ? declared : 8192, maxBodyBytes));
        final byte[] buffer = new byte[8192];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) != -1) {
            total += n;
            if (total > maxBodyBytes) {
                throw new TooLargeException(maxBodyBytes, false, maxBodyBytes);
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    /**
     * The whole body, for a route answering errors through {@link ApiException}.
     *
     * @throws ApiException 413 when it is larger than {@code maxBodyBytes}, 408 when it arrives too slowly, 400 when
     *                      it cannot be read
     */
    public static byte[] readOrRefuse(final HttpServletRequest request, final long maxBodyBytes) {
        try {
            return read(request, maxBodyBytes);
        } catch (final TooLargeException e) {
            throw new ApiException(HttpStatus.CONTENT_TOO_LARGE, e.getMessage());
        } catch (final IOException e) {
            // a body cut off for arriving too slowly (or not at all) is the client's delay, not a malformed body
            throw new ApiException(timedOut(e) ? HttpStatus.REQUEST_TIMEOUT : HttpStatus.BAD_REQUEST,
                    "cannot read the body: " + e.getMessage());
        }
    }

    private static boolean timedOut(final Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof TimeoutException) {
                return true;
            }
        }
        return false;
    }
}
