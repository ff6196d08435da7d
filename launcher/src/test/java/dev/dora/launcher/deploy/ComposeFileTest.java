package dev.dora.launcher.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dora.launcher.DoraCommand;
import dev.dora.launcher.observability.DebianTool;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * docker-compose.yml and the Dockerfile cannot be run here (no Docker engine), so everything they reference is checked
 * to exist: files and directories mounted or built, named volumes, services named by depends_on, hosts and ports
 * named in commands, Kafka settings, Prometheus targets and Grafana data sources; published ports are distinct; every
 * image is pinned and every service has a health check; the dora commands parse with dora's own command line.
 * Debian's docker-compose validates the file as a whole.
 */
@Tag("unit")
class ComposeFileTest {

    private static final Pattern HOST_PORT = Pattern.compile("([a-z0-9-]+):(\\d+)");

    private final JsonNode compose = Repository.yaml(Repository.file("docker-compose.yml"));
    private final JsonNode services = compose.get("services");

    @Test
    void dockerComposeValidatesTheFile() throws Exception {
        final DebianTool.Result result = DebianTool.DOCKER_COMPOSE.run(null, "-f",
                Repository.file("docker-compose.yml").toString(), "config", "-q");
        assertEquals(0, result.exitCode(), "docker-compose config -q:\n" + result.output());
    }

    @Test
    void threeKraftBrokersReplicateEverythingThreeTimes() {
        final List<String> brokers = new ArrayList<>();
        services.fieldNames().forEachRemaining(name -> {
            if (services.get(name).path("image").asText().startsWith("apache/kafka:")) {
                brokers.add(name);
            }
        });
        assertEquals(List.of("kafka-1", "kafka-2", "kafka-3"), brokers);
        final Set<String> nodeIds = new HashSet<>();
        for (final String broker : brokers) {
            final JsonNode env = services.get(broker).get("environment");
            assertEquals("apache/kafka:4.3.1", services.get(broker).get("image").asText());
            assertTrue(nodeIds.add(env.get("KAFKA_NODE_ID").asText()), "distinct node ids");
            assertEquals("broker,controller", env.get("KAFKA_PROCESS_ROLES").asText());
            assertEquals("3", env.get("KAFKA_DEFAULT_REPLICATION_FACTOR").asText());
            assertEquals("2", env.get("KAFKA_MIN_INSYNC_REPLICAS").asText());
            assertEquals("3", env.get("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR").asText());
            assertEquals("3", env.get("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR").asText());
            assertEquals("2", env.get("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR").asText());
            assertEquals("PLAINTEXT://" + broker + ":9092", env.get("KAFKA_ADVERTISED_LISTENERS").asText());
            assertEquals(env.get("CLUSTER_ID").asText(), services.get("kafka-1").at("/environment/CLUSTER_ID").asText(),
                    "one cluster id");
            // every voter is a broker service, on its controller listener
            for (final String voter : env.get("KAFKA_CONTROLLER_QUORUM_VOTERS").asText().split(",")) {
                final String[] idAndAddress = voter.split("@");
                final Matcher address = HOST_PORT.matcher(idAndAddress[1]);
                assertTrue(address.matches(), voter);
                assertEquals(idAndAddress[0], services.get(address.group(1)).at("/environment/KAFKA_NODE_ID").asText());
                assertTrue(listens(address.group(1), Integer.parseInt(address.group(2))), voter);
            }
        }
    }

    @Test
    void everyFileVolumeAndServiceItNamesExists() {
        final Set<String> declared = new TreeSet<>();
        compose.path("volumes").fieldNames().forEachRemaining(declared::add);
        final Set<String> used = new TreeSet<>();
        services.fields().forEachRemaining(entry -> {
            final String service = entry.getKey();
            final JsonNode spec = entry.getValue();
            if (spec.has("build")) {
                final String context = spec.get("build").isTextual() ? spec.get("build").asText()
                        : spec.get("build").path("context").asText(".");
                assertTrue(Files.isRegularFile(Repository.root().resolve(context).resolve("Dockerfile")),
                        service + " builds " + context + "/Dockerfile");
            }
            for (final JsonNode volume : spec.path("volumes")) {
                final String source = volume.asText().split(":")[0];
                if (source.startsWith(".")) {
                    assertTrue(Files.exists(Repository.root().resolve(source).normalize()), service + " mounts " + source);
                } else {
                    assertTrue(declared.contains(source), service + " uses the undeclared volume " + source);
                    used.add(source);
                }
            }
            final JsonNode depends = spec.path("depends_on");
            final List<String> needed = new ArrayList<>();
            if (depends.isArray()) {
                depends.forEach(d -> needed.add(d.asText()));
            } else {
                depends.fieldNames().forEachRemaining(needed::add);
            }
            needed.forEach(other -> assertTrue(services.has(other), service + " depends on the unknown " + other));
            assertTrue(spec.has("healthcheck") || spec.has("build") && dockerfile().contains("HEALTHCHECK"),
                    service + " has a health check");
            assertTrue(spec.path("healthcheck").has("test"), service + " has a health check in the compose file");
        });
        assertEquals(declared, used, "every named volume is used, and only those");
    }

    @Test
    void imagesArePinnedAndPublishedPortsDistinct() {
        final Map<String, String> published = new HashMap<>();
        services.fields().forEachRemaining(entry -> {
            final String image = entry.getValue().path("image").asText();
            assertFalse(image.isEmpty(), entry.getKey() + " names its image");
            final String tag = image.substring(image.lastIndexOf(':') + 1);
            assertTrue(image.contains(":") && tag.matches(".*\\d.*") && !tag.equals("latest"),
                    entry.getKey() + " pins its image: " + image);
            for (final JsonNode port : entry.getValue().path("ports")) {
                // address:host port:container port, published on the host's loopback only (docs/SECURITY.md)
                final String[] addressHostAndContainer = port.asText().split(":");
                assertEquals(3, addressHostAndContainer.length, port.asText());
                assertEquals("127.0.0.1", addressHostAndContainer[0], port.asText() + " is published on loopback");
                final String previous = published.put(addressHostAndContainer[1], entry.getKey());
                assertTrue(previous == null, "host port " + addressHostAndContainer[1] + " published twice");
                assertTrue(listens(entry.getKey(), Integer.parseInt(addressHostAndContainer[2])),
                        entry.getKey() + " listens on " + addressHostAndContainer[2]);
            }
        });
        assertEquals(Set.of("8080", "8081", "9090", "3000"), published.keySet());
        assertTrue(services.at("/grafana/environment/GF_PLUGINS_PREINSTALL_SYNC").asText()
                .matches("yesoreyeram-infinity-datasource@3\\.11\\.\\d+"), "Infinity 3.11 preinstalled, pinned");
    }

    @Test
    void theDoraInstancesParseAndReachTheBrokers() {
        final List<String> instances = new ArrayList<>();
        services.fields().forEachRemaining(entry -> {
            if (entry.getValue().path("image").asText().startsWith("dora:")) {
                instances.add(entry.getKey());
            }
        });
        assertEquals(List.of("dora-api-1", "dora-api-2"), instances, "two pipeline and API instances of one image");
        final Set<String> dataVolumes = new HashSet<>();
        for (final String instance : instances) {
            final JsonNode spec = services.get(instance);
            assertEquals(instance, spec.get("hostname").asText(), "each instance has its own address");
            final List<String> args = new ArrayList<>();
            spec.get("command").forEach(a -> args.add(a.asText()));
            // what the image's ENTRYPOINT runs: dora's own parser must accept it
            final CommandLine.ParseResult parsed = DoraCommand.newCommandLine().parseArgs(args.toArray(String[]::new));
            assertTrue(parsed.hasSubcommand() && "serve".equals(parsed.subcommand().commandSpec().name()), args.toString());
            final String servers = parsed.subcommand().matchedOptionValue("--bootstrap-servers", "");
            for (final String server : servers.split(",")) {
                final Matcher address = HOST_PORT.matcher(server);
                assertTrue(address.matches() && listens(address.group(1), Integer.parseInt(address.group(2))),
                        instance + " reaches " + server);
            }
            assertEquals(8080, (int) parsed.subcommand().matchedOptionValue("--port", 0));
            dataVolumes.add(spec.get("volumes").get(0).asText().split(":")[0]);
            assertEquals(Path.of("/data"), parsed.subcommand().matchedOptionValue("--data-dir", Path.of("")));
        }
        assertEquals(2, dataVolumes.size(), "each instance keeps its state in its own volume");
    }

    @Test
    void prometheusAndGrafanaReachWhatTheyName() throws Exception {
        final JsonNode prometheus = Repository.yaml(Repository.file("deploy/prometheus/prometheus.yml"));
        final Set<String> targets = new TreeSet<>();
        for (final JsonNode job : prometheus.get("scrape_configs")) {
            for (final JsonNode config : job.path("static_configs")) {
                config.path("targets").forEach(t -> targets.add(t.asText()));
            }
        }
        assertTrue(targets.containsAll(Set.of("dora-api-1:8080", "dora-api-2:8080")), targets.toString());
        for (final String target : targets) {
            final Matcher address = HOST_PORT.matcher(target);
            assertTrue(address.matches(), target);
            if (!address.group(1).equals("localhost")) {
                assertTrue(listens(address.group(1), Integer.parseInt(address.group(2))), "Prometheus scrapes " + target);
            }
        }
        for (final JsonNode datasource : Dashboards.datasources().values()) {
            final URI url = URI.create(datasource.get("url").asText());
            assertTrue(listens(url.getHost(), url.getPort()), datasource.get("name") + " at " + url);
        }
        assertTrue(services.at("/prometheus/volumes").toString().contains("/etc/prometheus/prometheus.yml"));
        final String grafanaVolumes = services.at("/grafana/volumes").toString();
        assertTrue(grafanaVolumes.contains("./deploy/grafana/provisioning:/etc/grafana/provisioning"), grafanaVolumes);
        final String dashboards = Repository.yaml(Repository.file("deploy/grafana/provisioning/dashboards/dora.yaml"))
                .at("/providers/0/options/path").asText();
        assertTrue(grafanaVolumes.contains("./deploy/grafana/dashboards:" + dashboards), "the dashboards are mounted "
                + "where the provider reads them: " + dashboards);
        final String home = services.at("/grafana/environment/GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH").asText();
        assertTrue(home.startsWith(dashboards + "/") && Files.isRegularFile(Repository.file("deploy/grafana/dashboards")
                .resolve(home.substring(dashboards.length() + 1))), home);
    }

    @Test
    void theDockerfileIsMultiStageNonRootAndSwallowsNoFailure() {
        final String dockerfile = dockerfile();
        final List<String> from = dockerfile.lines().filter(l -> l.startsWith("FROM ")).toList();
        assertTrue(from.size() >= 2, "multi-stage: " + from);
        for (final String line : from) {
            final String image = line.split("\\s+")[1];
            assertTrue(image.matches("[a-z0-9./-]+:[A-Za-z0-9._-]*\\d[A-Za-z0-9._-]*"), "pinned: " + line);
        }
        final String runStage = dockerfile.substring(dockerfile.lastIndexOf("FROM "));
        final Matcher user = Pattern.compile("(?m)^USER\\s+(\\S+)").matcher(runStage);
        assertTrue(user.find() && !Set.of("root", "0").contains(user.group(1)), "the last stage runs as a user");
        assertTrue(dockerfile.contains("--mount=type=cache,target=/root/.m2"), "Maven's cache survives source changes");
        for (final String swallowed : List.of("|| true", "|| :", "; true", "|| exit 0", "set +e")) {
            assertFalse(dockerfile.contains(swallowed), "a failure swallowed with '" + swallowed + "'");
        }
        final Path ignore = Repository.file(".dockerignore");
        assertTrue(Files.isRegularFile(ignore), "the build context leaves out build output and data");
    }

    /** Whether a service listens on the port inside the stack: its Kafka listeners, dora's --port, or its image's. */
    private boolean listens(final String service, final int port) {
        final JsonNode spec = services.get(service);
        assertNotNull(spec, "no service " + service);
        final String image = spec.path("image").asText();
        if (image.startsWith("apache/kafka:")) {
            final Matcher listener = Pattern.compile(":(\\d+)").matcher(spec.at("/environment/KAFKA_LISTENERS").asText());
            while (listener.find()) {
                if (Integer.parseInt(listener.group(1)) == port) {
                    return true;
                }
            }
            return false;
        }
        if (image.startsWith("dora:")) {
            final List<String> args = new ArrayList<>();
            spec.path("command").forEach(a -> args.add(a.asText()));
            final int at = args.indexOf("--port");
            return port == (at < 0 ? 8080 : Integer.parseInt(args.get(at + 1)));
        }
        if (image.startsWith("prom/prometheus:")) {
            return port == 9090 && spec.path("command").toString().contains("--web.listen-address=:9090");
        }
        if (image.startsWith("grafana/grafana:")) {
            return port == 3000;
        }
        throw new AssertionError("a service this check does not know: " + service);
    }

    private static String dockerfile() {
        try {
            return Files.readString(Repository.file("Dockerfile"));
        } catch (final java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
