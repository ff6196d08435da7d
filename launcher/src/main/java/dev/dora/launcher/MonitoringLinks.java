package dev.dora.launcher;

import dev.dora.launcher.observability.Observability;
import dev.dora.launcher.observability.ObservabilitySettings;
import dev.dora.schema.Topics;
import java.io.PrintWriter;

/**
 * Where {@code demo} and {@code serve} say the weekly reports, the Prometheus endpoint and the provisioned Grafana
 * dashboards are.
 */
final class MonitoringLinks {

    private MonitoringLinks() {
    }

    static void print(final PrintWriter out, final String baseUrl, final ObservabilitySettings metrics) {
        out.printf("Weekly reports (every closed ISO week of every service, team and the organisation): "
                + "%s/api/v1/reports/weekly, the Kafka topic %s, or ./dora report%n", baseUrl,
                Topics.WEEKLY_REPORTS.name());
        out.printf("Prometheus metrics (DORA gauges over %s, pipeline health): %s%s%n", metrics.windowLabel(), baseUrl,
                Observability.PATH);
        out.println("Grafana dashboards (DORA overview, Deployments and incidents, Pipeline health): deploy/grafana/, "
                + "provisioned by docker-compose.yml; see docs/MONITORING.md");
        out.flush();
    }
}
