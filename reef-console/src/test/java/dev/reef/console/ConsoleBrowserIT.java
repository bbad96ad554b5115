package dev.reef.console;

import static dev.reef.console.Browser.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reef.Reef;
import dev.reef.ReefChannel;
import dev.reef.ReefOptions;
import dev.reef.RetryPolicy;
import dev.reef.Spore;
import dev.reef.Subscription;
import dev.reef.amqp.AmqpBackend;
import dev.reef.amqp.AmqpDirectoryStore;
import dev.reef.amqp.test.RabbitMqBroker;
import dev.reef.amqp.test.TestBroker;
import dev.reef.directory.AgentCard;
import dev.reef.directory.Registration;
import dev.reef.examples.workflow.AgentNames;
import dev.reef.examples.workflow.Agents;
import dev.reef.examples.workflow.Conversation;
import dev.reef.examples.workflow.DemoAgent;
import dev.reef.examples.workflow.WorkflowSettings;
import dev.reef.spi.DirectoryStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The console in a real headless Chromium against a real broker: agents appear with their
 * capabilities, the flow tail shows spores live, a poison spore appears under dead letters and a
 * click on replay sends it back to its mailbox, a {@code <script>} knowledge renders as text, and
 * actions without the token are refused. Takes the screenshots docs/console.md shows.
 */
@ExtendWith(RabbitMqBroker.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleBrowserIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String TOKEN = "test-token-" + Long.toHexString(System.nanoTime());
  private static final String SCRIPT = "<script>window.__pwned=1</script>";

  private TestBroker broker;
  private String channel;
  private Reef reef;
  private ReefConsole console;
  private Browser browser;
  private final List<Registration> registrations = new ArrayList<>();
  private final AtomicBoolean failing = new AtomicBoolean(true);
  private final List<Spore> workerGot = new CopyOnWriteArrayList<>();

  @BeforeAll
  void setUp() {
    broker = new TestBroker(RabbitMqBroker.uri());
    channel = TestBroker.unique("console").replace('.', '-');
    broker.deleteExchangeAfter("reef." + channel);
    broker.deleteExchangeAfter("reef-dlx." + channel);
    broker.deleteQueueAfter("reef-dlq." + channel);
    for (String agent : List.of("planner", "worker", "sink", "doomed")) {
      broker.deleteQueueAfter("reef." + channel + "." + agent);
    }
    broker.deleteQueueAfter(AmqpDirectoryStore.streamFor(channel, DirectoryStore.Log.RECORDS));
    broker.deleteQueueAfter(AmqpDirectoryStore.streamFor(channel, DirectoryStore.Log.LEASES));
    AmqpBackend backend =
        AmqpBackend.builder()
            .uri(broker.uri())
            .retryPolicy(
                RetryPolicy.custom()
                    .maxAttempts(2)
                    .initialBackoff(Duration.ofMillis(10))
                    .maxBackoff(Duration.ofMillis(20))
                    .build())
            .build();
    reef =
        Reef.create(
            backend,
            ReefOptions.custom()
                .defaultChannel(channel)
                .closeTimeout(Duration.ofSeconds(2))
                .build());
    reef.subscribe(
        "worker",
        s -> {
          if (failing.get()) {
            throw new IllegalStateException("poisoned: " + s.knowledge().get("text"));
          }
          workerGot.add(s);
        });
    reef.subscribe("sink", s -> {});
    reef.subscribe("planner", s -> {});
    reef.subscribe("doomed", s -> {});
    register(
        AgentCard.builder("planner")
            .kind("llm.planner")
            .capabilities("plan", "route")
            .version("1.2.0")
            .description("plans the work " + SCRIPT)
            .build());
    register(AgentCard.builder("worker").kind("tool.worker").capabilities("compute").build());
    register(AgentCard.builder("sink").kind("store").capabilities("archive").build());
    register(AgentCard.builder("doomed").kind("tool").capabilities("nothing").build());
    console =
        ReefConsole.builder()
            .reef(reef)
            .channel(channel)
            .port(0)
            .token(TOKEN)
            .amqpUri(broker.uri())
            .statusInterval(Duration.ofMillis(500))
            .start();
    browser = new Browser();
  }

  private void register(AgentCard card) {
    registrations.add(reef.directory().register(channel, card));
  }

  @AfterAll
  void tearDown() {
    if (browser != null) {
      browser.close();
    }
    if (console != null) {
      console.close();
    }
    registrations.forEach(Registration::close);
    if (reef != null) {
      reef.close(Duration.ofSeconds(2));
    }
    broker.close();
  }

  private ChromeDriver open() {
    return browser.open(console.url(), WAIT);
  }

  private static WebElement card(WebDriver d, String agent) {
    return d.findElement(By.cssSelector(".card[data-agent='" + agent + "']"));
  }

  private static List<String> texts(List<WebElement> elements) {
    return elements.stream().map(WebElement::getText).toList();
  }

  @Test
  void theDemoWorkflowsAgentsAppearWithTheirCapabilities() throws Exception {
    // The demo's own agents (reef-examples' workflow), started the way the demo starts them.
    broker.deleteQueueAfter("reef." + channel + "." + AgentNames.RESEARCHER);
    broker.deleteQueueAfter("reef-tasks." + channel);
    ReefChannel ch = reef.channel(channel);
    WorkflowSettings settings =
        new WorkflowSettings(channel, "console", "console-it", Duration.ofSeconds(30));
    DemoAgent researcher =
        Agents.create(AgentNames.RESEARCHER, Conversation.printingTo(System.out), settings);
    Subscription subscription = researcher.start(ch);
    AutoCloseable offer = Agents.offer(reef, ch, researcher);
    try {
      ChromeDriver d = open();
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                WebElement card = card(d, AgentNames.RESEARCHER);
                assertThat(texts(card.findElements(By.className("cap"))))
                    .containsExactlyElementsOf(researcher.capabilities());
                assertThat(card.findElement(By.className("kind")).getText())
                    .startsWith("demo." + AgentNames.RESEARCHER);
                assertThat(card.getDomAttribute("class")).contains("ACTIVE");
              });
      assertThat(researcher.capabilities()).contains("fact-check");
    } finally {
      offer.close();
      subscription.close();
    }
  }

  @Test
  void theAgentsAppearWithTheirCapabilitiesAndTheBrokerWithoutCredentials() {
    ChromeDriver d = open();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              WebElement planner = card(d, "planner");
              assertThat(texts(planner.findElements(By.className("cap"))))
                  .containsExactly("plan", "route");
              assertThat(planner.findElement(By.className("kind")).getText())
                  .isEqualTo("llm.planner · v1.2.0");
              assertThat(planner.getDomAttribute("class")).contains("ACTIVE");
              assertThat(texts(card(d, "worker").findElements(By.className("cap"))))
                  .containsExactly("compute");
              // the mailbox depth and consumers come from the status sweep
              assertThat(planner.findElement(By.className("f-consumers")).getText()).isEqualTo("1");
              assertThat(planner.findElement(By.className("f-mailbox")).getText()).isEqualTo("0");
            });
    // a description holding <script> is text, not markup
    assertThat(card(d, "planner").findElement(By.className("desc")).getText())
        .isEqualTo("plans the work " + SCRIPT);
    assertThat(d.findElements(By.cssSelector("#agents script"))).isEmpty();
    assertThat(d.executeScript("return window.__pwned === undefined")).isEqualTo(true);
    assertThat(d.findElement(By.id("broker")).getText())
        .isEqualTo(Texts.displayUri(broker.uri()))
        .doesNotContain("@");
    assertThat(d.getPageSource()).doesNotContain("guest");
    browser.screenshot("agents");
  }

  @Test
  void theFlowTailShowsSporesLiveWithAScriptKnowledgeAsText() {
    ChromeDriver d = open();
    d.findElement(By.id("tab-flow")).click();
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(300))
        .until(
            () -> {
              // the tap binds the agents' keys as it learns them: send until the rows show
              for (int i = 0; i < 5; i++) {
                reef.send("planner", "sink", Map.of("step", i, "text", SCRIPT));
                reef.send("worker", "sink", Map.of("step", i, "ok", true));
              }
              return texts(d.findElements(By.cssSelector("#flow td.route")))
                  .contains("planner → sink");
            });
    WebElement row =
        d.findElements(By.cssSelector("#flow tbody tr")).stream()
            .filter(r -> r.getText().contains("planner → sink"))
            .findFirst()
            .orElseThrow();
    assertThat(row.findElement(By.className("type")).getText()).isEqualTo("knowledge");
    assertThat(row.findElement(By.className("excerpt")).getText()).contains(SCRIPT);
    assertThat(d.findElements(By.cssSelector("#flow script"))).isEmpty();
    assertThat(d.executeScript("return window.__pwned === undefined")).isEqualTo(true);
    await()
        .atMost(WAIT)
        .until(() -> !d.findElements(By.cssSelector(".spark[data-agent='planner']")).isEmpty());
    // the filter hides the rows that do not match
    d.findElement(By.id("flow-filter")).sendKeys("worker");
    assertThat(
            d.findElements(By.cssSelector("#flow tbody tr")).stream()
                .filter(WebElement::isDisplayed)
                .map(WebElement::getText))
        .isNotEmpty()
        .allMatch(t -> t.contains("worker"));
    d.findElement(By.id("flow-filter")).clear();
    d.executeScript("document.getElementById('flow-filter').dispatchEvent(new Event('input'))");
    browser.screenshot("flow");
  }

  @Test
  void aPoisonSporeIsADeadLetterAndReplayWithTheTokenSendsItBackToItsMailbox() {
    failing.set(true);
    Spore poison = reef.send("planner", "worker", Map.of("text", SCRIPT, "n", 7)).join();
    await().atMost(WAIT).until(() -> reef.deadLetters(channel).count() >= 1);

    ChromeDriver d = open();
    d.findElement(By.id("tab-deadletters")).click();
    By row = By.cssSelector("#deadletters tr[data-id='" + poison.id() + "']");
    await().atMost(WAIT).until(() -> !d.findElements(row).isEmpty());
    // a batch may re-render the list meanwhile (a stale row): read it again until it holds
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              WebElement tr = d.findElement(row);
              assertThat(tr.findElement(By.className("reason")).getText())
                  .isEqualTo("handler_failed");
              assertThat(tr.findElement(By.className("error")).getText())
                  .contains("poisoned: " + SCRIPT);
            });
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              Browser.click(() -> d.findElement(row).findElement(By.className("inspect")));
              assertThat(d.findElement(By.id("dl-knowledge")).getText()).contains(SCRIPT);
            });
    assertThat(d.findElements(By.cssSelector("#view-deadletters script"))).isEmpty();
    assertThat(d.executeScript("return window.__pwned === undefined")).isEqualTo(true);
    browser.screenshot("deadletters");

    // without the token: refused, the dead letter stays
    Browser.click(() -> d.findElement(row).findElement(By.className("replay")));
    await()
        .atMost(WAIT)
        .untilAsserted(() -> assertThat(d.findElement(By.id("message")).getText()).contains("401"));
    d.findElement(By.id("token")).sendKeys("not-the-token");
    Browser.click(() -> d.findElement(row).findElement(By.className("replay")));
    await()
        .atMost(WAIT)
        .untilAsserted(() -> assertThat(d.findElement(By.id("message")).getText()).contains("403"));
    assertThat(reef.deadLetters(channel).list(100)).anyMatch(r -> r.id().equals(poison.id()));
    assertThat(workerGot).isEmpty();

    // with the token: back to the worker's mailbox, and the handler gets it
    failing.set(false);
    d.findElement(By.id("token")).clear();
    d.findElement(By.id("token")).sendKeys(TOKEN);
    Browser.click(() -> d.findElement(row).findElement(By.className("replay")));
    await().atMost(WAIT).until(() -> workerGot.size() == 1);
    assertThat(workerGot.get(0)).isEqualTo(poison);
    await().atMost(WAIT).until(() -> d.findElements(row).isEmpty());
    assertThat(d.findElement(By.id("message")).getText()).contains("replayed " + poison.id());
  }

  @Test
  void actionsNeedTheTokenAndTerminateAsksForConfirmation() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    URI terminate = console.url().resolve("api/agents/terminate");
    String body = "{\"channel\":\"" + channel + "\",\"agent\":\"doomed\"}";
    HttpResponse<String> none =
        http.send(
            HttpRequest.newBuilder(terminate)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(none.statusCode()).isEqualTo(401);
    HttpResponse<String> wrong =
        http.send(
            HttpRequest.newBuilder(terminate)
                .header(ConsoleHttp.TOKEN_HEADER, "wrong-token")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(wrong.statusCode()).isEqualTo(403);
    HttpResponse<String> purge =
        http.send(
            HttpRequest.newBuilder(console.url().resolve("api/deadletters/purge"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"channel\":\"" + channel + "\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(purge.statusCode()).isEqualTo(401);
    assertThat(reef.directory().isTerminated(channel, "doomed")).isFalse();

    ChromeDriver d = open();
    await()
        .atMost(WAIT)
        .until(() -> !d.findElements(By.cssSelector(".card[data-agent='doomed']")).isEmpty());
    // in the page without the token: refused
    Browser.click(() -> card(d, "doomed").findElement(By.className("terminate")));
    d.findElement(By.id("confirm-ok")).click();
    await()
        .atMost(WAIT)
        .untilAsserted(() -> assertThat(d.findElement(By.id("message")).getText()).contains("401"));
    // cancelling the confirmation does nothing
    d.findElement(By.id("token")).sendKeys(TOKEN);
    Browser.click(() -> card(d, "doomed").findElement(By.className("terminate")));
    d.findElement(By.id("confirm-cancel")).click();
    assertThat(reef.directory().isTerminated(channel, "doomed")).isFalse();
    // confirmed with the token: terminated, and the card says so live
    Browser.click(() -> card(d, "doomed").findElement(By.className("terminate")));
    d.findElement(By.id("confirm-ok")).click();
    await().atMost(WAIT).until(() -> reef.directory().isTerminated(channel, "doomed"));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> assertThat(card(d, "doomed").getDomAttribute("class")).contains("TERMINATED"));
  }
}
