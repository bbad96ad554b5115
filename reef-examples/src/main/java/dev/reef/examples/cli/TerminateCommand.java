package dev.reef.examples.cli;

import dev.reef.Reef;
import dev.reef.ReefException;
import dev.reef.amqp.AmqpBackend;
import dev.reef.directory.AgentDirectory;
import dev.reef.directory.MailboxTerminator;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code terminate}: ends an agent for good (docs/directory.md). It writes the termination to the
 * directory, then empties the agent's mailbox: waiting requests are answered with a termination
 * response, other spores are dead-lettered with reason {@code terminated}. With {@code --revive} it
 * allows the name to be registered again instead.
 */
final class TerminateCommand {
  static final Set<String> OPTIONS = Set.of("uri", "channel", "agent", "quiet", "dead-letters");
  static final Set<String> FLAGS = Set.of("revive");

  private TerminateCommand() {}

  static int run(CliArgs a, Map<String, String> env, PrintStream out) {
    Broker broker = Broker.from(a, env);
    String channel = a.get("channel", "main");
    String agent = a.require("agent");
    Duration quiet = a.duration("quiet", Duration.ofSeconds(2));
    try (AgentDirectory directory = AgentsCommand.open(broker)) {
      if (a.flag("revive")) {
        directory.revive(channel, agent);
        out.printf(Locale.ROOT, "Revived '%s' on channel '%s'%n", agent, channel);
        return 0;
      }
      AmqpBackend backend = broker.backend();
      Reef reef = Reef.create(backend); // starts the backend the drain receives through
      try {
        MailboxTerminator.Result r =
            MailboxTerminator.terminate(directory, backend, channel, agent, quiet);
        out.printf(
            Locale.ROOT,
            "Terminated '%s' on channel '%s': %d request(s) answered, %d spore(s) dead-lettered%n",
            agent,
            channel,
            r.answered(),
            r.deadLettered());
      } finally {
        reef.close();
      }
      return 0;
    } catch (ReefException e) {
      throw new CliFailure(3, "terminate failed: " + e.getMessage(), e);
    }
  }
}
