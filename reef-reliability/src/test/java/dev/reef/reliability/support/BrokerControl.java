package dev.reef.reliability.support;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Stops and starts the RabbitMQ application of the local broker node with {@code rabbitmqctl
 * stop_app} / {@code start_app} (the Erlang VM keeps running; durable queues and persistent
 * messages are recovered from disk on start). Only possible when the broker under test runs on this
 * machine and {@code rabbitmqctl} is installed and allowed to talk to it.
 */
public final class BrokerControl {
  private BrokerControl() {}

  /**
   * Why the broker at {@code brokerUri} cannot be restarted by this test run, or empty when it can:
   * the broker is not on the loopback interface, or {@code rabbitmqctl} is not installed. When
   * {@code rabbitmqctl} exists but fails, that is not a reason: the restart case fails loudly.
   */
  public static Optional<String> cannotRestartReason(URI brokerUri) {
    String host = brokerUri.getHost();
    try {
      if (host == null || !InetAddress.getByName(host).isLoopbackAddress()) {
        return Optional.of(
            "the broker under test ("
                + host
                + ") is not on this machine's loopback interface, so the test cannot restart it");
      }
    } catch (UnknownHostException e) {
      return Optional.of("the broker host " + host + " does not resolve");
    }
    int port = brokerUri.getPort() > 0 ? brokerUri.getPort() : 5672;
    if (port != 5672) {
      return Optional.of(
          "the broker under test listens on port "
              + port
              + ", not on the local node's 5672 (a container or a second node?), so rabbitmqctl"
              + " here would restart a different broker");
    }
    if (rabbitmqctl().isEmpty()) {
      return Optional.of(
          "rabbitmqctl is not installed on this machine (PATH="
              + System.getenv("PATH")
              + "), so the local broker cannot be restarted by the test");
    }
    return Optional.empty();
  }

  /** Stops the RabbitMQ application (not the Erlang node). */
  public static void stopApp() {
    run("stop_app");
  }

  /** Starts the RabbitMQ application and waits until it has fully booted. */
  public static void startApp() {
    run("start_app");
    run("await_startup");
  }

  /**
   * For failure messages: {@code rabbitmqctl list_queues} of the queues whose names contain {@code
   * part} (ready, unacknowledged, consumers), or why it is not available. Never throws.
   */
  public static String describeQueues(String part) {
    try {
      String out =
          run(
              "list_queues",
              "-q",
              "name",
              "messages_ready",
              "messages_unacknowledged",
              "consumers");
      StringBuilder sb = new StringBuilder("name ready unacked consumers\n");
      for (String line : out.split("\n")) {
        if (line.contains(part)) {
          sb.append(line.trim()).append('\n');
        }
      }
      return sb.toString();
    } catch (RuntimeException e) {
      return "(queue state unavailable: " + e.getMessage() + ")";
    }
  }

  private static Optional<Path> rabbitmqctl() {
    String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/sbin";
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path p = Paths.get(dir, "rabbitmqctl");
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  private static String run(String command, String... args) {
    Path ctl =
        rabbitmqctl().orElseThrow(() -> new IllegalStateException("rabbitmqctl not found on PATH"));
    List<String> cmd = new ArrayList<>();
    cmd.add(ctl.toString());
    cmd.add(command);
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      p.getOutputStream().close();
      String out;
      try (InputStream in = p.getInputStream()) {
        out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("rabbitmqctl " + command + " did not finish in 120 s");
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            "rabbitmqctl " + command + " failed (exit " + p.exitValue() + "): " + out.trim());
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run rabbitmqctl " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running rabbitmqctl " + command, e);
    }
  }
}
