package dev.dora.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dora.api.AvroJson;
import dev.dora.launcher.importer.ImportCommand;
import dev.dora.reports.ScopeKind;
import dev.dora.reports.WeeklyReport;
import dev.dora.schema.AvroCodec;
import dev.dora.schema.KafkaClientSettings;
import dev.dora.streams.reports.ReportTopic;
import dev.dora.streams.reports.WeeklyReports;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code dora report}: the weekly reports of one closed week, from a running dora's API or straight from the
 * {@code dora.reports.weekly} topic, as a table or as JSON lines. Option names are a public contract.
 */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
        versionProvider = DoraCommand.VersionProvider.class,
        description = {"Print the weekly reports of one closed ISO week (production): the organisation and every "
                + "team by default, or one service or team.",
                "Reads a running dora (--url) or the dora.reports.weekly topic (--bootstrap-servers, --kafka-config)."})
public final class ReportCommand implements Callable<Integer> {

    static final String DEFAULT_URL = "http://localhost:8080";
    static final String TOKEN_VARIABLE = "DORA_API_TOKEN";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = "--week", paramLabel = "YYYY-Www",
            description = "The ISO week, e.g. 2026-W44 (default: the last one published).")
    String week;

    @Option(names = "--service", paramLabel = "NAME", description = "Only this service's report.")
    String service;

    @Option(names = "--team", paramLabel = "NAME", description = "Only this team's report.")
    String team;

    @Option(names = "--json", description = "One JSON object per line, as GET /api/v1/reports/weekly answers them.")
    boolean json;

    @Option(names = "--url", paramLabel = "URL",
            description = "Base URL of a running dora (default: " + DEFAULT_URL + "); sends " + TOKEN_VARIABLE
                    + " as a bearer token when it is set.")
    String url;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,HOST:PORT...]",
            description = "Read the dora.reports.weekly topic of this Kafka cluster instead of asking the API.")
    String bootstrapServers;

    @Option(names = "--kafka-config", paramLabel = "FILE",
            description = "Kafka client properties (security.protocol, ssl.*, sasl.*, ...) for reading the topic; "
                    + "its bootstrap.servers is used when --bootstrap-servers is not given.")
    Path kafkaConfig;

    @Override
    public Integer call() throws Exception {
        validate();
        ImportCommand.initLogging();
        final PrintWriter out = spec.commandLine().getOut();
        final List<JsonNode> reports = bootstrapServers != null || kafkaConfig != null ? fromKafka() : fromApi();
        if (reports.isEmpty()) {
            spec.commandLine().getErr().println(week == null ? "No weekly report has been published yet: a week is "
                    + "reported once the events pass its end by the grace (--report-grace, one day by default)."
                    : "No weekly report of " + week + (service != null ? " for service " + service
                    : team != null ? " for team " + team : "") + ".");
            return 1;
        }
        if (json) {
            for (final JsonNode report : reports) {
                out.println(JSON.writeValueAsString(report));
            }
        } else {
            out.print(ReportTable.render(reports));
        }
        out.flush();
        return 0;
    }

    private void validate() {
        if (service != null && team != null) {
            throw new ParameterException(spec.commandLine(), "--service and --team exclude each other");
        }
        if (url != null && (bootstrapServers != null || kafkaConfig != null)) {
            throw new ParameterException(spec.commandLine(), "--url and --"
                    + (bootstrapServers != null ? "bootstrap-servers" : "kafka-config") + " exclude each other");
        }
        if (week != null) {
            try {
                WeeklyReports.monday(week.trim());
            } catch (final IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--week must be an ISO week like 2026-W44, a "
                        + "year's weeks numbered from 01 to 52 or 53 (got '" + week + "')");
            }
            week = week.trim();
        }
    }

    /** Asks {@code GET /api/v1/reports/weekly}; with neither a service nor a team, keeps the organisation and teams. */
    private List<JsonNode> fromApi() throws IOException, InterruptedException {
        final StringBuilder query = new StringBuilder("/api/v1/reports/weekly?");
        if (week != null) {
            query.append("week=").append(week).append('&');
        }
        if (service != null) {
            query.append("service=").append(URLEncoder.encode(service, StandardCharsets.UTF_8));
        } else if (team != null) {
            query.append("team=").append(URLEncoder.encode(team, StandardCharsets.UTF_8));
        }
        final String base = (url == null ? DEFAULT_URL : url.trim()).replaceAll("/+$", "");
        final HttpRequest.Builder request;
        try {
            request = HttpRequest.newBuilder(URI.create(base + query)).timeout(Duration.ofSeconds(30)).GET();
        } catch (final IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--url is not a URL: " + url);
        }
        Optional.ofNullable(System.getenv(TOKEN_VARIABLE)).filter(t -> !t.isBlank())
                .ifPresent(token -> request.header("Authorization", "Bearer " + token.trim()));
        final HttpResponse<String> response;
        try {
            response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                    .send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (final IOException e) {
            throw new IOException("cannot reach dora at " + base + " (" + e.getMessage() + "); is it running?", e);
        }
        if (response.statusCode() == 404) {
            return List.of();
        }
        if (response.statusCode() != 200) {
            final JsonNode error = JSON.readTree(response.body()).path("error");
            throw new IOException(base + " answered " + response.statusCode()
                    + (error.isTextual() ? ": " + error.asText() : ""));
        }
        final List<JsonNode> reports = new ArrayList<>();
        JSON.readTree(response.body()).path("reports").forEach(reports::add);
        return scoped(reports);
    }

    /** Reads the topic to its end: the latest revision of each key, of the week asked for or the last one. */
    private List<JsonNode> fromKafka() {
        final KafkaClientSettings kafka;
        try {
            kafka = kafkaConfig == null ? KafkaClientSettings.of(bootstrapServers.trim())
                    : KafkaClientSettings.load(kafkaConfig, bootstrapServers == null ? null : bootstrapServers.trim());
        } catch (final IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        AvroCodec.trustGeneratedClasses();
        final Map<String, WeeklyReport> latest = ReportTopic.latest(kafka);
        final String shown = week != null ? week : latest.values().stream().map(WeeklyReport::getWeek)
                .max(Comparator.naturalOrder()).orElse(null);
        final List<JsonNode> reports = new ArrayList<>();
        latest.values().stream()
                .filter(r -> r.getWeek().equals(shown))
                .filter(r -> service == null || r.getScope().getKind() == ScopeKind.service
                        && service.equals(r.getScope().getName()))
                .filter(r -> team == null || r.getScope().getKind() == ScopeKind.team
                        && team.equals(r.getScope().getName()))
                .sorted(Comparator.comparing((WeeklyReport r) -> rank(r.getScope().getKind()))
                        .thenComparing(r -> r.getScope().getName() == null ? "" : r.getScope().getName()))
                .forEach(r -> reports.add(AvroJson.of(r)));
        return scoped(reports);
    }

    /** The API's order: the organisation, then the teams, then the services. */
    private static int rank(final ScopeKind kind) {
        return switch (kind) {
            case organisation -> 0;
            case team -> 1;
            case service -> 2;
        };
    }

    /** Without a service or team named, the organisation and the teams: a week's summary, not every service. */
    private List<JsonNode> scoped(final List<JsonNode> reports) {
        if (service != null || team != null) {
            return reports;
        }
        return reports.stream().filter(r -> !r.path("scope").path("kind").asText().equals("service")).toList();
    }
}
