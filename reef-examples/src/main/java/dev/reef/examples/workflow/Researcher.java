package dev.reef.examples.workflow;

import dev.reef.ReefChannel;
import dev.reef.task.TaskContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Collects facts on the topic, broadcasts them as a finding and reports back. Also serves {@value
 * Knowledge#CAPABILITY_FACT_CHECK} tasks: checks each claim of a text against its sources,
 * reporting its progress as it goes. Thread-safe.
 */
public final class Researcher extends Investigator {

  /** The simulated work per claim, so that the progress can be watched: {@value} ms. */
  static final long CHECK_MILLIS = 150;

  private static final String STAGE = "checking";

  private static final List<String> FACTS =
      List.of(
          "durable mailboxes keep spores while an agent is offline",
          "acknowledging after the handler turns a crash into a redelivery",
          "priorities let urgent requests overtake a backlog");

  /**
   * A researcher.
   *
   * @param conversation where it records what it sends and receives
   */
  public Researcher(Conversation conversation) {
    super(AgentNames.RESEARCHER, conversation);
  }

  @Override
  Map<String, Object> finding(String topic) {
    return Map.of("facts", FACTS, "sources", 3);
  }

  @Override
  Map<String, Object> status(Map<String, Object> finding) {
    return Map.of("facts", Knowledge.strings(finding, "facts").size());
  }

  @Override
  public List<String> capabilities() {
    return List.of(Knowledge.CAPABILITY_FACT_CHECK);
  }

  @Override
  public AutoCloseable serveTasks(ReefChannel channel) {
    return channel.tasks().serve(name(), this::factCheck);
  }

  /**
   * One fact-check: claim after claim, with the overall progress after each half step; a claim is
   * supported if it states one of the facts.
   */
  private Map<String, Object> factCheck(TaskContext ctx) throws InterruptedException {
    List<String> claims = Knowledge.strings(ctx.input(), Knowledge.CLAIMS);
    List<String> supported = new ArrayList<>();
    List<String> unsupported = new ArrayList<>();
    int n = claims.size();
    for (int i = 0; i < n; i++) {
      String claim = "claim " + (i + 1);
      ctx.progress(STAGE, (i + 0.5) / n, "checking " + claim + " of " + n);
      TimeUnit.MILLISECONDS.sleep(CHECK_MILLIS); // simulated work
      if (ctx.isCancelled()) {
        break;
      }
      boolean ok = FACTS.stream().anyMatch(claims.get(i)::contains);
      (ok ? supported : unsupported).add(claim);
      ctx.progress(
          STAGE, (i + 1.0) / n, claim + (ok ? " supported" : " not in the researcher's sources"));
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put(Knowledge.RUN, ctx.input().get(Knowledge.RUN));
    result.put("checked", supported.size() + unsupported.size());
    result.put("supported", supported);
    result.put("unsupported", unsupported);
    return result;
  }
}
