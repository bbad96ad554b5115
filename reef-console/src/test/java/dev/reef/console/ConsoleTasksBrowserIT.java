package dev.reef.console;

import static dev.reef.console.Browser.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reef.Reef;
import dev.reef.ReefOptions;
import dev.reef.amqp.AmqpBackend;
import dev.reef.amqp.AmqpDirectoryStore;
import dev.reef.amqp.AmqpTaskLogStore;
import dev.reef.amqp.test.RabbitMqBroker;
import dev.reef.amqp.test.TestBroker;
import dev.reef.spi.DirectoryStore;
import dev.reef.task.TaskHandle;
import dev.reef.task.TaskServing;
import dev.reef.task.TaskState;
import dev.reef.task.Tasks;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The console's Tasks view in a real headless Chromium against a real broker (AMQP backend, the
 * task log on a RabbitMQ stream): a worker in another reef reports progress in steps the test
 * releases one by one, and the task's progress bars (overall and per component) advance live on the
 * page; the timeline lists the task's events; cancel is refused without the token and, with it, the
 * task ends CANCELED on the page and in the API. Takes the screenshot docs/console.md shows.
 */
@ExtendWith(RabbitMqBroker.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleTasksBrowserIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String TOKEN = "test-token-" + Long.toHexString(System.nanoTime());
  private static final int STEPS = 4;

  private TestBroker broker;
  private String channel;
  private Reef reef;
  private Reef workers;
  private final List<TaskServing> servings = new ArrayList<>();
  private ReefConsole console;
  private Browser browser;
  private final List<CountDownLatch> steps = new ArrayList<>();
  private final CountDownLatch checkCancel = new CountDownLatch(1);

  @BeforeAll
  void setUp() {
    broker = new TestBroker(RabbitMqBroker.uri());
    channel = TestBroker.unique("console-tasks").replace('.', '-');
    broker.deleteExchangeAfter("reef." + channel);
    broker.deleteExchangeAfter("reef-dlx." + channel);
    broker.deleteQueueAfter("reef-dlq." + channel);
    broker.deleteQueueAfter("reef." + channel + ".crunch");
    broker.deleteQueueAfter("reef." + channel + ".slow");
    broker.deleteQueueAfter(AmqpTaskLogStore.streamFor(channel));
    broker.deleteQueueAfter(AmqpDirectoryStore.streamFor(channel, DirectoryStore.Log.RECORDS));
    broker.deleteQueueAfter(AmqpDirectoryStore.streamFor(channel, DirectoryStore.Log.LEASES));
    for (int i = 0; i < STEPS; i++) {
      steps.add(new CountDownLatch(1));
    }
    reef = newReef();
    workers = newReef(); // the worker's process
    Tasks served = workers.channel(channel).tasks();
    servings.add(
        served.serve(
            "crunch",
            ctx -> {
              for (int i = 1; i <= STEPS; i++) {
                steps.get(i - 1).await(WAIT.toSeconds(), TimeUnit.SECONDS);
                ctx.componentProgress("fetch", Math.min(1.0, i * 2.0 / STEPS), "fetched");
                ctx.componentProgress("parse", (double) i / STEPS, "step " + i);
              }
              return Map.of("steps", STEPS);
            }));
    servings.add(
        served.serve(
            "slow",
            ctx -> {
              ctx.progress("waiting", 0.3, "waiting to be cancelled");
              checkCancel.await(WAIT.toSeconds(), TimeUnit.SECONDS);
              return ctx.isCancelled() ? Map.of() : Map.of("cancelled", false);
            }));
    console =
        ReefConsole.builder()
            .reef(reef)
            .channel(channel)
            .port(0)
            .token(TOKEN)
            .amqpUri(broker.uri())
            .start();
    browser = new Browser();
  }

  private Reef newReef() {
    return Reef.create(
        AmqpBackend.builder().uri(broker.uri()).build(),
        ReefOptions.custom().defaultChannel(channel).closeTimeout(Duration.ofSeconds(2)).build());
  }

  @AfterAll
  void tearDown() {
    steps.forEach(CountDownLatch::countDown);
    checkCancel.countDown();
    if (browser != null) {
      browser.close();
    }
    if (console != null) {
      console.close();
    }
    servings.forEach(TaskServing::close);
    for (Reef r : new Reef[] {workers, reef}) {
      if (r != null) {
        r.close(Duration.ofSeconds(2));
      }
    }
    broker.close();
  }

  private ChromeDriver openTasks() {
    ChromeDriver d = browser.open(console.url(), WAIT);
    d.findElement(By.id("tab-tasks")).click();
    return d;
  }

  private static By row(String taskId) {
    return By.cssSelector("#tasks tr[data-task='" + taskId + "']");
  }

  private static double value(WebElement progress) {
    return Double.parseDouble(progress.getDomProperty("value"));
  }

  @Test
  void theProgressBarsOfATaskAdvanceLiveStepByStepAndTheTimelineListsItsEvents() {
    ChromeDriver d = openTasks();
    TaskHandle h =
        reef.channel(channel)
            .tasks()
            .submit(dev.reef.task.TaskRequest.toAgent("boss", "crunch").build());
    await().atMost(WAIT).ignoreExceptions().until(() -> !d.findElements(row(h.id())).isEmpty());
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(d.findElement(row(h.id())).getDomAttribute("data-state"))
                    .isEqualTo("WORKING"));
    Browser.click(() -> d.findElement(row(h.id()))); // the timeline follows the task
    double before = value(d.findElement(row(h.id())).findElement(By.cssSelector(".bar progress")));
    assertThat(before).isZero();
    for (int i = 1; i <= STEPS; i++) {
      steps.get(i - 1).countDown();
      double expected = ((Math.min(1.0, i * 2.0 / STEPS)) + (double) i / STEPS) / 2;
      double parse = (double) i / STEPS;
      await()
          .atMost(WAIT)
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                WebElement tr = d.findElement(row(h.id()));
                assertThat(value(tr.findElement(By.cssSelector(".bar progress"))))
                    .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-9));
                assertThat(
                        value(
                            tr.findElement(
                                By.cssSelector(".comp[data-component='parse'] progress"))))
                    .isCloseTo(parse, org.assertj.core.data.Offset.offset(1e-9));
              });
      assertThat(expected).isGreaterThan(before);
      before = expected;
      if (i == STEPS - 1) {
        browser.screenshot("tasks");
      }
    }
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(d.findElement(row(h.id())).getDomAttribute("data-state"))
                    .isEqualTo("COMPLETED"));
    assertThat(h.result())
        .succeedsWithin(WAIT)
        .satisfies(r -> assertThat(((Number) r.get("steps")).intValue()).isEqualTo(STEPS));
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(
                        d.findElements(By.cssSelector("#timeline .etype")).stream()
                            .map(WebElement::getText)
                            .toList())
                    .startsWith("SUBMITTED", "STARTED")
                    .endsWith("COMPLETED")
                    .filteredOn("PROGRESS"::equals)
                    .hasSize(2 * STEPS));
    assertThat(d.findElement(row(h.id())).findElement(By.className("cancel")).isDisplayed())
        .isFalse();
  }

  @Test
  void cancelIsRefusedWithoutTheTokenAndWithItTheTaskEndsCanceled() throws Exception {
    ChromeDriver d = openTasks();
    TaskHandle h = reef.channel(channel).tasks().submit("boss", "slow", Map.of());
    await().atMost(WAIT).ignoreExceptions().until(() -> !d.findElements(row(h.id())).isEmpty());
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(d.findElement(row(h.id())).getDomAttribute("data-state"))
                    .isEqualTo("WORKING"));

    // without the token: refused, no cancel request in the log
    Browser.click(() -> d.findElement(row(h.id())).findElement(By.className("cancel")));
    d.findElement(By.id("confirm-ok")).click();
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(() -> assertThat(d.findElement(By.id("message")).getText()).contains("401"));
    HttpClient http = HttpClient.newHttpClient();
    URI cancel = console.url().resolve("api/tasks/cancel");
    String body = "{\"channel\":\"" + channel + "\",\"id\":\"" + h.id() + "\"}";
    HttpResponse<String> wrong =
        http.send(
            HttpRequest.newBuilder(cancel)
                .header(ConsoleHttp.TOKEN_HEADER, "wrong-token")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(wrong.statusCode()).isEqualTo(403);
    assertThat(reef.channel(channel).tasks().status(h.id()).cancelRequested()).isFalse();

    // with the token, after the confirmation: the worker sees it and the task ends CANCELED
    d.findElement(By.id("token")).sendKeys(TOKEN);
    Browser.click(() -> d.findElement(row(h.id())).findElement(By.className("cancel")));
    d.findElement(By.id("confirm-ok")).click();
    await()
        .atMost(WAIT)
        .until(() -> reef.channel(channel).tasks().status(h.id()).cancelRequested());
    checkCancel.countDown();
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(d.findElement(row(h.id())).getDomAttribute("data-state"))
                    .isEqualTo("CANCELED"));
    assertThat(reef.channel(channel).tasks().status(h.id()).state()).isEqualTo(TaskState.CANCELED);
    HttpResponse<String> api =
        http.send(
            HttpRequest.newBuilder(console.url().resolve("api/tasks?channel=" + channel)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(api.statusCode()).isEqualTo(200);
    assertThat(api.body()).contains("\"id\":\"" + h.id() + "\",\"state\":\"CANCELED\"");
    HttpResponse<String> unknown =
        http.send(
            HttpRequest.newBuilder(cancel)
                .header(ConsoleHttp.TOKEN_HEADER, TOKEN)
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"channel\":\"" + channel + "\",\"id\":\"no-such-task\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(unknown.statusCode()).isEqualTo(404);
  }
}
