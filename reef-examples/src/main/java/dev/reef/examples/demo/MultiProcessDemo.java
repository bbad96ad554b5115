package dev.reef.examples.demo;

import dev.reef.Reef;
import dev.reef.examples.workflow.AgentNames;
import dev.reef.examples.workflow.WorkflowSettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Starts the workflow as one JVM per agent, talking through RabbitMQ ({@code REEF_AMQP_URI}): the
 * writer, researcher and analyst first, then the coordinator. Prints every process's output with
 * the agent's name in front, waits until the coordinator finished and the others saw the run
 * complete, and exits 0 if every process did.
 *
 * <p>Usage: {@code MultiProcessDemo [--transcripts DIR]}; with {@code --transcripts} every agent
 * also writes what it sent and received to {@code DIR/<agent>.jsonl}. The environment is passed on:
 * {@code REEF_AMQP_URI} (required), {@code REEF_CHANNEL}, {@code REEF_DEMO_TOPIC}, {@code
 * REEF_DEMO_TIMEOUT_SECONDS} (default 60 here, as each agent starts its own JVM), {@code
 * REEF_METRICS_PORT} (the writer serves Prometheus metrics on that port, the researcher on the
 * next, then the analyst and the coordinator; see docs/observability.md).
 */
public final class MultiProcessDemo {
  private static final long STRAGGLER_SECONDS = 30;

  private MultiProcessDemo() {}

  /**
   * Runs the demo.
   *
   * @param args optional {@code --transcripts DIR}
   * @throws InterruptedException if interrupted
   */
  public static void main(String[] args) throws InterruptedException {
    Path transcripts = null;
    if (args.length == 2 && args[0].equals("--transcripts")) {
      transcripts = Path.of(args[1]);
    } else if (args.length != 0) {
      System.err.println("usage: MultiProcessDemo [--transcripts DIR]");
      System.exit(2);
    }
    String uri = System.getenv(Reef.AMQP_URI_ENV);
    if (uri == null || uri.isBlank()) {
      System.err.println(
          "The multi-process demo needs RabbitMQ: set "
              + Reef.AMQP_URI_ENV
              + ", e.g. "
              + Reef.AMQP_URI_ENV
              + "=amqp://guest:guest@localhost:5672");
      System.exit(2);
    }
    System.exit(run(System.getenv(), transcripts, System.out));
  }

  static int run(Map<String, String> env, Path transcripts, PrintStream out)
      throws InterruptedException {
    Map<String, String> childEnv = new HashMap<>();
    childEnv.put("REEF_DEMO_RUN", env.getOrDefault("REEF_DEMO_RUN", WorkflowSettings.newRunId()));
    childEnv.putIfAbsent("REEF_DEMO_TIMEOUT_SECONDS", "60");
    childEnv.putAll(filter(env));
    WorkflowSettings settings = WorkflowSettings.fromEnvironment(childEnv);
    out.printf(
        Locale.ROOT,
        "Starting %d JVMs (one per agent) on channel '%s' (%s), run %s%n",
        AgentNames.ALL.size(),
        settings.channel(),
        Report.backend(env),
        settings.runId());
    if (transcripts != null) {
      try {
        Files.createDirectories(transcripts);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    Map<String, Process> processes = new LinkedHashMap<>();
    List<Thread> pumps = new ArrayList<>();
    // The coordinator declares every mailbox, so the start order does not matter for delivery;
    // starting it last lets the others warm up.
    List<String> order =
        List.of(
            AgentNames.WRITER, AgentNames.RESEARCHER, AgentNames.ANALYST, AgentNames.COORDINATOR);
    try {
      for (String agent : order) {
        Map<String, String> e = new HashMap<>(childEnv);
        // Per-process settings are never shared between the agents.
        e.remove("REEF_READY_FILE");
        e.remove("REEF_DEMO_TRANSCRIPT");
        metricsPort(childEnv, order.indexOf(agent))
            .ifPresent(port -> e.put(MetricsEndpoint.PORT_ENV, port));
        if (transcripts != null) {
          e.put("REEF_DEMO_TRANSCRIPT", transcripts.resolve(agent + ".jsonl").toString());
        }
        ProcessBuilder pb = JavaProcesses.builder(AgentMain.class, List.of(agent), e);
        Process p;
        try {
          p = pb.start();
        } catch (IOException ex) {
          throw new UncheckedIOException("cannot start the JVM of " + agent, ex);
        }
        processes.put(agent, p);
        pumps.add(pump(agent, p, out));
      }
      long coordinatorWait = settings.timeout().toSeconds() * 3 + STRAGGLER_SECONDS;
      Process coordinator = processes.get(AgentNames.COORDINATOR);
      if (!coordinator.waitFor(coordinatorWait, TimeUnit.SECONDS)) {
        out.println("coordinator did not finish within " + coordinatorWait + " s");
      }
      for (Process p : processes.values()) {
        p.waitFor(STRAGGLER_SECONDS, TimeUnit.SECONDS);
      }
    } finally {
      for (Process p : processes.values()) {
        if (p.isAlive()) {
          p.destroyForcibly();
          p.waitFor(10, TimeUnit.SECONDS);
        }
      }
      for (Thread t : pumps) {
        t.join(5_000);
      }
    }
    int failures = 0;
    StringBuilder codes = new StringBuilder();
    for (Map.Entry<String, Process> e : processes.entrySet()) {
      int code = e.getValue().exitValue();
      failures += code == 0 ? 0 : 1;
      codes.append(codes.length() == 0 ? "" : ", ").append(e.getKey()).append('=').append(code);
    }
    out.printf(
        Locale.ROOT,
        "%nAll processes ended: %s -> %s%n",
        codes,
        failures == 0 ? "OK" : failures + " FAILED");
    return failures == 0 ? 0 : 1;
  }

  /**
   * The metrics port of the i-th agent: {@code REEF_METRICS_PORT} + i, so that the four JVMs do not
   * compete for one port (0 stays 0: each picks a free one and prints it).
   */
  static java.util.Optional<String> metricsPort(Map<String, String> env, int index) {
    String base = env.get(MetricsEndpoint.PORT_ENV);
    if (base == null || base.isBlank()) {
      return java.util.Optional.empty();
    }
    try {
      int p = Integer.parseInt(base.trim());
      return java.util.Optional.of(Integer.toString(p == 0 ? 0 : p + index));
    } catch (NumberFormatException ex) {
      return java.util.Optional.of(base); // AgentMain reports it
    }
  }

  private static Map<String, String> filter(Map<String, String> env) {
    Map<String, String> passed = new HashMap<>();
    env.forEach(
        (k, v) -> {
          if (k.startsWith("REEF_")) {
            passed.put(k, v);
          }
        });
    return passed;
  }

  private static Thread pump(String agent, Process p, PrintStream out) {
    String prefix = String.format(Locale.ROOT, "[%-11s] ", agent);
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  synchronized (out) {
                    out.println(prefix + line);
                  }
                }
              } catch (IOException e) {
                synchronized (out) {
                  out.println(prefix + "(output lost: " + e.getMessage() + ")");
                }
              }
            },
            "output-" + agent);
    t.setDaemon(true);
    t.start();
    return t;
  }
}
