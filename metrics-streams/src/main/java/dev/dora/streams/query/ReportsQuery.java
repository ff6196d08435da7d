package dev.dora.streams.query;

import dev.dora.reports.ScopeKind;
import dev.dora.reports.WeeklyReport;
import dev.dora.schema.Topics;
import dev.dora.streams.store.ReportKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the latest revision of the published weekly reports from the store every instance keeps of them, where
 * they are kept encoded as on their topic.
 */
public final class ReportsQuery {

    private static final Logger LOG = LoggerFactory.getLogger(ReportsQuery.class);

    private final ReadOnlyKeyValueStore<String, byte[]> store;
    private final Deserializer<WeeklyReport> reports = Topics.WEEKLY_REPORTS.valueSerde().deserializer();

    public ReportsQuery(final ReadOnlyKeyValueStore<String, byte[]> store) {
        this.store = store;
    }

    /** The report of one scope and ISO week ({@code name} null for the organisation). */
    public Optional<WeeklyReport> report(final ScopeKind kind, final String name, final String week) {
        final String key = ReportKeys.of(kind, name, week);
        return decode(key, store.get(key));
    }

    /** Every report of an ISO week: the organisation's, then the teams', then the services', each by name. */
    public List<WeeklyReport> week(final String week) {
        final List<WeeklyReport> found = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store.prefixScan(ReportKeys.prefix(week), new StringSerializer())) {
            it.forEachRemaining(kv -> decode(kv.key, kv.value).ifPresent(found::add));
        }
        return found;
    }

    /** The latest ISO week with a published report, if any. */
    public Optional<String> latestWeek() {
        try (KeyValueIterator<String, byte[]> it = store.reverseAll()) {
            return it.hasNext() ? Optional.of(ReportKeys.week(it.next().key)) : Optional.empty();
        }
    }

    /**
     * The report, or none when it cannot be decoded: the store keeps only values whose header is a report's, so that
     * is a damaged value, which a request must not fail on.
     */
    private Optional<WeeklyReport> decode(final String key, final byte[] bytes) {
        if (bytes == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(reports.deserialize(Topics.WEEKLY_REPORTS.name(), bytes));
        } catch (final RuntimeException damaged) {
            LOG.warn("the weekly report {} in the store cannot be decoded; left out of the answer", key, damaged);
            return Optional.empty();
        }
    }
}
