package dev.reef.examples.demo;

import dev.reef.Reef;
import dev.reef.ReefOptions;
import dev.reef.examples.workflow.Conversation;
import dev.reef.examples.workflow.WorkflowResult;
import dev.reef.examples.workflow.WorkflowSettings;
import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The console header and summary of the demos. */
final class Report {
  private static final int WRAP = 96;

  private Report() {}

  /**
   * A reef on the backend the given environment selects, as {@link Reef#fromEnvironment()} does
   * with the process's: RabbitMQ when {@code REEF_AMQP_URI} is set, in memory otherwise.
   */
  static Reef reef(Map<String, String> env) {
    return reef(env, ReefOptions.ofDefaults());
  }

  /** As {@link #reef(Map)}, with options (for example the metrics endpoint's observer). */
  static Reef reef(Map<String, String> env, ReefOptions options) {
    String uri = env.get(Reef.AMQP_URI_ENV);
    if (uri == null || uri.isBlank()) {
      return Reef.create(Reef.backendFor(URI.create("memory:demo")), options);
    }
    return Reef.create(Reef.backendFor(URI.create(uri.trim())), options);
  }

  /** The backend the environment selects, without credentials. */
  static String backend(Map<String, String> env) {
    String uri = env.get(Reef.AMQP_URI_ENV);
    if (uri == null || uri.isBlank()) {
      return "in-memory backend";
    }
    try {
      URI u = URI.create(uri.trim());
      return "RabbitMQ at "
          + u.getScheme()
          + "://"
          + u.getHost()
          + (u.getPort() < 0 ? "" : ":" + u.getPort());
    } catch (IllegalArgumentException e) {
      return "RabbitMQ (" + Reef.AMQP_URI_ENV + " is not a valid URI)";
    }
  }

  static void header(PrintStream out, WorkflowSettings s, String backend, String agents) {
    out.printf(
        Locale.ROOT,
        "Reef demo: %s on channel '%s' (%s), run %s%n",
        agents,
        s.channel(),
        backend,
        s.runId());
    out.printf(Locale.ROOT, "Topic: %s%n%n", s.topic());
    out.printf(
        Locale.ROOT,
        "%-12s  %-11s    %-11s %-12s %-3s %s%n",
        "time (UTC)",
        "from",
        "to",
        "type",
        "pri",
        "knowledge");
  }

  static void summary(PrintStream out, WorkflowResult r, Conversation conversation) {
    out.println();
    out.println("Summary");
    if (r.ok()) {
      out.printf(
          Locale.ROOT,
          "  run %s completed in %s: gather %s, summary %s%n",
          r.settings().runId(),
          Conversation.millis(r.total()),
          Conversation.millis(r.gatherTime()),
          Conversation.millis(r.summaryTime()));
    } else {
      out.printf(Locale.ROOT, "  run %s FAILED: %s%n", r.settings().runId(), r.failure());
    }
    for (String line : conversation.tally()) {
      out.println("  " + line);
    }
    if (r.summaryText() != null) {
      out.println("  writer's summary:");
      for (String line : wrap(r.summaryText(), WRAP)) {
        out.println("    " + line);
      }
    }
    out.flush();
  }

  static List<String> wrap(String text, int width) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : text.split(" ")) {
      if (line.length() > 0 && line.length() + 1 + word.length() > width) {
        lines.add(line.toString());
        line.setLength(0);
      }
      if (line.length() > 0) {
        line.append(' ');
      }
      line.append(word);
    }
    if (line.length() > 0) {
      lines.add(line.toString());
    }
    return lines;
  }
}
