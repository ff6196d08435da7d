package dev.dora.launcher.cluster;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Clients posting small batches of new production deployments of one service, each batch resent until it is
 * answered {@code 202} (as the API invites after a {@code 503}), recording every answer with the time it came, so
 * that a test can check what was answered while a broker was down and that every acknowledged event is counted once.
 */
final class SteadyIngest implements AutoCloseable {

    static final String SERVICE = "steady";
    /** Every deployment ships this commit, posted first, so none has an unknown sha. */
    static final String SHA = "5".repeat(40);
    private static final int BATCH = 5;

    /** One answer: its status (-1 when the request failed without one) and when it came. */
    record Answer(int status, Instant at, Duration took) {
    }

    private final DoraApi api;
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final List<Answer> answers = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> clients = new ArrayList<>();
    private final Instant day;

    private SteadyIngest(final DoraApi api, final Instant day) {
        this.api = api;
        this.day = day;
    }

    /** Posts the commit, then starts {@code clients} posting threads. */
    static SteadyIngest start(final DoraApi api, final Instant day, final int clients) throws Exception {
        final HttpResponse<String> commit = api.post("{\"type\":\"change\",\"id\":\"" + SHA + "\",\"sha\":\"" + SHA
                + "\",\"service\":\"" + SERVICE + "\",\"team\":\"ops\",\"occurredAt\":\"" + day.minusSeconds(3600)
                + "\",\"parents\":[],\"committedAt\":\"" + day.minusSeconds(3600) + "\"}");
        if (commit.statusCode() != 202) {
            throw new AssertionError("the commit was not accepted: " + commit.body());
        }
        final SteadyIngest ingest = new SteadyIngest(api, day);
        for (int c = 0; c < clients; c++) {
            final int client = c;
            final Thread thread = new Thread(() -> ingest.post(client), "steady-ingest-" + c);
            thread.setDaemon(true);
            ingest.clients.add(thread);
            thread.start();
        }
        return ingest;
    }

    private void post(final int client) {
        int sequence = 0;
        while (running.get()) {
            final List<String> ids = new ArrayList<>();
            final StringBuilder body = new StringBuilder();
            for (int i = 0; i < BATCH; i++) {
                final String id = "d-" + client + "-" + sequence++;
                final Instant at = day.plusSeconds(sequence * 7L + client);
                ids.add(id);
                body.append("{\"type\":\"deployment\",\"id\":\"").append(id).append("\",\"service\":\"")
                        .append(SERVICE).append("\",\"team\":\"ops\",\"occurredAt\":\"").append(at)
                        .append("\",\"environment\":\"production\",\"status\":\"success\",\"finishedAt\":\"")
                        .append(at).append("\",\"sha\":\"").append(SHA).append("\"}\n");
            }
            // resent until acknowledged: the whole request can be resent safely, duplicates change nothing
            while (true) {
                final long started = System.nanoTime();
                int status;
                try {
                    status = api.post(body.toString()).statusCode();
                } catch (final IOException e) {
                    status = -1;
                } catch (final InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                answers.add(new Answer(status, Instant.now(), Duration.ofNanos(System.nanoTime() - started)));
                if (status == 202) {
                    acknowledged.addAll(ids);
                    break;
                }
                if (!running.get() && status != 503 && status != -1) {
                    break;
                }
                sleep(Duration.ofMillis(200));
            }
            sleep(Duration.ofMillis(50));
        }
    }

    private static void sleep(final Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The ids of every deployment answered {@code 202} so far. */
    Set<String> acknowledged() {
        return Set.copyOf(acknowledged);
    }

    List<Answer> answers() {
        synchronized (answers) {
            return List.copyOf(answers);
        }
    }

    /** Stops posting new batches and waits until every client's last batch is acknowledged. */
    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (final Thread thread : clients) {
            thread.join(Duration.ofMinutes(3).toMillis());
            if (thread.isAlive()) {
                thread.interrupt();
                throw new AssertionError(thread.getName() + " could not get its last batch acknowledged");
            }
        }
    }
}
