package dev.dora.streams.query;

import dev.dora.reports.ScopeKind;
import dev.dora.reports.WeeklyReport;
import dev.dora.streams.store.ReportKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** Reads the latest revision of the published weekly reports from the store every instance keeps of them. */
public final class ReportsQuery {

    private final ReadOnlyKeyValueStore<String, WeeklyReport> store;

    public ReportsQuery(final ReadOnlyKeyValueStore<String, WeeklyReport> store) {
        this.store = store;
    }

    /** The report of one scope and ISO week ({@code name} null for the organisation). */
    public Optional<WeeklyReport> report(final ScopeKind kind, final String name, final String week) {
        return Optional.ofNullable(store.get(ReportKeys.of(kind, name, week)));
    }

    /** Every report of an ISO week: the organisation's, then the teams', then the services', each by name. */
    public List<WeeklyReport> week(final String week) {
        final List<WeeklyReport> reports = new ArrayList<>();
        try (KeyValueIterator<String, WeeklyReport> it = store.prefixScan(ReportKeys.prefix(week),
                new StringSerializer())) {
            it.forEachRemaining(kv -> reports.add(kv.value));
        }
        return reports;
    }

    /** The latest ISO week with a published report, if any. */
    public Optional<String> latestWeek() {
        try (KeyValueIterator<String, WeeklyReport> it = store.reverseAll()) {
            return it.hasNext() ? Optional.of(ReportKeys.week(it.next().key)) : Optional.empty();
        }
    }
}
