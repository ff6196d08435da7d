package dev.dora.launcher.http;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Closes a connection that has not completed its first request's headers within a deadline of opening. Jetty reads
 * headers without holding a thread, but a client dripping a header line every few seconds keeps its idle timeout from
 * ever firing; this bounds how long such a connection can be held open.
 */
final class HeaderDeadline implements Connection.Listener {

    private final Scheduler scheduler;
    private final Duration deadline;

    HeaderDeadline(final Scheduler scheduler, final Duration deadline) {
        this.scheduler = scheduler;
        this.deadline = deadline;
    }

    @Override
    public void onOpened(final Connection connection) {
        scheduler.schedule(() -> {
            // getMessagesIn counts the requests whose headers were complete
            if (connection.getMessagesIn() == 0 && connection.getEndPoint().isOpen()) {
                connection.getEndPoint().close();
            }
        }, deadline.toMillis(), TimeUnit.MILLISECONDS);
    }
}
