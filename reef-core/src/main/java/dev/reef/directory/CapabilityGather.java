package dev.reef.directory;

import dev.reef.GatherOptions;
import dev.reef.GatherResult;
import dev.reef.ReefChannel;
import dev.reef.ReefException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * A {@code gather} addressed by the directory instead of by names: every agent with a live instance
 * that matches a query (for example a capability) is asked, and the {@link GatherResult#missing()}
 * set reports who did not answer.
 *
 * <pre>{@code
 * GatherResult r = CapabilityGather.gather(directory, reef.channel("research"), "coordinator",
 *     DirectoryQuery.capability("risk"), Map.of("q", "?"),
 * GatherOptions.custom().timeout(Duration.ofSeconds(5)).build()).join();
 * }</pre>
 */
public final class CapabilityGather {
  private CapabilityGather() {}

  /**
   * Asks every live agent matching the query, except the requester.
   *
   * @param directory the directory
   * @param channel the channel to gather on
   * @param from the requester
   * @param query which agents to ask; only those with a live instance are asked
   * @param knowledge a JSON object, or null
   * @param options when to stop
   * @return the gather's future; failed with {@link ReefException} if no live agent matches
   */
  public static CompletableFuture<GatherResult> gather(
      AgentDirectory directory,
      ReefChannel channel,
      String from,
      DirectoryQuery query,
      @Nullable Map<String, ?> knowledge,
      GatherOptions options) {
    List<String> targets = targets(directory, channel.name(), from, query);
    if (targets.isEmpty()) {
      return CompletableFuture.failedFuture(
          new ReefException("no live agent on channel '" + channel.name() + "' matches " + query));
    }
    return channel.gather(from, targets, knowledge, options);
  }

  /**
   * The agents a gather by query would ask.
   *
   * @param directory the directory
   * @param channel the channel
   * @param from the requester, never asked
   * @param query the query
   * @return the live matching agents, by name
   */
  public static List<String> targets(
      AgentDirectory directory, String channel, String from, DirectoryQuery query) {
    return directory.discover(channel, query.liveOnly()).stream()
        .map(DirectoryEntry::name)
        .filter(n -> !n.equals(from))
        .collect(Collectors.toList());
  }
}
