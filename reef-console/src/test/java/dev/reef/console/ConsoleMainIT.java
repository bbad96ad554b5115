package dev.reef.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reef.amqp.AmqpDirectoryStore;
import dev.reef.amqp.test.RabbitMqBroker;
import dev.reef.amqp.test.TestBroker;
import dev.reef.spi.DirectoryStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The one command of docs/console.md, as an operator runs it: {@code java -jar
 * target/reef-console.jar --uri ... --channel ... --port 0} serves the page, prints its address and
 * a token, never the broker's password, and refuses actions without the token.
 */
@ExtendWith(RabbitMqBroker.class)
class ConsoleMainIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  void theJarServesThePageAndPrintsTheTokenButNotThePassword() throws Exception {
    Path jar = Path.of("target", "reef-console.jar").toAbsolutePath();
    assertThat(jar).as("run the ITs with mvn verify, after package").isRegularFile();
    try (JarFile file = new JarFile(jar.toFile())) {
      assertThat(file.getManifest().getMainAttributes().getValue("Main-Class"))
          .isEqualTo(ConsoleMain.class.getName());
      assertThat(file.getManifest().getMainAttributes().getValue("Automatic-Module-Name"))
          .isEqualTo("dev.reef.console");
    }
    TestBroker broker = new TestBroker(RabbitMqBroker.uri());
    String channel = TestBroker.unique("console-main").replace('.', '-');
    broker.deleteExchangeAfter("reef." + channel);
    broker.deleteExchangeAfter("reef-dlx." + channel);
    broker.deleteQueueAfter("reef-dlq." + channel);
    broker.deleteQueueAfter(AmqpDirectoryStore.streamFor(channel, DirectoryStore.Log.RECORDS));
    broker.deleteQueueAfter(AmqpDirectoryStore.streamFor(channel, DirectoryStore.Log.LEASES));
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                jar.toString(),
                "--uri",
                broker.uri(),
                "--channel",
                channel,
                "--port",
                "0")
            .redirectErrorStream(true)
            .start();
    List<String> lines = new CopyOnWriteArrayList<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                  lines.add(line);
                }
              } catch (java.io.IOException e) {
                // the process ended
              }
            });
    reader.setDaemon(true);
    reader.start();
    try {
      await().atMost(WAIT).until(() -> lines.stream().anyMatch(l -> l.startsWith("token for")));
      String at =
          lines.stream().filter(l -> l.startsWith("Reef console at ")).findFirst().orElseThrow();
      URI url = URI.create(at.substring("Reef console at ".length()).split(" ")[0]);
      String token =
          lines.stream()
              .filter(l -> l.startsWith("token for"))
              .findFirst()
              .orElseThrow()
              .replaceAll(".*: ", "");
      assertThat(url.getHost()).isEqualTo("127.0.0.1");
      assertThat(String.join("\n", lines)).doesNotContain(":guest@").contains(channel);

      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> overview =
          http.send(
              HttpRequest.newBuilder(url.resolve("api/overview")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(overview.statusCode()).isEqualTo(200);
      assertThat(overview.body())
          .contains(channel)
          .contains("\"flow\":true")
          .doesNotContain("guest");
      HttpResponse<String> page =
          http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.headers().firstValue("Content-Security-Policy"))
          .hasValueSatisfying(csp -> assertThat(csp).contains("script-src 'self'"));
      String purge = "{\"channel\":\"" + channel + "\"}";
      HttpResponse<String> refused =
          http.send(
              HttpRequest.newBuilder(url.resolve("api/deadletters/purge"))
                  .POST(HttpRequest.BodyPublishers.ofString(purge))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(refused.statusCode()).isEqualTo(401);
      HttpResponse<String> purged =
          http.send(
              HttpRequest.newBuilder(url.resolve("api/deadletters/purge"))
                  .header(ConsoleHttp.TOKEN_HEADER, token)
                  .POST(HttpRequest.BodyPublishers.ofString(purge))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(purged.statusCode()).isEqualTo(200);
      assertThat(purged.body()).isEqualTo("{\"purged\":0}");
      HttpResponse<String> otherChannel =
          http.send(
              HttpRequest.newBuilder(url.resolve("api/agents?channel=not-shown")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(otherChannel.statusCode()).isEqualTo(400);
    } finally {
      p.destroy();
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
      broker.close();
    }
  }
}
