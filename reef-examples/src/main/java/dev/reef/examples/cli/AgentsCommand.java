package dev.reef.examples.cli;

import dev.reef.ReefException;
import dev.reef.amqp.AmqpDirectoryStore;
import dev.reef.directory.AgentDirectory;
import dev.reef.directory.AgentStatus;
import dev.reef.directory.DirectoryEntry;
import dev.reef.directory.DirectoryQuery;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code agents}: the cards of a channel's directory (docs/directory.md), optionally filtered by
 * kind or capability, each with its state, live instances, mailbox depth and consumers. Exit code 1
 * when nothing matches.
 */
final class AgentsCommand {
  static final Set<String> OPTIONS = Set.of("uri", "channel", "kind", "capability", "dead-letters");

  private AgentsCommand() {}

  static int run(CliArgs a, Map<String, String> env, PrintStream out) {
    Broker broker = Broker.from(a, env);
    String channel = a.get("channel", "main");
    DirectoryQuery query = query(a);
    try (AgentDirectory directory = open(broker)) {
      List<DirectoryEntry> entries = directory.discover(channel, query);
      out.printf(
          Locale.ROOT,
          "Agents on channel '%s' (%s): %d%n",
          channel,
          broker.display(),
          entries.size());
      for (DirectoryEntry e : entries) {
        AgentStatus s = directory.status(channel, e.name());
        out.printf(
            Locale.ROOT,
            "  %-24s %-24s %-10s %2d instance(s)  %6s ready  %3s consumers  %s %s%n",
            e.name(),
            e.card().kind(),
            s.state(),
            e.instances().size(),
            s.mailboxDepth() < 0 ? "-" : Long.toString(s.mailboxDepth()),
            s.consumers() < 0 ? "-" : Integer.toString(s.consumers()),
            e.card().capabilities(),
            e.card().version());
      }
      return entries.isEmpty() ? 1 : 0;
    } catch (ReefException e) {
      throw new CliFailure(3, "agents failed: " + e.getMessage(), e);
    }
  }

  static AgentDirectory open(Broker broker) {
    return AgentDirectory.create(AmqpDirectoryStore.builder().backend(broker.backend()).build());
  }

  private static DirectoryQuery query(CliArgs a) {
    String kind = a.get("kind", null);
    String capability = a.get("capability", null);
    try {
      DirectoryQuery q = kind == null ? DirectoryQuery.all() : DirectoryQuery.kind(kind);
      return capability == null ? q : q.withCapability(capability);
    } catch (ReefException e) {
      throw new UsageException(e.getMessage());
    }
  }
}
