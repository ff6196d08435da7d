package dev.dora.streams.ledger;

import dev.dora.streams.store.IndexKeys.EventTime;
import dev.dora.streams.store.LedgerTx;
import java.time.Instant;

/**
 * The partition's event time: the latest {@code occurredAt} its ledgers have applied. Weekly reports close a week
 * when event time has passed it, so a backfill closes the weeks of its history as it goes, and wall-clock time alone
 * closes nothing.
 */
final class EventClock {

    private final LedgerTx tx;

    EventClock(final LedgerTx tx) {
        this.tx = tx;
    }

    void advance(final Instant occurredAt) {
        final long at = occurredAt.toEpochMilli();
        final byte[] current = tx.index(EventTime.key());
        if (current == null || EventTime.decode(current) < at) {
            tx.link(EventTime.key(), EventTime.encode(at));
        }
    }
}
