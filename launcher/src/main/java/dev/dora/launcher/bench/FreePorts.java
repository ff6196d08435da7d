package dev.dora.launcher.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Ports nobody listens on right now, for the dora process the benchmark starts. */
final class FreePorts {

    private FreePorts() {
    }

    /** A free port chosen by the system. */
    static int any() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** A free port whose successor is free too: the embedded broker's client and controller ports. */
    static int pair() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            final int port = any();
            if (port < 65534 && isFree(port + 1)) {
                return port;
            }
        }
        throw new IOException("no two adjacent free ports found for the Kafka broker");
    }

    private static boolean isFree(final int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort() == port;
        } catch (final IOException e) {
            return false;
        }
    }
}
