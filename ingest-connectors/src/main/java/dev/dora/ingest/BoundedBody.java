package dev.dora.ingest;

import dev.dora.ingest.http.ApiException;
import io.javalin.http.HttpStatus;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a request body with a size limit that holds whether or not the client declared a {@code Content-Length}
 * (a chunked body is counted as it arrives). Shared by every route that reads bodies itself.
 */
public final class BoundedBody {

    /** How much of an oversized body is read and thrown away so that the client gets to see the 413. */
    static final long DRAIN_BYTES = 64L * 1024 * 1024;

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
     * @throws TooLargeException when it is larger than {@code maxBodyBytes}; up to 64 MiB beyond the limit are
     *                           read and discarded so that the answer reaches a client still sending
     * @throws IOException       when the body cannot be read
     */
    public static byte[] read(final HttpServletRequest request, final long maxBodyBytes)
            throws IOException, TooLargeException {
        final long declared = request.getContentLengthLong();
        final InputStream in = request.getInputStream();
        if (declared > maxBodyBytes) {
            if (declared - maxBodyBytes <= DRAIN_BYTES) {
                drain(in, DRAIN_BYTES + maxBodyBytes);
            }
            throw new TooLargeException(declared, true, maxBodyBytes);
        }
        final ByteArrayOutputStream out =
                new ByteArrayOutputStream((int) Math.min(declared > 0 ? declared : 8192, maxBodyBytes));
        final byte[] buffer = new byte[8192];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) != -1) {
            total += n;
            if (total > maxBodyBytes) {
                final long rest = drain(in, DRAIN_BYTES);
                throw new TooLargeException(total + rest, rest < DRAIN_BYTES, maxBodyBytes);
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    /**
     * The whole body, for a route answering errors through {@link ApiException}.
     *
     * @throws ApiException 413 when it is larger than {@code maxBodyBytes}, 400 when it cannot be read
     */
    public static byte[] readOrRefuse(final HttpServletRequest request, final long maxBodyBytes) {
        try {
            return read(request, maxBodyBytes);
        } catch (final TooLargeException e) {
            throw new ApiException(HttpStatus.CONTENT_TOO_LARGE, e.getMessage());
        } catch (final IOException e) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "cannot read the body: " + e.getMessage());
        }
    }

    private static long drain(final InputStream in, final long limit) throws IOException {
        final byte[] buffer = new byte[8192];
        long total = 0;
        int n;
        while (total < limit && (n = in.read(buffer)) != -1) {
            total += n;
        }
        return total;
    }
}
