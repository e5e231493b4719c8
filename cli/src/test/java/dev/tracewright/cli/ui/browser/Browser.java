package dev.tracewright.cli.ui.browser;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless chromium driven through its own chromedriver: both named by path, so Selenium
 * Manager has nothing to look up or download. Missing, they fail the test (CI installs them in
 * .ci/run): a browser test that skipped itself would prove nothing.
 */
final class Browser implements AutoCloseable {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final Path SCREENSHOTS = Path.of("target", "screenshots");
  static final Duration WAIT = Duration.ofSeconds(20);
  /** Selenium warns that it has no DevTools bindings for this chromium; WebDriver does not need them. */
  private static final Logger DEVTOOLS_LOG = Logger.getLogger("org.openqa.selenium.devtools");

  final ChromeDriver driver;
  private final WebDriverWait wait;

  private Browser(ChromeDriver driver) {
    this.driver = driver;
    this.wait = live(new WebDriverWait(driver, WAIT));
  }

  static Browser start() {
    DEVTOOLS_LOG.setLevel(Level.SEVERE);
    assertTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "the browser tests need Debian's chromium and chromedriver: apt-get install -y chromium chromium-driver");
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-extensions", "--no-first-run", "--window-size=1440,900", "--lang=en-US");
    return new Browser(new ChromeDriver(service, options));
  }

  void open(String url) {
    driver.get(url);
  }

  /** Waits until the selector finds at least one element; returns them. */
  List<WebElement> await(By selector) {
    return wait.until(d -> {
      List<WebElement> found = d.findElements(selector);
      return found.isEmpty() ? null : found;
    });
  }

  /** Waits until the element's text contains {@code text}. */
  WebElement awaitText(By selector, String text) {
    return wait.until(d -> d.findElements(selector).stream().filter(e -> e.getText().contains(text)).findFirst().orElse(null));
  }

  void until(String what, java.util.function.BooleanSupplier condition) {
    until(what, condition, () -> "");
  }

  /** Waits for the condition; on timeout the message says {@code what} and what the page showed instead. */
  void until(String what, java.util.function.BooleanSupplier condition, java.util.function.Supplier<String> instead) {
    live(new WebDriverWait(driver, WAIT)).withMessage(() -> what + " " + instead.get()).until(d -> condition.getAsBoolean());
  }

  /**
   * Live pages replace their rows as spans arrive: an element read during a re-render is stale, and
   * the wait reads again (CI of 2026-12-07 failed once on it in aRunningTraceGrowsOnItsPageWithoutAReload).
   */
  private static WebDriverWait live(WebDriverWait wait) {
    wait.ignoring(StaleElementReferenceException.class);
    return wait;
  }

  Object js(String script, Object... args) {
    return driver.executeScript(script, args);
  }

  boolean alertShown() {
    try {
      driver.switchTo().alert();
      return true;
    } catch (NoAlertPresentException e) {
      return false;
    }
  }

  /** Keeps a screenshot of the page as a test artefact (cli/target/screenshots/NAME.png). */
  Path screenshot(String name) throws IOException {
    Files.createDirectories(SCREENSHOTS);
    Path target = SCREENSHOTS.resolve(name + ".png");
    Files.move(driver.getScreenshotAs(OutputType.FILE).toPath(), target, StandardCopyOption.REPLACE_EXISTING);
    return target;
  }

  @Override
  public void close() {
    driver.quit();
  }
}
