package dev.dora.launcher.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.util.Map;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The answers Jetty gives itself, before any route (a malformed request line or header, a header section over its
 * limit, an unsupported HTTP version): JSON {@code {"error": "request: ..."}} with the security headers, like every
 * other answer, instead of an HTML page. An HTTP version Jetty does not serve is the client's error, so it is 400
 * rather than 505. Nothing of a cause beyond Jetty's own reason is shown.
 */
final class JsonErrorHandler extends ErrorHandler {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public boolean handle(final Request request, final Response response, final Callback callback) {
        int status = response.getStatus();
        String message = (String) request.getAttribute(ERROR_MESSAGE);
        if (request.getAttribute(ERROR_EXCEPTION) instanceof HttpException failure) {
            status = failure.getCode();
            message = message == null ? failure.getReason() : message;
        }
        if (status == HttpStatus.HTTP_VERSION_NOT_SUPPORTED_505) {
            status = HttpStatus.BAD_REQUEST_400;
            message = "HTTP version: only HTTP/1.0 and HTTP/1.1 are served";
        }
        response.setStatus(status);
        SecurityHeaders.apply(response.getHeaders(), null);
        if (HttpStatus.hasNoBody(status) || "HEAD".equals(request.getMethod())) {
            callback.succeeded();
            return true;
        }
        final String reason = message == null || message.isBlank() ? HttpStatus.getMessage(status) : message;
        try {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.write(true, ByteBuffer.wrap(JSON.writeValueAsBytes(Map.of("error", "request: " + reason))),
                    callback);
        } catch (final JsonProcessingException e) {
            callback.failed(e);
        }
        return true;
    }
}
