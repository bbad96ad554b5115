package dev.reef.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.reef.Reef;
import dev.reef.ReefOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The demo's Prometheus endpoint serves the reef's meters. */
class MetricsEndpointTest {

  @Test
  void withoutThePortVariableThereIsNoEndpoint() throws Exception {
    assertThat(MetricsEndpoint.fromEnvironment(Map.of())).isNull();
    assertThatThrownBy(() -> MetricsEndpoint.fromEnvironment(Map.of("REEF_METRICS_PORT", "x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("REEF_METRICS_PORT");
  }

  @Test
  void theMultiProcessDemoGivesEachAgentItsOwnPort() {
    Map<String, String> env = Map.of("REEF_METRICS_PORT", "9464");
    assertThat(MultiProcessDemo.metricsPort(env, 0)).contains("9464");
    assertThat(MultiProcessDemo.metricsPort(env, 3)).contains("9467");
    assertThat(MultiProcessDemo.metricsPort(Map.of("REEF_METRICS_PORT", "0"), 2)).contains("0");
    assertThat(MultiProcessDemo.metricsPort(Map.of(), 1)).isEmpty();
  }

  @Test
  void theEndpointServesTheReefsMetersAsPrometheusText() throws Exception {
    try (MetricsEndpoint endpoint =
            MetricsEndpoint.fromEnvironment(Map.of("REEF_METRICS_PORT", "0"));
        Reef reef = Report.reef(Map.of(), endpoint.instrument(ReefOptions.custom()).build())) {
      reef.subscribe("writer", s -> {});
      reef.send("coordinator", "writer", Map.of("task", "summarize")).get();
      assertThat(reef.awaitIdle(Duration.ofSeconds(10))).isTrue();
      HttpClient http = HttpClient.newHttpClient();
      HttpRequest get =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + "/metrics"))
              .build();

      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                HttpResponse<String> r = http.send(get, HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body())
                    .contains(
                        "reef_spores_total{agent=\"writer\",channel=\"main\",event=\"handled\","
                            + "type=\"knowledge\"} 1.0")
                    .contains("reef_process_seconds_count{agent=\"writer\"")
                    .contains("reef_handlers_in_flight 0.0");
              });
      System.out.println(endpoint.scrape()); // the sample in docs/observability.md
    }
  }
}
