package dev.dora.launcher;

/** The small page at {@code GET /}: what the API offers, with links. A richer dashboard comes later. */
final class IndexPage {

    private static final String HTML = """
            <!doctype html>
            <html lang="en">
            <head><meta charset="utf-8"><title>dora: DORA metrics</title>
            <style>body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;line-height:1.5}
            code{background:#f3f3f3;padding:0 .25rem}</style></head>
            <body>
            <h1>dora</h1>
            <p>DORA metrics per service and team, computed continuously from change, deployment and incident events.
            Metrics describe teams and services, never individuals.</p>
            <h2>API</h2>
            <ul>
            <li><a href="/api/v1/services">GET /api/v1/services</a>: known services and their teams</li>
            <li><a href="/api/v1/metrics">GET /api/v1/metrics</a>: all services, last 90 days;
            narrow with <code>?service=S</code> or <code>?team=T</code>, choose the window with
            <code>?from=2026-07-01&amp;to=2026-10-01</code></li>
            <li><a href="/api/v1/metrics/series?granularity=week">GET /api/v1/metrics/series</a>: the same per day,
            week or month (<code>?granularity=day|week|month</code>)</li>
            <li><a href="/api/v1/deployments">GET /api/v1/deployments</a>: production deployments with their commits,
            lead times and, for failed changes, the rule and the incident; <code>/api/v1/deployments/{id}</code></li>
            <li><a href="/api/v1/incidents">GET /api/v1/incidents</a>: incidents with their time to restore and the
            deployment each is charged to, or why none; <code>/api/v1/incidents/{id}</code></li>
            <li><a href="/api/v1/health">GET /api/v1/health</a>: pipeline state and records not processed yet</li>
            <li><code>POST /api/v1/events</code>: send events (a JSON array, or NDJSON with
            <code>Content-Type: application/x-ndjson</code>)</li>
            <li><code>POST /webhooks/github</code>, <code>/webhooks/gitlab</code>, <code>/webhooks/pagerduty</code>,
            <code>/webhooks/cdevents</code>: webhooks from your tools (see docs/CONNECTORS.md)</li>
            </ul>
            </body>
            </html>
            """;

    private IndexPage() {
    }

    static String html() {
        return HTML;
    }
}
