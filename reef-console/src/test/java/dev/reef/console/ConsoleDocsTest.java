package dev.reef.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reef.Reef;
import dev.reef.Spore;
import dev.reef.directory.AgentCard;
import dev.reef.directory.Registration;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
