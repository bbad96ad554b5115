package dev.reef.examples.demo;

import com.sun.net.httpserver.HttpServer;
import dev.reef.ReefOptions;
import dev.reef.micrometer.ReefMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The demo's optional Prometheus endpoint: with {@code REEF_METRICS_PORT} set, an agent's reef gets
 * a {@link ReefMetrics} on a Prometheus registry, and {@code http://127.0.0.1:<port>/metrics}
 * serves the scrape text (JDK {@code HttpServer}, loopback only). See docs/observability.md.
 */
final class MetricsEndpoint implements AutoCloseable {
  /** The environment variable naming the port; 0 picks a free one. */
  static final String PORT_ENV = "REEF_METRICS_PORT";

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final HttpServer server;

  private MetricsEndpoint(int port) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    server.createContext(
        "/metrics",
        exchange -> {
          byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
  }

  /**
   * Starts the endpoint if the environment asks for it.
   *
   * @return the endpoint, or null when {@value #PORT_ENV} is not set
   * @throws IOException if the port cannot be bound
   * @throws IllegalArgumentException if the port is not a number from 0 to 65535
   */
  static MetricsEndpoint fromEnvironment(Map<String, String> env) throws IOException {
    String port = env.get(PORT_ENV);
    if (port == null || port.isBlank()) {
      return null;
    }
    int p;
    try {
      p = Integer.parseInt(port.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(PORT_ENV + " must be a port number, was " + port, e);
    }
    if (p < 0 || p > 65535) {
      throw new IllegalArgumentException(PORT_ENV + " must be 0..65535, was " + p);
    }
    return new MetricsEndpoint(p);
  }

  /** Options with this endpoint's metrics observer added. */
  ReefOptions.Builder instrument(ReefOptions.Builder options) {
    return options.observer(ReefMetrics.builder(registry).build());
  }

  /** The bound port. */
  int port() {
    return server.getAddress().getPort();
  }

  /** The scrape text, as the endpoint serves it. */
  String scrape() {
    return registry.scrape();
  }

  @Override
  public void close() {
    server.stop(0);
    registry.close();
  }
}
