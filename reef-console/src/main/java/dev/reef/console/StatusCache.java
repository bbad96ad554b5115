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
 * runs on the console's scheduler, one agent after the other.
 */
final class StatusCache {
  private static final Logger LOG = LoggerFactory.getLogger(StatusCache.class);

  private final AgentDirectory directory;
  private final Map<String, AgentStatus> statuses = new ConcurrentHashMap<>();

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
    for (String agent : agents) {
      try {
        AgentStatus s = directory.status(channel, agent);
        AgentStatus old = statuses.put(key(channel, agent), s);
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
    if (any) {
      changed.accept(channel);
    }
  }

  private static String key(String channel, String agent) {
    return channel + "/" + agent;
  }
}
