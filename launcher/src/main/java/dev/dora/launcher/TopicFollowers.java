package dev.dora.launcher;

import dev.dora.ingest.catalog.CatalogSync;
import dev.dora.ingest.webhook.KafkaDeliveries;
import dev.dora.schema.KafkaClientSettings;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The two topics every instance reads to their end before it answers: the service catalog and the webhook
 * delivery log. Reading them needs nothing of the pipeline, so they are read on their own thread while Kafka Streams
 * opens its stores and joins its group, instead of one after the other on the start-up thread.
 *
 * @param catalog    the service catalog, published from {@code --catalog} if given, and followed
 * @param deliveries the webhook deliveries every instance acknowledged
 */
record TopicFollowers(CatalogSync catalog, KafkaDeliveries deliveries) {

    /**
     * Starts reading both topics on a new thread and completes {@code started} with both once they are read to their
     * end; the topics must exist. It fails with what {@link CatalogSync#start} or {@link KafkaDeliveries#start}
     * threw, and holds nothing open then.
     */
    static void startInBackground(final KafkaClientSettings kafka, final Optional<Path> catalogFile,
                                  final CompletableFuture<TopicFollowers> started) {
        final Thread thread = new Thread(() -> {
            try {
                final CatalogSync catalog = CatalogSync.start(kafka, catalogFile);
                try {
                    started.complete(new TopicFollowers(catalog,
                            KafkaDeliveries.start(kafka, CatalogSync.DEFAULT_START_TIMEOUT)));
                } catch (final RuntimeException e) {
                    catalog.close();
                    throw e;
                }
            } catch (final RuntimeException | Error e) {
                started.completeExceptionally(e);
            }
        }, "dora-start-topic-followers");
        thread.setDaemon(true);
        thread.start();
    }

    /** Waits for both topics to be read to their end, rethrowing what stopped either unchanged. */
    static TopicFollowers await(final CompletableFuture<TopicFollowers> future) throws InterruptedException {
        try {
            return future.get();
        } catch (final ExecutionException e) {
            throw rethrown(e.getCause());
        }
    }

    /**
     * Closes both once started, whether or not the start has finished yet (nothing when it never began or failed);
     * for a start that failed elsewhere.
     */
    static void closeWhenStarted(final CompletableFuture<TopicFollowers> future) {
        future.thenAccept(TopicFollowers::close);
    }

    void close() {
        deliveries.close();
        catalog.close();
    }

    private static RuntimeException rethrown(final Throwable cause) {
        if (cause instanceof RuntimeException runtime) {
            return runtime;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new CompletionException(cause);
    }
}
