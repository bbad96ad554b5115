package dev.reef.examples.workflow;

import dev.reef.ReefChannel;
import dev.reef.Spore;
import dev.reef.SporeType;
import dev.reef.Subscription;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Listens to the findings broadcast on the channel and answers a {@code summarize} request with a
 * summary of the findings of that run. Keeps the findings of the last {@value #MAX_RUNS} runs.
 * Thread-safe.
 */
public final class Writer implements DemoAgent {

  /** How many runs' findings are kept. */
  public static final int MAX_RUNS = 64;

  private final Conversation conversation;
  private final Map<String, Map<String, Map<String, Object>>> findingsByRun =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(
            Map.Entry<String, Map<String, Map<String, Object>>> eldest) {
          return size() > MAX_RUNS;
        }
      };

  /**
   * A writer.
   *
   * @param conversation where it records what it sends and receives
   */
  public Writer(Conversation conversation) {
    this.conversation = conversation;
  }

  @Override
  public String name() {
    return AgentNames.WRITER;
  }

  @Override
  public Subscription start(ReefChannel channel) {
    return channel.subscribeAsync(AgentNames.WRITER, spore -> handle(channel, spore));
  }

  private CompletionStage<?> handle(ReefChannel channel, Spore spore) {
    conversation.received(AgentNames.WRITER, spore);
    String run = Knowledge.text(spore, Knowledge.RUN);
    if (spore.type() == SporeType.BROADCAST
        && Knowledge.is(spore, Knowledge.KIND, Knowledge.KIND_FINDING)
        && run != null) {
      synchronized (findingsByRun) {
        findingsByRun
            .computeIfAbsent(run, r -> new LinkedHashMap<>())
            .put(Knowledge.text(spore, Knowledge.BY), spore.knowledge());
      }
      return Knowledge.done();
    }
    if (spore.type() == SporeType.REQUEST
        && Knowledge.is(spore, Knowledge.TASK, Knowledge.TASK_SUMMARIZE)) {
      Spore reply = Knowledge.reply(spore, AgentNames.WRITER, summarize(spore, run));
      conversation.sending(AgentNames.WRITER, reply);
      return channel.publish(reply);
    }
    return Knowledge.done();
  }

  private Map<String, Object> summarize(Spore request, String run) {
    Map<String, Map<String, Object>> findings;
    synchronized (findingsByRun) {
      findings = new LinkedHashMap<>(findingsByRun.getOrDefault(run, Map.of()));
    }
    List<String> expected = Knowledge.strings(request.knowledge(), "findings");
    List<String> basedOn = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (String agent : expected) {
      (findings.containsKey(agent) ? basedOn : missing).add(agent);
    }
    StringBuilder text =
        new StringBuilder("On ").append(Knowledge.text(request, Knowledge.TOPIC)).append(": ");
    Map<String, Object> research = findings.get(AgentNames.RESEARCHER);
    if (research != null) {
      List<String> facts = Knowledge.strings(research, "facts");
      text.append("the researcher found that ").append(String.join("; ", facts)).append(". ");
    }
    Map<String, Object> analysis = findings.get(AgentNames.ANALYST);
    if (analysis != null) {
      text.append(
          String.format(
              Locale.ROOT,
              "The analyst rates the risk %s (confidence %.0f%%) and recommends to %s.",
              analysis.get("risk"),
              ((Number) analysis.getOrDefault("confidence", 0)).doubleValue() * 100,
              analysis.get("recommendation")));
    }
    if (!missing.isEmpty()) {
      text.append(" (No finding arrived from ").append(String.join(", ", missing)).append(".)");
    }
    Map<String, Object> reply = new LinkedHashMap<>();
    reply.put(Knowledge.RUN, run);
    reply.put("summary", text.toString().trim());
    reply.put("based_on", basedOn);
    reply.put("missing", missing);
    return reply;
  }
}
