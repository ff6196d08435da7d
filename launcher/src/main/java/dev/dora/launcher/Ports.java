package dev.dora.launcher;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Checks that a TCP port is free before a server tries to bind it, so the failure names the option to change. */
final class Ports {

    private Ports() {
    }

    /**
     * Throws a {@link PortInUseException} with {@code advice} when {@code port} cannot be bound.
     *
     * @param host the address the server will bind, or {@code null} for every interface
     */
    static void requireFree(final String host, final int port, final String what, final String advice) {
        try (ServerSocket socket = new ServerSocket()) {
            // SO_REUSEADDR as Jetty and Kafka set it: a port held only by connections in TIME_WAIT (e.g. after a
            // restart) is free for them, and must not be reported as taken
            socket.setReuseAddress(true);
            socket.bind(host == null ? new InetSocketAddress(port)
                    : new InetSocketAddress(InetAddress.getByName(host), port));
        } catch (final IOException e) {
            throw new PortInUseException("the " + what + " " + port + " is already in use; " + advice);
        }
    }

    /** A port a server needs is already taken. */
    static final class PortInUseException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        PortInUseException(final String message) {
            super(message);
        }
    }
}
