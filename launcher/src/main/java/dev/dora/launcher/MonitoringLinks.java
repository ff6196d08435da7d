package dev.dora.launcher;

import dev.dora.launcher.observability.Observability;
import dev.dora.launcher.observability.ObservabilitySettings;
import java.io.PrintWriter;

/** Where {@code demo} and {@code serve} say the Prometheus endpoint and the provisioned Grafana dashboards are. */
final class MonitoringLinks {

    private MonitoringLinks() {
    }

    static void print(final PrintWriter out, final String baseUrl, final ObservabilitySettings metrics) {
        out.printf("Prometheus metrics (DORA gauges over %s, pipeline health): %s%s%n", metrics.windowLabel(), baseUrl,
                Observability.PATH);
        out.println("Grafana dashboards (DORA overview, Deployments and incidents, Pipeline health): deploy/grafana/, "
                + "provisioned by docker-compose.yml; see docs/MONITORING.md");
        out.flush();
    }
}
