package dev.dora.streams.topology;

import dev.dora.reports.WeeklyReport;
import dev.dora.streams.store.ReportKeys;
import dev.dora.streams.store.StoreNames;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the latest revision of each weekly report in the global store, under {@link ReportKeys} so a
 * week's reports are one prefix scan: a key's revisions arrive in order, each replacing the one before, and a
 * tombstone (a report the publisher withdrew) deletes it. A key that is no report key (written by someone else) is
 * skipped: the store only ever holds reports.
 */
final class LatestReport implements Processor<String, WeeklyReport, Void, Void> {

    private KeyValueStore<String, WeeklyReport> reports;

    @Override
    public void init(final ProcessorContext<Void, Void> context) {
        reports = context.getStateStore(StoreNames.WEEKLY_REPORTS);
    }

    @Override
    public void process(final Record<String, WeeklyReport> record) {
        final WeeklyReport report = record.value();
        if (report != null) {
            reports.put(ReportKeys.of(report.getScope().getKind(), report.getScope().getName(),
                    report.getWeek()), report);
        } else if (record.key() != null) {
            try {
                reports.delete(ReportKeys.ofTopicKey(record.key()));
            } catch (final IllegalArgumentException notAReportKey) {
                // nothing of ours to delete
            }
        }
    }
}
