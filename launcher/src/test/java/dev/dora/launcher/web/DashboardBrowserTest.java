package dev.dora.launcher.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dora.launcher.e2e.RunningStack;
import dev.dora.launcher.http.ApiTokens;
import dev.dora.launcher.http.HttpEdge;
import dev.dora.streams.model.MetricsAnswer;
import dev.dora.streams.model.ReferenceModel;
import dev.dora.streams.simulation.BuildHistory;
import dev.dora.streams.simulation.HistoryGenerator;
import dev.dora.streams.simulation.PerformanceLevel;
import dev.dora.streams.simulation.ServiceProfile;
import io.javalin.Javalin;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless Chromium against a real stack (broker, pipeline, API) loaded with generated
 * history: every card's value and tier is the API's answer for the organisation, a team and a service; the weekly
 * chart has a point per week; a failed deployment opens with its rule and incident; window and benchmark changes
 * reach the URL and the numbers; errors show the API's message; and the console stays free of errors.
 */
@Tag("e2e")
@Timeout(value = 150)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserTest {

    private static final Duration SETTLE = Duration.ofSeconds(20);
    private static final Duration POLL = Duration.ofMillis(50);
    private static final String TOKEN = "s3cret-token";
    private static final String TEAM = "discovery";
    private static final String SERVICE = "search";

    private RunningStack stack;
    private Chromium chromium;
    private WebDriver driver;
    private ReferenceModel model;

    @BeforeAll
    void startStackAndBrowser() throws Exception {
        Chromium.assumeInstalled();
        // the browser starts while the stack starts and takes the history: both take seconds
        final CompletableFuture<Chromium> browser = CompletableFuture.supplyAsync(() -> Chromium.start(1280, 2400));
        try {
            // a history that ends now, so that the page's rolling windows (7d ... 1 year, ending tomorrow) cover it
            final Instant end = Instant.now();
            final List<ServiceProfile> services = List.of(
                    ServiceProfile.of("payments", "commerce", PerformanceLevel.HIGH),
                    ServiceProfile.of(SERVICE, TEAM, PerformanceLevel.HIGH),
                    ServiceProfile.of("catalog", TEAM, PerformanceLevel.MEDIUM),
                    ServiceProfile.of("billing", "finance", PerformanceLevel.MEDIUM, "prod"));
            final List<SpecificRecord> events = BuildHistory.merged(HistoryGenerator.builder().seed(5).end(end)
                    .days(56).services(services).build().generate(), BuildHistory.generate(services, 5, end, 56));
            model = ReferenceModel.defaults().load(events);
            stack = RunningStack.start();
            stack.postAll(events, 1_000);
            stack.awaitCaughtUp(Duration.ofSeconds(90));
        } finally {
            chromium = browser.join();
            driver = chromium.driver();
        }
    }

    @AfterAll
    void stop() throws Exception {
        if (chromium != null) {
            chromium.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void theOrganisationTeamAndServiceViewsShowTheApisNumbers() throws Exception {
        open("/");
        assertTrue(query().contains("window=90d") && query().contains("benchmark=dora-2024"),
                "the default view names its window and benchmark in the URL: " + query());
        final JsonNode organisation = stack.getJson("/api/v1/metrics?window=90d");
        assertCardsShow(organisation, "organisation");
        // the API's window, recomputed independently by the reference model from the events
        final MetricsAnswer expected = model.metrics(null, null, Instant.parse(organisation.at("/scope/from").asText()),
                Instant.parse(organisation.at("/scope/to").asText()));
        assertEquals(expected.deployments(), organisation.at("/deploymentFrequency/deployments").asLong());
        assertEquals(expected.failed(), organisation.at("/changeFailureRate/failed").asLong());
        assertWeeklyChart("/api/v1/metrics/series?granularity=week&window=90d");
        assertEquals(List.of("commerce", "discovery", "finance"), driver.findElements(By.cssSelector("#compare tbody tr"))
                .stream().map(row -> row.getAttribute("data-team")).toList(), "the organisation compares its teams, by name");
        chromium.screenshot("organisation-1280");

        new Select(driver.findElement(By.id("team"))).selectByValue(TEAM);
        awaitSettled();
        assertTrue(query().contains("team=" + TEAM), query());
        final JsonNode team = stack.getJson("/api/v1/metrics?team=" + TEAM + "&window=90d");
        assertCardsShow(team, "team " + TEAM);
        assertWeeklyChart("/api/v1/metrics/series?granularity=week&window=90d&team=" + TEAM);
        for (final String service : List.of("catalog", SERVICE)) {
            final JsonNode row = stack.getJson("/api/v1/metrics?service=" + service + "&window=90d");
            final WebElement overall = driver.findElement(By.cssSelector("#compare tr[data-service=" + service + "] td:last-child"));
            assertEquals(tierText(row.at("/tiers/overall")), overall.getText().toLowerCase(Locale.ROOT), "overall tier of " + service);
        }

        driver.findElement(By.cssSelector("#compare button[data-scope-name=" + SERVICE + "]")).click();
        awaitSettled();
        assertTrue(query().contains("service=" + SERVICE) && !query().contains("team="), query());
        assertEquals(TEAM, new Select(driver.findElement(By.id("team"))).getFirstSelectedOption().getAttribute("value"),
                "a service's team is shown");
        assertCardsShow(stack.getJson("/api/v1/metrics?service=" + SERVICE + "&window=90d"), "service " + SERVICE);
        assertWeeklyChart("/api/v1/metrics/series?granularity=week&window=90d&service=" + SERVICE);
        assertFalse(driver.findElement(By.id("compare-section")).isDisplayed(), "a service has nothing to compare");
        assertNoConsoleErrors();
    }

    @Test
    @Order(2)
    void aFailedDeploymentOpensWithItsRuleAndIncidentAndSurvivesRefreshAndReload() throws Exception {
        // the service of a failed deployment charged with an incident: the page must find it by paging its table
        String service = null;
        for (final JsonNode d : stack.getJson("/api/v1/deployments?window=90d&limit=1000").get("deployments")) {
            if (d.get("failed").asBoolean() && d.at("/failure/incidentId").isTextual()) {
                service = d.get("service").asText();
                break;
            }
        }
        assertTrue(service != null, "the generated history has a failed deployment with an incident");
        open("/?service=" + service + "&window=90d");
        WebElement failed = null;
        for (int page = 0; page < 20 && failed == null; page++) {
            failed = driver.findElements(By.cssSelector("#deployments tr[data-failed=true]")).stream()
                    .filter(row -> !row.findElement(By.cssSelector("td[data-role=rule]")).getText().equals("rollback"))
                    .findFirst().orElse(null);
            if (failed == null) {
                assertTrue(driver.findElement(By.id("deployments-next")).isEnabled(), "a failed deployment with an incident exists");
                driver.findElement(By.id("deployments-next")).click();
                awaitSettled();
            }
        }
        assertTrue(failed != null, "found a failed deployment in the table");
        final String id = failed.getAttribute("data-deployment");
        final String pageLabel = driver.findElement(By.id("deployments-page")).getText();
        failed.findElement(By.cssSelector("button[data-open-deployment]")).click();
        final JsonNode api = stack.getJson("/api/v1/deployments/" + URLEncoder.encode(id, StandardCharsets.UTF_8));
        assertDetailShows(id, api);
        assertTrue(query().contains("deployment=" + id), query());
        chromium.screenshot("failed-deployment-1280");

        // a refresh (the 30 s timer runs the same load) and a reload keep the drill-down and the table's page
        driver.findElement(By.id("detail-close")).click();
        new WebDriverWait(driver, SETTLE).until(d -> !query().contains("deployment="));
        failed = driver.findElement(By.cssSelector("#deployments tr[data-deployment='" + id + "']"));
        failed.findElement(By.cssSelector("button[data-open-deployment]")).click();
        assertDetailShows(id, api);
        final String url = query();
        ((JavascriptExecutor) driver).executeScript("document.getElementById('refresh').click()");
        awaitSettled();
        assertEquals(url, query());
        assertDetailShows(id, api);
        driver.navigate().refresh();
        awaitSettled();
        assertDetailShows(id, api);
        assertEquals(pageLabel, driver.findElement(By.id("deployments-page")).getText(), "the table stays on its page");
        new Actions(driver).sendKeys(Keys.ESCAPE).perform();
        new WebDriverWait(driver, SETTLE).until(d -> !d.findElement(By.id("detail")).isDisplayed()
                && !query().contains("deployment="));
        assertNoConsoleErrors();
    }

    @Test
    @Order(3)
    void changingTheWindowAndTheBenchmarkChangesTheUrlAndTheNumbers() throws Exception {
        open("/?team=" + TEAM + "&window=90d&benchmark=dora-2024");
        final JsonNode ninety = stack.getJson("/api/v1/metrics?team=" + TEAM + "&window=90d");
        assertCardsShow(ninety, "90 days");

        new Select(driver.findElement(By.id("window"))).selectByValue("30d");
        awaitSettled();
        assertTrue(query().contains("window=30d"), query());
        final JsonNode thirty = stack.getJson("/api/v1/metrics?team=" + TEAM + "&window=30d");
        assertNotEquals(ninety.at("/deploymentFrequency/deployments"), thirty.at("/deploymentFrequency/deployments"),
                "the windows differ in what they count");
        assertCardsShow(thirty, "30 days");
        assertWeeklyChart("/api/v1/metrics/series?granularity=week&window=30d&team=" + TEAM);

        new Select(driver.findElement(By.id("benchmark"))).selectByValue("dora-2019");
        awaitSettled();
        assertTrue(query().contains("benchmark=dora-2019") && query().contains("window=30d"), query());
        final JsonNode older = stack.getJson("/api/v1/metrics?team=" + TEAM + "&window=30d&benchmark=dora-2019");
        assertEquals("dora-2019", older.at("/tiers/benchmark").asText());
        // 2019 rates time to restore service; 2024 rated failed deployment recovery time instead
        assertCardsShow(older, "30 days under dora-2019");
        assertEquals("unrated", card("failedDeploymentRecoveryTime").getAttribute("data-tier"));

        // a custom range, typed as a person would
        new Select(driver.findElement(By.id("window"))).selectByValue("custom");
        final LocalDate to = LocalDate.parse(thirty.at("/scope/to").asText().substring(0, 10));
        final LocalDate from = to.minusDays(14);
        setDate("from", from);
        setDate("to", to);
        driver.findElement(By.id("apply")).click();
        awaitSettled();
        assertTrue(query().contains("from=" + from) && query().contains("to=" + to) && !query().contains("window="), query());
        assertCardsShow(stack.getJson("/api/v1/metrics?team=" + TEAM + "&from=" + from + "&to=" + to
                + "&benchmark=dora-2019"), "custom 14 days");
        assertWeeklyChart("/api/v1/metrics/series?granularity=week&team=" + TEAM + "&from=" + from + "&to=" + to);

        driver.navigate().back();
        awaitSettled();
        assertTrue(query().contains("window=30d") && query().contains("benchmark=dora-2019"), "Back returns: " + query());
        assertCardsShow(older, "back to 30 days");
        assertNoConsoleErrors();
    }

    @Test
    @Order(4)
    void aPhoneWidthShowsTheSameCards() throws Exception {
        driver.manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));
        try {
            open("/?service=" + SERVICE + "&window=30d");
            assertCardsShow(stack.getJson("/api/v1/metrics?service=" + SERVICE + "&window=30d"), "phone");
            final Long overflow = (Long) ((JavascriptExecutor) driver).executeScript(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
            assertTrue(overflow <= 0, "nothing wider than the phone's screen: " + overflow + " px");
            chromium.screenshot("service-390");
            assertNoConsoleErrors();
        } finally {
            driver.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 2400));
        }
    }

    @Test
    @Order(5)
    void anApiErrorShowsTheApisMessage() throws Exception {
        driver.get(stack.baseUrl() + "/?service=no-such-service&window=30d");
        new WebDriverWait(driver, SETTLE).until(d -> "error".equals(d.findElement(By.tagName("body")).getAttribute("data-state")));
        final WebElement error = driver.findElement(By.id("error"));
        assertTrue(error.isDisplayed());
        assertTrue(error.getText().contains("404") && error.getText().contains("no events have named service 'no-such-service'"),
                error.getText());
        assertFalse(driver.findElement(By.id("content")).isDisplayed(), "no stale figures under an error");
        chromium.screenshot("error-1280");
        final List<String> errors = chromium.consoleErrors();
        assertFalse(errors.isEmpty(), "the browser reports the failed request");
        assertTrue(errors.stream().allMatch(e -> e.contains("404")), "only the API's 404 is logged: " + errors);
    }

    /**
     * Behind dora's own HTTP edge with a token configured (its guard, its security headers and
     * Content-Security-Policy, here in front of the real API), the page asks for a token in its form (not prompt()),
     * asks again when it is refused, keeps it in sessionStorage, sends it on every call, and renders everything,
     * charts included, without a single policy violation.
     */
    @Test
    @Order(6)
    void underAStrictCspATokenIsAskedForOnceOnA401AndSentOnEveryCall() throws Exception {
        final List<String> seen = new CopyOnWriteArrayList<>();
        final HttpEdge edge = HttpEdge.of(HttpEdge.Settings.local(0).withTokens(ApiTokens.parse(
                "tokens: [{name: dashboard, scope: read, sha256: " + ApiTokens.sha256Hex(TOKEN) + "}]")));
        final Javalin guarded = Javalin.create(config -> {
            // recorded before the guard answers, so that the refused calls are seen too
            config.routes.before("/api/v1/*", ctx -> seen.add(ctx.path() + " " + ctx.header("Authorization")));
            edge.configure(config);
            Dashboard.register(config);
            config.routes.get("/api/v1/*", ctx -> {
                final HttpResponse<String> answer = stack.get(ctx.path()
                        + (ctx.queryString() == null ? "" : "?" + ctx.queryString()));
                ctx.status(answer.statusCode()).contentType("application/json").result(answer.body());
            });
        }).start();
        try {
            final String base = "http://localhost:" + guarded.port();
            assertTrue(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/"))
                    .build(), HttpResponse.BodyHandlers.discarding()).headers().firstValue("Content-Security-Policy")
                    .orElse("none").startsWith("default-src 'self';"), "the page itself is served under the policy");
            driver.get(base + "/?team=" + TEAM + "&window=30d");
            final WebDriverWait wait = new WebDriverWait(driver, SETTLE, POLL);
            wait.until(d -> d.findElement(By.id("token-dialog")).isDisplayed());
            driver.findElement(By.id("token")).sendKeys("wrong");
            driver.findElement(By.cssSelector("#token-form button[type=submit]")).click();
            wait.until(d -> "error".equals(d.findElement(By.tagName("body")).getAttribute("data-state")));
            assertTrue(driver.findElement(By.id("error")).getText().contains("refused the token"));
            assertEquals(List.of("/api/v1/services null", "/api/v1/services Bearer wrong"), seen);

            driver.findElement(By.id("retry")).click();
            wait.until(d -> d.findElement(By.id("token-dialog")).isDisplayed());
            assertTrue(driver.findElement(By.id("token-reason")).getText().contains("asks for a token"));
            driver.findElement(By.id("token")).sendKeys(TOKEN + Keys.ENTER);
            awaitSettled();
            assertCardsShow(stack.getJson("/api/v1/metrics?team=" + TEAM + "&window=30d"), "behind a token and a CSP");
            assertWeeklyChart("/api/v1/metrics/series?granularity=week&window=30d&team=" + TEAM);
            assertEquals(TOKEN, ((JavascriptExecutor) driver).executeScript("return sessionStorage.getItem('dora.token')"));
            assertTrue(seen.size() > 5 && seen.subList(3, seen.size()).stream().allMatch(call -> call.endsWith(" Bearer " + TOKEN)),
                    "every call after the token was given carries it: " + seen);

            seen.clear();
            driver.navigate().refresh();
            awaitSettled();
            assertFalse(driver.findElement(By.id("token-dialog")).isDisplayed(), "the kept token is used, not asked for");
            assertTrue(!seen.isEmpty() && seen.stream().allMatch(call -> call.endsWith(" Bearer " + TOKEN)), seen.toString());
            final List<String> errors = chromium.consoleErrors();
            assertTrue(errors.stream().allMatch(e -> e.contains("401")),
                    "only the refused requests are logged, no policy violation: " + errors);
        } finally {
            guarded.stop();
        }
    }

    @Test
    @Order(7)
    void aWindowWithoutDeploymentsShowsTheEmptyState() throws Exception {
        driver.get(stack.baseUrl() + "/?from=2001-01-01&to=2001-02-01");
        new WebDriverWait(driver, SETTLE, POLL).until(d -> "empty".equals(d.findElement(By.tagName("body")).getAttribute("data-state")));
        assertTrue(driver.findElement(By.id("empty")).isDisplayed());
        assertEquals("No production deployments in this window", driver.findElement(By.id("empty-title")).getText());
        assertTrue(driver.findElement(By.id("empty-hint")).getText().contains("run the demo"));
        assertFalse(driver.findElement(By.id("content")).isDisplayed());
        assertNoConsoleErrors();
    }

    @Test
    @Order(8)
    void aWindowWithBuildsButNoDeploymentsShowsItsPipelineHealth() throws Exception {
        String found = null;
        final LocalDate today = LocalDate.now(ZoneOffset.UTC);
        for (int back = 1; back <= 50 && found == null; back++) {
            for (final String service : List.of("payments", SERVICE, "catalog", "billing")) {
                final String window = "&from=" + today.minusDays(back) + "&to=" + today.minusDays(back - 1);
                final JsonNode api = stack.getJson("/api/v1/metrics?service=" + service + window);
                if (api.at("/deploymentFrequency/deployments").asLong() == 0
                        && api.at("/pipelineHealth/runs").asLong() > 0) {
                    found = "?service=" + service + window;
                    break;
                }
            }
        }
        assertNotNull(found, "the history has a day with builds and no production deployment");
        open("/" + found);
        assertFalse(driver.findElement(By.id("empty")).isDisplayed(), found);
        assertTrue(driver.findElement(By.id("pipeline")).isDisplayed(), found);
        assertPipelineShows(stack.getJson("/api/v1/metrics" + found), found);
        assertNoConsoleErrors();
    }

    // --------------------------------------------------------------------------------------------------------

    private void open(final String pathAndQuery) {
        driver.get(stack.baseUrl() + pathAndQuery);
        awaitSettled();
    }

    /** Waits until the page has rendered (or found empty) the state its URL describes. */
    private void awaitSettled() {
        new WebDriverWait(driver, SETTLE, POLL).until(d -> {
            final Object settled = ((JavascriptExecutor) d).executeScript("const b = document.body.dataset;"
                    + "return (b.state === 'ready' || b.state === 'empty') && b.rendered === location.search"
                    + " || b.state === 'error';");
            return Boolean.TRUE.equals(settled);
        });
        assertEquals("ready", driver.findElement(By.tagName("body")).getAttribute("data-state"),
                () -> "the page shows an error: " + driver.findElement(By.id("error")).getText());
    }

    private String query() {
        return (String) ((JavascriptExecutor) driver).executeScript("return location.search;");
    }

    private WebElement card(final String metric) {
        return driver.findElement(By.cssSelector("#cards article[data-metric=" + metric + "]"));
    }

    /** What each card shows, read in one round trip to the browser. */
    @SuppressWarnings("unchecked")
    private Map<String, Map<String, String>> cards() {
        final Object read = ((JavascriptExecutor) driver).executeScript("const cards = {};"
                + "for (const c of document.querySelectorAll('#cards article')) {"
                + "  const text = (selector) => c.querySelector(selector)?.innerText ?? '';"
                + "  cards[c.dataset.metric] = {value: c.dataset.value, tier: c.dataset.tier,"
                + "    text: text('[data-role=value]'), badge: text('.tier'), samples: text('[data-role=samples]'),"
                + "    delta: text('[data-role=delta]'), unattributed: text('[data-quality=incidentsNotAttributed] .count')};"
                + "}"
                + "return cards;");
        return (Map<String, Map<String, String>>) read;
    }

    /** Every card shows the API's value (raw and in human units), its tier, and its sample size. */
    private void assertCardsShow(final JsonNode api, final String where) throws Exception {
        final int year = Integer.parseInt(api.at("/tiers/benchmark").asText().substring("dora-".length()));
        final String recoveryTier = tier(api.at("/tiers/timeToRestore"));
        final Map<String, Object[]> expected = Map.of(
                "deploymentFrequency", new Object[] {api.at("/deploymentFrequency/perDay"), frequency(api.at("/deploymentFrequency/perDay")),
                    tier(api.at("/tiers/deploymentFrequency")), count(api.at("/deploymentFrequency/deployments"))},
                "leadTime", new Object[] {api.at("/leadTime/medianSeconds"), duration(api.at("/leadTime/medianSeconds")),
                    tier(api.at("/tiers/leadTime")), count(api.at("/leadTime/samples"))},
                "changeFailureRate", new Object[] {api.at("/changeFailureRate/rate"), percent(api.at("/changeFailureRate/rate")),
                    tier(api.at("/tiers/changeFailureRate")), count(api.at("/changeFailureRate/failed")) + " failed of "
                    + count(api.at("/changeFailureRate/deployments"))},
                "timeToRestore", new Object[] {api.at("/timeToRestore/medianSeconds"), duration(api.at("/timeToRestore/medianSeconds")),
                    year < 2023 ? recoveryTier : "unrated", count(api.at("/timeToRestore/incidents"))},
                "failedDeploymentRecoveryTime", new Object[] {api.at("/failedDeploymentRecoveryTime/medianSeconds"),
                    duration(api.at("/failedDeploymentRecoveryTime/medianSeconds")), year >= 2023 ? recoveryTier : "unrated",
                    count(api.at("/failedDeploymentRecoveryTime/samples"))},
                "reworkRate", new Object[] {api.at("/reworkRate/rate"), percent(api.at("/reworkRate/rate")), "unrated",
                    count(api.at("/reworkRate/rework")) + " rework of " + count(api.at("/reworkRate/deployments"))});
        final Map<String, Map<String, String>> cards = cards();
        assertEquals(expected.keySet(), cards.keySet(), where);
        expected.forEach((metric, e) -> {
            final Map<String, String> card = cards.get(metric);
            final JsonNode value = (JsonNode) e[0];
            final String at = metric + " (" + where + "): " + card;
            if (value.isNull()) {
                assertEquals("", card.get("value"), at);
            } else {
                assertEquals(value.asDouble(), Double.parseDouble(card.get("value")), 0.0, at);
            }
            assertEquals(e[1], card.get("text"), at);
            assertEquals(e[2], card.get("tier"), at);
            assertEquals("none".equals(e[2]) ? "no data" : "unrated".equals(e[2]) ? "not rated" : e[2],
                    card.get("badge").toLowerCase(Locale.ROOT), at);
            assertTrue(card.get("samples").startsWith((String) e[3]), at + ": sample size " + e[3]);
        });
        // the change against the previous window of the same length names that window's value
        final LocalDate from = LocalDate.parse(api.at("/scope/from").asText().substring(0, 10));
        final LocalDate to = LocalDate.parse(api.at("/scope/to").asText().substring(0, 10));
        final long days = to.toEpochDay() - from.toEpochDay();
        final JsonNode previous = stack.getJson(apiQuery(api) + "&from=" + from.minusDays(days) + "&to=" + from
                + "&benchmark=" + api.at("/tiers/benchmark").asText());
        final String delta = cards.get("leadTime").get("delta");
        final JsonNode before = previous.at("/leadTime/medianSeconds");
        assertTrue(delta.contains("previous " + days + " days")
                && (before.isNull() ? delta.contains("nothing to compare") : delta.contains(duration(before))),
                where + ": '" + delta + "' against " + previous.at("/leadTime"));
        assertEquals(Long.toString(api.at("/dataQuality/incidentsNotAttributed").asLong()),
                cards.get("changeFailureRate").get("unattributed"), where);
        assertPipelineShows(api, where);
    }

    /** What the pipeline card shows, each figure's raw value and text, read in one round trip to the browser. */
    @SuppressWarnings("unchecked")
    private Map<String, Map<String, String>> pipelineFigures() {
        return (Map<String, Map<String, String>>) ((JavascriptExecutor) driver).executeScript("const out = {};"
                + "for (const f of document.querySelectorAll('#pipeline [data-field]')) {"
                + "  out[f.dataset.field] = {value: f.dataset.value,"
                + "    text: f.querySelector('[data-role=value]').innerText,"
                + "    note: f.querySelector('[data-role=note]')?.innerText ?? ''};"
                + "}"
                + "return out;");
    }

    /** The pipeline card shows the API's pipelineHealth block: every figure's value, in human units. */
    private void assertPipelineShows(final JsonNode api, final String where) {
        final JsonNode pipeline = api.get("pipelineHealth");
        assertTrue(pipeline.get("runs").asLong() > 0, where + ": the history has builds in the window " + pipeline);
        assertEquals(pipeline.get("runs").asText(), driver.findElement(By.id("pipeline")).getAttribute("data-runs"),
                where);
        final Map<String, Object[]> expected = Map.of(
                "successRate", new Object[] {pipeline.get("successRate"), percent(pipeline.get("successRate"))},
                "durationMedianSeconds", new Object[] {pipeline.get("durationMedianSeconds"),
                    duration(pipeline.get("durationMedianSeconds"))},
                "durationP90Seconds", new Object[] {pipeline.get("durationP90Seconds"),
                    duration(pipeline.get("durationP90Seconds"))},
                "under10Minutes", new Object[] {pipeline.get("under10Minutes"), percent(pipeline.get("under10Minutes"))},
                "openNow", new Object[] {pipeline.at("/brokenDefaultBranch/openNow"),
                    pipeline.at("/brokenDefaultBranch/openNow").asText()},
                "medianTimeToFixSeconds", new Object[] {pipeline.at("/brokenDefaultBranch/medianTimeToFixSeconds"),
                    duration(pipeline.at("/brokenDefaultBranch/medianTimeToFixSeconds"))},
                "coverage", new Object[] {pipeline.at("/coverage/latest"), percent(pipeline.at("/coverage/latest"))});
        final Map<String, Map<String, String>> shown = pipelineFigures();
        assertEquals(expected.keySet(), shown.keySet(), where + ": the pipeline card's figures");
        expected.forEach((field, e) -> {
            final JsonNode value = (JsonNode) e[0];
            final Map<String, String> figure = shown.get(field);
            final String at = "pipeline " + field + " (" + where + "): " + figure;
            if (value.isNull()) {
                assertEquals("", figure.get("value"), at);
            } else {
                assertEquals(value.asDouble(), Double.parseDouble(figure.get("value")), 0.0, at);
            }
            assertEquals(e[1], figure.get("text"), at);
        });
        assertTrue(shown.get("successRate").get("note").contains(" of " + count(pipeline.get("runs")) + " run"),
                where + ": " + shown.get("successRate"));
        assertTrue(shown.get("medianTimeToFixSeconds").get("note").startsWith(
                count(pipeline.at("/brokenDefaultBranch/episodes")) + " episode"), where + ": "
                + shown.get("medianTimeToFixSeconds"));
    }

    /** Each chart has one point per week of the window: the API's buckets, and the ISO weeks the window touches. */
    private void assertWeeklyChart(final String seriesQuery) throws Exception {
        final JsonNode series = stack.getJson(seriesQuery);
        final LocalDate from = LocalDate.parse(series.at("/scope/from").asText().substring(0, 10));
        final LocalDate to = LocalDate.parse(series.at("/scope/to").asText().substring(0, 10));
        int weeks = 1;
        for (LocalDate day = from.plusDays(1); day.isBefore(to); day = day.plusDays(1)) {
            if (day.getDayOfWeek() == DayOfWeek.MONDAY) {
                weeks++;
            }
        }
        assertEquals(weeks, series.get("buckets").size(), seriesQuery);
        for (final String chart : List.of("chart-deployments", "chart-leadtime", "chart-failures", "chart-restore",
                "chart-build-success", "chart-build-duration")) {
            final WebElement figure = driver.findElement(By.id(chart));
            assertEquals(Integer.toString(weeks), figure.getAttribute("data-points"), chart + " for " + seriesQuery);
            assertEquals("week", figure.getAttribute("data-granularity"), chart);
            assertTrue(figure.findElement(By.tagName("canvas")).getSize().getWidth() > 200, chart + " is drawn");
        }
    }

    private void assertDetailShows(final String id, final JsonNode api) {
        new WebDriverWait(driver, SETTLE).until(d -> d.findElement(By.id("detail")).isDisplayed()
                && d.findElement(By.id("detail-title")).getText().endsWith(id));
        final WebElement detail = driver.findElement(By.id("detail"));
        assertEquals(api.at("/failure/rule").asText(), detail.findElement(By.cssSelector("[data-role=rule]")).getText());
        assertEquals(api.at("/failure/incidentId").asText(), detail.findElement(By.cssSelector("[data-role=incident]")).getText());
        assertTrue(detail.getText().contains(api.get("changes").size() + " commit"), "lists the delivered commits");
    }

    private void assertNoConsoleErrors() {
        assertEquals(List.of(), chromium.consoleErrors(), "the browser console logged errors");
    }

    private void setDate(final String id, final LocalDate date) {
        // a date input takes typed digits in the browser's locale order; setting the value is locale-proof
        ((JavascriptExecutor) driver).executeScript("document.getElementById(arguments[0]).value = arguments[1];", id,
                date.toString());
    }

    private static String apiQuery(final JsonNode api) {
        final JsonNode scope = api.get("scope");
        final String service = scope.get("service").asText(null);
        final String team = scope.get("team").asText(null);
        return "/api/v1/metrics?environment=" + scope.get("environment").asText()
                + (service != null ? "&service=" + service : team != null ? "&team=" + team : "");
    }

    // The page's units, restated: toFixed and Math.round round the exact binary value half up, as BigDecimal does.

    private static String tier(final JsonNode tier) {
        return tier.isNull() ? "none" : tier.asText();
    }

    private static String tierText(final JsonNode tier) {
        return tier.isNull() ? "no data" : tier.asText();
    }

    private static String count(final JsonNode n) {
        return String.format(Locale.ENGLISH, "%,d", n.asLong());
    }

    private static String fixed(final double value, final int decimals) {
        return new BigDecimal(value).setScale(decimals, RoundingMode.HALF_UP).toPlainString();
    }

    private static String frequency(final JsonNode perDay) {
        if (perDay.isNull()) {
            return "–";
        }
        final double v = perDay.asDouble();
        return v >= 1 ? fixed(v, 1) + " / day" : fixed(v * 7, 1) + " / week";
    }

    private static String percent(final JsonNode rate) {
        return rate.isNull() ? "–" : fixed(rate.asDouble() * 100, 1) + " %";
    }

    private static String duration(final JsonNode seconds) {
        if (seconds.isNull() || seconds.isMissingNode()) {
            return "–";
        }
        final double s = seconds.asDouble();
        if (s < 60) {
            return fixed(s, 0) + " s";
        }
        if (s < 3_600) {
            return fixed(s / 60, 0) + " min";
        }
        if (s < 86_400) {
            return fixed(s / 3_600, 1) + " h";
        }
        return fixed(s / 86_400, 1) + " d";
    }
}
