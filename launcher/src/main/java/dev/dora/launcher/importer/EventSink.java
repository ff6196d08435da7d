package dev.dora.launcher.importer;

import java.util.List;

/**
 * Where an import sends its events: the HTTP API ({@link HttpEventSink}) or Kafka ({@link KafkaEventSink}).
 * Sending the same batch twice is harmless (the pipeline ignores exact duplicates), so implementations retry freely.
 */
interface EventSink extends AutoCloseable {

    /**
     * Sends one batch, valid and invalid items alike (the invalid ones end up in the dead-letter topic), and returns
     * once the receiver has acknowledged all of them.
     *
     * @return what the receiver refused, as positions in {@code batch} with reasons
     * @throws ImportException when the batch could not be delivered, retries included
     */
    List<Refusal> send(List<ImportItem> batch) throws InterruptedException;

    /** Where the events go, for messages: {@code http://localhost:8080} or {@code kafka localhost:9092}. */
    String describe();

    @Override
    void close();

    /** An item the receiver refused: its position in the batch and why. */
    record Refusal(int index, String error) {
    }
}
