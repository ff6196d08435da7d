package dev.dora.streams.reports;

import dev.dora.reports.WeeklyReport;
import dev.dora.streams.topology.PipelineDriver;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;

/** The weekly reports a history gives, as the topology computes them (on {@link PipelineDriver}), by topic key. */
public final class ComputedReports {

    /** The publisher's settings with the default grace. */
    public static final ReportSettings DEFAULT_SETTINGS = ReportSettings.withGrace(ReportSettings.DEFAULT_GRACE);

    private ComputedReports() {
    }

    /** Every closed week's reports of {@code events} at {@code now}, by topic key. */
    public static Map<String, WeeklyReport> of(final List<SpecificRecord> events, final ReportSettings settings,
                                               final Instant now) {
        final Map<String, WeeklyReport> byKey = new TreeMap<>();
        try (PipelineDriver driver = new PipelineDriver().pipe(events)) {
            for (final WeeklyReport report : new ReportPass(driver.query(), driver.ledger(), settings, now).reports()) {
                byKey.put(WeeklyReports.key(report.getScope().getKind(), report.getScope().getName(),
                        report.getWeek()), report);
            }
        }
        return byKey;
    }
}
