package dev.dora.streams.topology;

import dev.dora.reports.WeeklyReport;
import dev.dora.schema.AvroCodec;
import dev.dora.streams.store.ReportKeys;
import dev.dora.streams.store.StoreNames;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the latest revision of each weekly report in the global store, under {@link ReportKeys} so a
 * week's reports are one prefix scan: a key's revisions arrive in order, each replacing the one before, and a
 * tombstone (a report the publisher withdrew) deletes it. A key that is no report key, or a value that is no encoded
 * report (written by someone else), is skipped: the store only ever holds reports.
 *
 * <p>The reports are kept as the topic holds them, encoded: a global store is restored through its processor, and
 * decoding each revision and encoding it again took 84 % of the global thread's samples while it read the topic
 * (docs/BENCHMARKS.md, "The weekly reports' global store kept encoded"); {@code ReportsQuery} decodes the few reports
 * a request reads.
 */
final class LatestReport implements Processor<String, byte[], Void, Void> {

    private static final Logger LOG = LoggerFactory.getLogger(LatestReport.class);

    private KeyValueStore<String, byte[]> reports;

    @Override
    public void init(final ProcessorContext<Void, Void> context) {
        reports = context.getStateStore(StoreNames.WEEKLY_REPORTS);
    }

    @Override
    public void process(final Record<String, byte[]> record) {
        if (record.key() == null) {
            LOG.warn("skipped a record without a key on the weekly reports' topic");
            return;
        }
        final String key;
        try {
            key = ReportKeys.ofTopicKey(record.key());
        } catch (final IllegalArgumentException notAReportKey) {
            LOG.warn("skipped a record on the weekly reports' topic: {}", notAReportKey.getMessage());
            return;
        }
        if (record.value() == null) {
            reports.delete(key);
        } else if (AvroCodec.get().isEncodingOf(record.value(), WeeklyReport.class)) {
            reports.put(key, record.value());
        } else {
            LOG.warn("skipped the record of {} on the weekly reports' topic: its value is not an encoded weekly report",
                    record.key());
        }
    }
}
