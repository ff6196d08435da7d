package dev.dora.launcher.web;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Level;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's headless Chromium, driven by Selenium through Debian's chromedriver. Both paths are set explicitly, so
 * Selenium Manager never runs and nothing is downloaded. Without the packages a test skips, naming them; under
 * {@code CI=true} their absence fails it, so that a machine missing them cannot report a false green.
 */
final class Chromium implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    static final String PACKAGES = "chromium chromium-driver";

    private final ChromeDriver driver;

    private Chromium(final ChromeDriver driver) {
        this.driver = driver;
    }

    /** Skips the calling test (fails it under CI=true) unless chromium and chromedriver are installed. */
    static void assumeInstalled() {
        if (Files.isExecutable(BINARY) && Files.isExecutable(DRIVER)) {
            return;
        }
        final String message = "the browser test needs the Debian packages " + PACKAGES + " (" + BINARY + ", " + DRIVER
                + "): apt-get install -y --no-install-recommends " + PACKAGES;
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(message + "; CI=true, so their absence is a failure, not a skip");
        }
        assumeTrue(false, message);
    }

    /** A headless browser with a window of the given size, logging every console message. */
    static Chromium start(final int width, final int height) {
        assumeInstalled();
        final ChromeOptions options = new ChromeOptions();
        options.setBinary(BINARY.toFile());
        // the background-networking flags keep Chromium from calling out: this machine has no network but the registries
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-extensions", "--window-size=" + width + "," + height);
        final LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        final ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(DRIVER.toString()))
                .usingAnyFreePort()
                .withLogOutput(OutputStream.nullOutputStream())
                .build();
        final ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(new Dimension(width, height));
        return new Chromium(driver);
    }

    ChromeDriver driver() {
        return driver;
    }

    /** The console messages at level SEVERE (errors, uncaught exceptions, failed loads) since the previous call. */
    List<String> consoleErrors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::toString)
                .toList();
    }

    /**
     * Saves a screenshot of the viewport under the build directory ({@code target/dashboard-screenshots/}: Surefire
     * sets java.io.tmpdir to the build directory) and returns its path.
     */
    Path screenshot(final String name) throws IOException {
        final Path dir = Path.of(System.getProperty("java.io.tmpdir")).resolve("dashboard-screenshots");
        Files.createDirectories(dir);
        final Path file = dir.resolve(name + ".png");
        Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        return file;
    }

    @Override
    public void close() {
        driver.quit();
    }
}
