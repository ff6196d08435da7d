package dev.dora.launcher.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The provisioned Grafana dashboards and data sources under deploy/grafana, parsed. */
final class Dashboards {

    static final String INFINITY = "yesoreyeram-infinity-datasource";
    static final String PROMETHEUS = "prometheus";

    private Dashboards() {
    }

    /** Each dashboard file and its JSON. */
    static Map<Path, JsonNode> all() {
        final Map<Path, JsonNode> dashboards = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(Repository.file("deploy/grafana/dashboards"))) {
            files.filter(f -> f.toString().endsWith(".json")).sorted()
                    .forEach(f -> dashboards.put(f, Repository.json(f)));
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        return dashboards;
    }

    /** The provisioned data sources by uid: their type and base URL. */
    static Map<String, JsonNode> datasources() {
        final Map<String, JsonNode> byUid = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(Repository.file("deploy/grafana/provisioning/datasources"))) {
            for (final Path file : files.sorted().toList()) {
                for (final JsonNode datasource : Repository.yaml(file).path("datasources")) {
                    if (byUid.put(datasource.path("uid").asText(), datasource) != null) {
                        throw new IllegalStateException("two data sources with uid " + datasource.path("uid"));
                    }
                }
            }
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        return byUid;
    }

    /** Every panel, those inside rows included. */
    static List<JsonNode> panels(final JsonNode dashboard) {
        final List<JsonNode> panels = new ArrayList<>();
        for (final JsonNode panel : dashboard.path("panels")) {
            panels.add(panel);
            panel.path("panels").forEach(panels::add);
        }
        return panels;
    }

    /** A query of a panel or a variable, with the data source it runs on. */
    record Query(String where, JsonNode datasource, JsonNode query) {
    }

    /** Every panel target and every variable's query, each with its data source. */
    static List<Query> queries(final JsonNode dashboard) {
        final List<Query> queries = new ArrayList<>();
        for (final JsonNode panel : panels(dashboard)) {
            for (final JsonNode target : panel.path("targets")) {
                final JsonNode datasource = target.has("datasource") ? target.get("datasource") : panel.get("datasource");
                queries.add(new Query("panel '" + panel.path("title").asText() + "' " + target.path("refId").asText(),
                        datasource, target));
            }
        }
        for (final JsonNode variable : dashboard.path("templating").path("list")) {
            if ("query".equals(variable.path("type").asText())) {
                final JsonNode query = variable.path("query");
                queries.add(new Query("variable " + variable.path("name").asText(), variable.get("datasource"),
                        query.has("infinityQuery") ? query.get("infinityQuery") : query));
            }
        }
        return queries;
    }
}
