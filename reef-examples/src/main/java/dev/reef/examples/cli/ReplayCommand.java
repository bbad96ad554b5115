package dev.reef.examples.cli;

import dev.reef.DeadLetterRecord;
import dev.reef.DeadLetters;
import dev.reef.Reef;
import dev.reef.ReefException;
import dev.reef.ReefOptions;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code replay}: sends a channel's dead letter (by spore id, or all of them) back where it first
 * went, through Reef's own {@link DeadLetters} (the same as {@code reef.deadLetters(channel)} in
 * code): a directed spore along its original route ({@code agent.<to>.<type>} on the channel's
 * exchange) to its agent's mailbox, an undirected one into the mailbox it died in, without the
 * dead-letter headers, so its agent gets it again as a fresh delivery. A dead letter is removed
 * only once the broker confirmed its copy; at-least-once, like every delivery.
 */
final class ReplayCommand {
  static final Set<String> OPTIONS = Set.of("uri", "channel", "id", "dead-letters");
  static final Set<String> FLAGS = Set.of("all");

  private ReplayCommand() {}

  static int run(CliArgs a, Map<String, String> env, PrintStream out) {
    Broker broker = Broker.from(a, env);
    String channel = a.get("channel", "main");
    boolean all = a.flag("all");
    String id = a.get("id", null);
    if (all == (id != null)) {
      throw new UsageException("replay needs either --id SPORE_ID or --all");
    }
    Reef reef;
    try {
      reef =
          Reef.create(
              broker.backend(),
              ReefOptions.custom()
                  .defaultChannel(channel)
                  .closeTimeout(Duration.ofSeconds(2))
                  .build());
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    } catch (ReefException e) {
      throw new CliFailure(3, "cannot connect to " + broker.display() + ": " + e.getMessage(), e);
    }
    try (reef) {
      DeadLetters dead = reef.deadLetters(channel);
      List<DeadLetterRecord> listed = dead.list(DeadLetters.MAX_LIST);
      int replayed = 0;
      if (all) {
        replayed = dead.replayAll();
        out.printf(
            Locale.ROOT,
            "replayed %d dead letter(s) of '%s' from %s%n",
            replayed,
            channel,
            broker.deadLetterQueue(channel));
      } else if (dead.replay(id)) {
        replayed = 1;
        DeadLetterRecord r =
            listed.stream().filter(d -> d.id().equals(id)).findFirst().orElse(null);
        out.printf(
            Locale.ROOT,
            "replayed %s (%s) to %s%n",
            id,
            r == null ? "?" : r.reason(),
            r == null || r.agent() == null
                ? "its original route"
                : broker.mailbox(channel, r.agent()));
      }
      if (replayed == 0) {
        out.printf(
            Locale.ROOT,
            "%s among the dead letters of '%s' in %s%n",
            all ? "nothing to replay" : "no dead letter with id " + id,
            channel,
            broker.deadLetterQueue(channel));
        return 1;
      }
      return 0;
    } catch (ReefException e) {
      throw new CliFailure(3, "replay failed: " + e.getMessage(), e);
    }
  }
}
