package dev.reef.console;

import dev.reef.directory.AgentDirectory;
import dev.reef.directory.AgentStatus;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mailbox depth and consumers of each agent, from {@link AgentDirectory#status(String, String)}
 * (one broker round trip each on RabbitMQ), refreshed by sweeps over the agents the page shows,
 * never on a page request: with 1,000 agents the page stays as fast as the view in memory. A sweep
 * runs on a thread of its own, one agent after the other; an agent without a mailbox is asked again
 * only every {@value #NO_MAILBOX_EVERY} sweeps.
 *
 * <p>Thread-safety: one thread sweeps; any thread reads.
 */
final class StatusCache {
  private static final Logger LOG = LoggerFactory.getLogger(StatusCache.class);

  /**
   * An agent without a mailbox is asked again only every this many sweeps (30 s at the default 2 s
   * interval): on RabbitMQ each such question is a passive declare the broker answers by closing
   * the channel (404), and a directory of 1,000 cards without mailboxes would make that 500 times a
   * second.
   */
  static final int NO_MAILBOX_EVERY = 15;

  private final AgentDirectory directory;
  private final Map<String, AgentStatus> statuses = new ConcurrentHashMap<>();
  private final Map<String, Long> nextCheck = new ConcurrentHashMap<>();
  private long sweeps;

  StatusCache(AgentDirectory directory) {
    this.directory = directory;
  }

  /** The last status seen, or null if none yet. */
  AgentStatus get(String channel, String agent) {
    return statuses.get(key(channel, agent));
  }

  /**
   * Refreshes the statuses of some agents of a channel and forgets the others.
   *
   * @param channel the channel
   * @param agents the agents shown
   * @param changed called with the channel when a status changed
   */
  void sweep(String channel, List<String> agents, Consumer<String> changed) {
    boolean any = false;
    long sweep = ++sweeps;
    for (String agent : agents) {
      String key = key(channel, agent);
      if (nextCheck.getOrDefault(key, 0L) > sweep) {
        continue;
      }
      try {
        AgentStatus s = directory.status(channel, agent);
        AgentStatus old = statuses.put(key, s);
        if (s.mailboxDepth() < 0) {
          nextCheck.put(key, sweep + NO_MAILBOX_EVERY);
        } else {
          nextCheck.remove(key);
        }
        any |= !s.equals(old);
      } catch (RuntimeException e) {
        LOG.debug("status of {} on {}: {}", agent, channel, e.toString());
      }
    }
    Set<String> shown = new HashSet<>(agents);
    String prefix = channel + "/";
    statuses
        .keySet()
        .removeIf(k -> k.startsWith(prefix) && !shown.contains(k.substring(prefix.length())));
    nextCheck
        .keySet()
        .removeIf(k -> k.startsWith(prefix) && !shown.contains(k.substring(prefix.length())));
    if (any) {
      changed.accept(channel);
    }
  }

  private static String key(String channel, String agent) {
    return channel + "/" + agent;
  }
}
