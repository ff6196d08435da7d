package dev.dora.launcher.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.javalin.Javalin;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The dashboard's files as the server hands them out: every file the page loads (following the modules' imports)
 * is served from the jar with its type, nothing comes from another host, and no markup or script relies on inline
 * script, inline style or inline event handlers, which the planned Content-Security-Policy will forbid.
 */
@Tag("unit")
@Timeout(30)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardTest {

    private static final Pattern ASSET = Pattern.compile("(?:src|href)=\"(/[^\"]*)\"");
    private static final Pattern IMPORT = Pattern.compile("from '\\./([a-z]+\\.js)'");

    private final HttpClient client = HttpClient.newHttpClient();
    private Javalin http;

    @BeforeAll
    void start() {
        http = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            Dashboard.register(config);
        }).start(0);
    }

    @AfterAll
    void stop() {
        http.stop();
    }

    @Test
    void theRootServesThePageAndEveryFileItLoads() throws Exception {
        final HttpResponse<String> page = get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(page.body().contains("<script type=\"module\" src=\"/js/app.js\"></script>"), page.body());

        final Set<String> assets = new LinkedHashSet<>();
        final Matcher matcher = ASSET.matcher(page.body());
        while (matcher.find()) {
            assets.add(matcher.group(1));
        }
        assertTrue(assets.containsAll(List.of("/dashboard.css", "/js/app.js", "/favicon.svg", "/api")), assets.toString());
        // follow the modules' imports: a typo in one would only show in a browser otherwise
        final Deque<String> modules = new ArrayDeque<>(List.of("/js/app.js"));
        while (!modules.isEmpty()) {
            final String module = modules.pop();
            final Matcher imports = IMPORT.matcher(get(module).body());
            while (imports.find()) {
                if (assets.add("/js/" + imports.group(1))) {
                    modules.push("/js/" + imports.group(1));
                }
            }
        }
        assertTrue(assets.size() >= 10, "the page's modules: " + assets);
        for (final String asset : assets) {
            final HttpResponse<String> response = get(asset);
            assertEquals(200, response.statusCode(), asset);
            final String type = response.headers().firstValue("Content-Type").orElse("");
            if (asset.endsWith(".js")) {
                assertTrue(type.contains("javascript"), asset + " is served as " + type);
            } else if (asset.endsWith(".css")) {
                assertTrue(type.startsWith("text/css"), asset + " is served as " + type);
            }
        }
    }

    @Test
    void uPlotComesFromTheWebjarOnTheClasspath() throws Exception {
        final Properties webjar = new Properties();
        try (InputStream in = getClass().getResourceAsStream("/META-INF/maven/org.webjars.npm/uplot/pom.properties")) {
            assertNotNull(in, "the uPlot webjar is on the classpath");
            webjar.load(in);
        }
        final String version = webjar.getProperty("version");
        final String page = get("/").body();
        final String script = "/webjars/uplot/" + version + "/dist/uPlot.iife.min.js";
        assertTrue(page.contains("src=\"" + script + "\""), "index.html names uPlot " + version);
        assertTrue(page.contains("href=\"/webjars/uplot/" + version + "/dist/uPlot.min.css\""));
        final HttpResponse<String> uplot = get(script);
        assertEquals(200, uplot.statusCode());
        assertTrue(uplot.body().contains("uPlot"));
        assertEquals(200, get("/webjars/uplot/" + version + "/LICENSE").statusCode(), "its MIT licence ships with it");
    }

    @Test
    void theEndpointListMovedToSlashApi() throws Exception {
        final HttpResponse<String> api = get("/api");
        assertEquals(200, api.statusCode());
        assertTrue(api.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        for (final String endpoint : List.of("/api/v1/services", "/api/v1/metrics", "/api/v1/metrics/series",
                "/api/v1/deployments", "/api/v1/incidents", "/api/v1/health", "POST /api/v1/events", "/webhooks/github")) {
            assertTrue(api.body().contains(endpoint), "lists " + endpoint);
        }
    }

    @Test
    void nothingInlineAndNothingFromAnotherHost() throws Exception {
        final Pattern inlineScript = Pattern.compile("<script(?![^>]*\\bsrc=)[^>]*>", Pattern.CASE_INSENSITIVE);
        final Pattern inlineHandler = Pattern.compile("<[^>]+\\son[a-z]+\\s*=", Pattern.CASE_INSENSITIVE);
        final Pattern styleAttribute = Pattern.compile("<[^>]+\\sstyle\\s*=", Pattern.CASE_INSENSITIVE);
        for (final String file : List.of("/index.html", "/api.html")) {
            final String html = resource(file);
            assertFalse(inlineScript.matcher(html).find(), file + " has an inline <script>");
            assertFalse(html.toLowerCase().contains("<style"), file + " has a <style> block");
            assertFalse(inlineHandler.matcher(html).find(), file + " has an inline event handler");
            assertFalse(styleAttribute.matcher(html).find(), file + " has a style attribute");
            assertFalse(html.contains("http://") || html.contains("https://"), file + " names another host");
        }
        for (final String file : List.of("app.js", "api.js", "cards.js", "charts.js", "detail.js", "dom.js", "format.js",
                "pipeline.js", "state.js", "tables.js")) {
            final String js = resource("/js/" + file);
            for (final String forbidden : List.of("innerHTML", "outerHTML", "insertAdjacentHTML", "eval(",
                    "new Function", "setAttribute('style'", "cssText", "http://", "https://", "prompt(")) {
                assertFalse(js.contains(forbidden), file + " uses " + forbidden);
            }
        }
        assertFalse(resource("/dashboard.css").contains("@import"), "the stylesheet pulls in nothing else");
    }

    private HttpResponse<String> get(final String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + http.port() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String resource(final String path) throws IOException {
        try (InputStream in = Dashboard.class.getResourceAsStream(Dashboard.CLASSPATH_ROOT + path)) {
            assertNotNull(in, path);
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }
}
