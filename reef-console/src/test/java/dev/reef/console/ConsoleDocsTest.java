package dev.reef.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reef.Reef;
import dev.reef.Spore;
import dev.reef.directory.AgentCard;
import dev.reef.directory.Registration;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * docs/console.md's embedding example is the compiled one, and it runs on the in-memory backend:
 * the same JSON API and actions as on RabbitMQ (the browser tests), without the flow tail.
 */
class ConsoleDocsTest {
  private static final String TOKEN = "docs-test-token";
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void theEmbeddingExampleInTheDocIsTheCompiledOne() throws IOException {
    String doc = Files.readString(Path.of("..", "docs", "console.md"));
    String source =
        Files.readString(Path.of("src/test/java/dev/reef/console/EmbeddedConsoleExample.java"));
    String inDoc = between(doc, "<!-- embed:start -->\n```java\n", "```\n<!-- embed:end -->");
    String inSource = between(source, "// console:embed:start\n", "    // console:embed:end");
    assertThat(dedent(inDoc)).isEqualTo(dedent(inSource));
  }

  @Test
  void onTheInMemoryBackendTheApiShowsAgentsAndDeadLettersAndGuardsItsActions() throws Exception {
    AtomicBoolean failing = new AtomicBoolean(true);
    List<Spore> got = new CopyOnWriteArrayList<>();
    try (Reef reef = Reef.inMemory();
        Registration ignored =
            reef.directory()
                .register(
                    "main",
                    AgentCard.builder("bob").kind("tool.calc").capabilities("add", "mul").build());
        ReefConsole console = EmbeddedConsoleExample.embed(reef, TOKEN, null)) {
      reef.subscribe(
          "bob",
          s -> {
            if (failing.get()) {
              throw new IllegalStateException("poison");
            }
            got.add(s);
          });
      URI url = console.url();
      assertThat(url.getHost()).isEqualTo("127.0.0.1");

      String agents = get(url.resolve("api/agents")).body();
      assertThat(agents)
          .contains(
              "\"name\":\"bob\"", "\"kind\":\"tool.calc\"", "\"capabilities\":[\"add\",\"mul\"]")
          .contains("\"state\":\"ACTIVE\"");
      assertThat(get(url.resolve("api/flow")).body()).contains("\"flow\":false");
      assertThat(get(url.resolve("api/overview")).body()).contains("\"broker\":\"in-memory\"");

      Spore poison = reef.send("alice", "bob", Map.of("text", "<script>x()</script>")).join();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> get(url.resolve("api/deadletters")).body().contains(poison.id()));
      String inspected = get(url.resolve("api/deadletters/spore?id=" + poison.id())).body();
      assertThat(inspected).contains("handler_failed").contains("<script>x()</script>");

      String replay = "{\"channel\":\"main\",\"id\":\"" + poison.id() + "\"}";
      assertThat(post(url.resolve("api/deadletters/replay"), replay, null).statusCode())
          .isEqualTo(401);
      assertThat(post(url.resolve("api/deadletters/replay"), replay, "wrong-token").statusCode())
          .isEqualTo(403);
      failing.set(false);
      assertThat(post(url.resolve("api/deadletters/replay"), replay, TOKEN).statusCode())
          .isEqualTo(200);
      await().atMost(Duration.ofSeconds(30)).until(() -> got.size() == 1);
      assertThat(got.get(0).id()).isEqualTo(poison.id());
      assertThat(post(url.resolve("api/deadletters/replay"), replay, TOKEN).statusCode())
          .as("replayed already")
          .isEqualTo(404);

      // purge: refused without the token, then empties the channel's dead letters
      failing.set(true);
      Spore second = reef.send("alice", "bob", Map.of("n", 2)).join();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> get(url.resolve("api/deadletters")).body().contains(second.id()));
      String purge = "{\"channel\":\"main\"}";
      assertThat(post(url.resolve("api/deadletters/purge"), purge, null).statusCode())
          .isEqualTo(401);
      HttpResponse<String> purged = post(url.resolve("api/deadletters/purge"), purge, TOKEN);
      assertThat(purged.statusCode()).isEqualTo(200);
      assertThat(purged.body()).isEqualTo("{\"purged\":1}");
      assertThat(reef.deadLetters("main").count()).isZero();

      // a request naming another host (DNS rebinding) is refused on a loopback console
      assertThat(rawStatus(url, "evil.example:" + url.getPort())).isEqualTo(403);
      assertThat(rawStatus(url, "localhost:" + url.getPort())).isEqualTo(200);

      String terminate = "{\"channel\":\"main\",\"agent\":\"bob\"}";
      assertThat(post(url.resolve("api/agents/terminate"), terminate, null).statusCode())
          .isEqualTo(401);
      assertThat(reef.directory().isTerminated("main", "bob")).isFalse();
      assertThat(post(url.resolve("api/agents/terminate"), terminate, TOKEN).statusCode())
          .isEqualTo(200);
      assertThat(reef.directory().isTerminated("main", "bob")).isTrue();

      assertThat(
              post(url.resolve("api/agents/terminate"), "{\"agent\":\"bad name!\"}", TOKEN)
                  .statusCode())
          .as("a typed error for a bad name")
          .isEqualTo(400);
      assertThat(post(url.resolve("api/deadletters/purge"), "not json", TOKEN).statusCode())
          .isEqualTo(400);
    }
  }

  /** The status of a GET of /api/overview with a Host header of our choosing (raw HTTP/1.1). */
  @Test
  void onTheInMemoryBackendTheTasksApiListsTasksTheirTimelineAndGuardsCancel() throws Exception {
    java.util.concurrent.CountDownLatch goOn = new java.util.concurrent.CountDownLatch(1);
    try (Reef reef = Reef.inMemory();
        dev.reef.task.TaskServing serving =
            reef.channel("main")
                .tasks()
                .serve(
                    "bob",
                    ctx -> {
                      ctx.componentProgress("read", 0.5, "<b>half</b>");
                      goOn.await(20, java.util.concurrent.TimeUnit.SECONDS);
                      return Map.of();
                    });
        ReefConsole console = EmbeddedConsoleExample.embed(reef, TOKEN, null)) {
      URI url = console.url();
      assertThat(get(url.resolve("api/overview")).body()).contains("\"tasks\":true");
      dev.reef.task.TaskHandle h = reef.channel("main").tasks().submit("alice", "bob", Map.of());
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(get(url.resolve("api/tasks")).body())
                      .contains("\"id\":\"" + h.id() + "\",\"state\":\"WORKING\"")
                      .contains("\"components\":[{\"name\":\"read\",\"progress\":0.5"));
      HttpResponse<String> timeline = get(url.resolve("api/tasks/timeline?id=" + h.id()));
      assertThat(timeline.statusCode()).isEqualTo(200);
      assertThat(timeline.body())
          .contains("\"type\":\"SUBMITTED\"", "\"type\":\"STARTED\"", "\"type\":\"PROGRESS\"")
          .contains("<b>half</b>");
      assertThat(get(url.resolve("api/tasks/timeline?id=nope")).statusCode()).isEqualTo(404);
      assertThat(get(url.resolve("api/tasks/timeline?id=%20")).statusCode()).isEqualTo(400);

      String body = "{\"id\":\"" + h.id() + "\"}";
      assertThat(post(url.resolve("api/tasks/cancel"), body, null).statusCode()).isEqualTo(401);
      assertThat(post(url.resolve("api/tasks/cancel"), body, "wrong").statusCode()).isEqualTo(403);
      assertThat(reef.channel("main").tasks().status(h.id()).cancelRequested()).isFalse();
      assertThat(post(url.resolve("api/tasks/cancel"), "{\"id\":\"nope\"}", TOKEN).statusCode())
          .isEqualTo(404);
      HttpResponse<String> ok = post(url.resolve("api/tasks/cancel"), body, TOKEN);
      assertThat(ok.statusCode()).isEqualTo(200);
      goOn.countDown();
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(get(url.resolve("api/tasks")).body())
                      .contains("\"id\":\"" + h.id() + "\",\"state\":\"CANCELED\""));
    }
  }

  private static int rawStatus(URI url, String host) throws IOException {
    try (Socket socket = new Socket(url.getHost(), url.getPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET /api/overview HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String status =
          new BufferedReader(
                  new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
              .readLine();
      return Integer.parseInt(status.split(" ")[1]);
    }
  }

  private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(URI uri, String body, String token)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header(ConsoleHttp.TOKEN_HEADER, token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String between(String text, String start, String end) {
    int from = text.indexOf(start);
    assertThat(from).as("marker %s", start).isNotNegative();
    int to = text.indexOf(end, from + start.length());
    assertThat(to).as("marker %s", end).isNotNegative();
    return text.substring(from + start.length(), to);
  }

  private static String dedent(String block) {
    List<String> lines =
        Arrays.stream(block.split("\n")).filter(l -> !l.isBlank()).collect(Collectors.toList());
    int indent =
        lines.stream().mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
    return lines.stream().map(l -> l.substring(indent)).collect(Collectors.joining("\n"));
  }
}
