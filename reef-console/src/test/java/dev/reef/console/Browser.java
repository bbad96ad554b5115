package dev.reef.console;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.openqa.selenium.By;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A real headless Chromium driven by Selenium through the system's chromedriver (Debian's {@code
 * chromium} and {@code chromium-driver}): no driver download at run time (the driver and the
 * browser binary are given, so Selenium Manager is never asked). Fails, never skips, when they are
 * missing.
 */
final class Browser implements AutoCloseable {
  static final String CHROMIUM = System.getProperty("reef.chromium", "/usr/bin/chromium");
  static final String CHROMEDRIVER =
      System.getProperty("reef.chromedriver", "/usr/bin/chromedriver");

  private final ChromeDriver driver;
  private final Path profile;

  Browser() {
    if (!new File(CHROMIUM).canExecute() || !new File(CHROMEDRIVER).canExecute()) {
      throw new AssertionError(
          "The console's browser tests need a headless Chromium and its driver ("
              + CHROMIUM
              + ", "
              + CHROMEDRIVER
              + "). Install them: `apt-get install -y chromium chromium-driver` (or run"
              + " .ci/browser.sh), or point -Dreef.chromium / -Dreef.chromedriver at them.");
    }
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER);
    try {
      profile = Files.createTempDirectory("reef-console-chromium");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1400,1000",
        "--user-data-dir=" + profile);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER))
            .usingAnyFreePort()
            .build();
    driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
  }

  /**
   * Awaitility for a live page: the console re-renders its views from server-sent events, so an
   * element found a moment ago can be detached ({@link StaleElementReferenceException}) or not yet
   * drawn ({@link NoSuchElementException}) while the condition is polled. Those two are the page
   * moving, not the assertion failing; they are retried until the timeout, after which the last one
   * is reported. Anything else fails at once.
   */
  static ConditionFactory await() {
    return Awaitility.await()
        .ignoreExceptionsMatching(
            e ->
                e instanceof StaleElementReferenceException || e instanceof NoSuchElementException);
  }

  /**
   * Clicks the element {@code find} returns, finding it again if the page redrew it between the
   * find and the click (a stale element is detached, so the click never reached the page).
   */
  static void click(Supplier<WebElement> find) {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              find.get().click();
              return true;
            });
  }

  /**
   * Loads the console's page and waits until its first data is drawn ({@code data-ready} on the
   * body), with the action token field emptied, as an operator who has not entered it sees it.
   *
   * @param page the console's address
   * @param wait how long the page may take
   * @return the driver, on the page
   */
  ChromeDriver open(URI page, Duration wait) {
    driver.get(page.toString());
    await()
        .atMost(wait)
        .until(
            () ->
                "true"
                    .equals(driver.findElement(By.tagName("body")).getDomAttribute("data-ready")));
    driver.findElement(By.id("token")).clear();
    return driver;
  }

  ChromeDriver driver() {
    return driver;
  }

  /** Saves a screenshot under {@code reef.console.screenshots} (docs/console/ in the build). */
  void screenshot(String name) {
    String dir = System.getProperty("reef.console.screenshots");
    if (dir == null) {
      return;
    }
    try {
      Path target = Path.of(dir).resolve(name + ".png");
      Files.createDirectories(target.getParent());
      File png = driver.getScreenshotAs(OutputType.FILE);
      Files.copy(png.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      try (var files = Files.walk(profile)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // a temp dir left behind
      }
    }
  }
}
