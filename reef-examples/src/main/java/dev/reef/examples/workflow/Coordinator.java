package dev.reef.examples.workflow;

import dev.reef.GatherOptions;
import dev.reef.GatherResult;
import dev.reef.ReefChannel;
import dev.reef.Spore;
import dev.reef.SporeType;
import dev.reef.Subscription;
import dev.reef.task.TaskHandle;
import dev.reef.task.TaskRequest;
import dev.reef.task.TaskWatch;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs the workflow: declares every agent's mailbox (so that spores wait for agents that start
 * later), gathers an investigation from the researcher and the analyst, asks the writer for a
 * summary of the findings they broadcast, has the summary fact-checked by a task submitted to any
 * live agent with the capability {@value Knowledge#CAPABILITY_FACT_CHECK} (printing its progress
 * live), and finally broadcasts a {@code workflow-complete} notification. Thread-safe; {@link
 * #run(ReefChannel)} is meant to be called once per run.
 */
public final class Coordinator implements DemoAgent {

  /** Priority of the summary request: not above the findings', so they are read first. */
  static final int SUMMARY_PRIORITY = 5;

  /** The name of the fact-check task in the printed lines. */
  static final String FACT_CHECK = "fact-check";

  /** The completion notice is the least urgent spore of the run. */
  static final int COMPLETE_PRIORITY = 2;

  private static final List<String> INVESTIGATORS =
      List.of(AgentNames.RESEARCHER, AgentNames.ANALYST);

  private final Conversation conversation;
  private final WorkflowSettings settings;

  /**
   * A coordinator.
   *
   * @param conversation where it records what it sends and receives
   * @param settings the run it coordinates
   */
  public Coordinator(Conversation conversation, WorkflowSettings settings) {
    this.conversation = conversation;
    this.settings = settings;
  }

  @Override
  public String name() {
    return AgentNames.COORDINATOR;
  }

  /**
   * Declares every agent's mailbox and listens to what the others broadcast.
   *
   * @param channel the channel the agents meet on
   * @return the subscription
   */
  @Override
  public Subscription start(ReefChannel channel) {
    for (String agent : AgentNames.ALL) {
      channel.declareMailbox(agent);
    }
    return channel.subscribe(
        AgentNames.COORDINATOR,
        spore -> {
          // Responses are awaited by gather and ask and recorded there.
          if (spore.type() != SporeType.RESPONSE) {
            conversation.received(AgentNames.COORDINATOR, spore);
          }
        });
  }

  /**
   * Runs the workflow once on a channel where {@link #start(ReefChannel)} was called.
   *
   * @param channel the channel
   * @return the result; {@link WorkflowResult#ok()} is false if an agent did not answer in time
   * @throws InterruptedException if interrupted while waiting
   */
  public WorkflowResult run(ReefChannel channel) throws InterruptedException {
    Instant start = Instant.now();
    String run = settings.runId();
    Duration timeout = settings.timeout();

    Map<String, Object> investigate = new LinkedHashMap<>();
    investigate.put(Knowledge.TASK, Knowledge.TASK_INVESTIGATE);
    investigate.put(Knowledge.RUN, run);
    investigate.put(Knowledge.TOPIC, settings.topic());
    for (String agent : INVESTIGATORS) {
      conversation.announce(
          AgentNames.COORDINATOR,
          agent,
          SporeType.REQUEST,
          Spore.DEFAULT_PRIORITY,
          investigate,
          "gather, timeout " + timeout.toSeconds() + " s");
    }
    GatherResult gathered;
    try {
      gathered =
          channel
              .gather(
                  AgentNames.COORDINATOR,
                  INVESTIGATORS,
                  investigate,
                  GatherOptions.custom().timeout(timeout).build())
              .get(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      return failed(start, List.of(), Set.copyOf(INVESTIGATORS), "gather failed: " + e);
    }
    Duration gatherTime = Duration.between(start, Instant.now());
    for (String agent : INVESTIGATORS) {
      // gather sent one request per agent, all with the same id
      conversation.recordSent(
          AgentNames.COORDINATOR, gathered.request().toBuilder().toAgent(agent).build());
    }
    List<String> took = new ArrayList<>();
    for (Spore reply : gathered.replies()) {
      conversation.received(AgentNames.COORDINATOR, reply);
      took.add(
          reply.fromAgent()
              + " "
              + Conversation.millis(
                  Duration.between(gathered.request().createdAt(), reply.createdAt())));
    }
    conversation.say(
        String.format(
            Locale.ROOT,
            "%s gathered %d/%d answers in %s (%s)",
            AgentNames.COORDINATOR,
            gathered.replies().size(),
            INVESTIGATORS.size(),
            Conversation.millis(gatherTime),
            String.join(", ", took)));
    if (!gathered.missing().isEmpty()) {
      return failed(
          start,
          gathered.replies(),
          gathered.missing(),
          "no answer from " + String.join(", ", gathered.missing()) + " within " + timeout);
    }

    Map<String, Object> summarize = new LinkedHashMap<>();
    summarize.put(Knowledge.TASK, Knowledge.TASK_SUMMARIZE);
    summarize.put(Knowledge.RUN, run);
    summarize.put(Knowledge.TOPIC, settings.topic());
    summarize.put("findings", INVESTIGATORS);
    Spore request =
        Spore.builder()
            .type(SporeType.REQUEST)
            .fromAgent(AgentNames.COORDINATOR)
            .toAgent(AgentNames.WRITER)
            .priority(SUMMARY_PRIORITY)
            .expiresIn(timeout)
            .runId(run)
            .knowledge(summarize)
            .build();
    Instant asked = Instant.now();
    conversation.sending(AgentNames.COORDINATOR, request);
    Spore summary;
    try {
      summary =
          channel.ask(request, timeout).get(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      return failed(
          start, gathered.replies(), Set.of(), "no summary from the writer: " + e.getCause());
    }
    Duration summaryTime = Duration.between(asked, Instant.now());
    conversation.received(AgentNames.COORDINATOR, summary);

    String factCheckFailure = factCheck(channel, run, Knowledge.text(summary, "summary"));
    if (factCheckFailure != null) {
      return failed(start, gathered.replies(), Set.of(), factCheckFailure);
    }

    Duration total = Duration.between(start, Instant.now());
    Map<String, Object> complete = new LinkedHashMap<>();
    complete.put(Knowledge.EVENT, Knowledge.EVENT_COMPLETE);
    complete.put(Knowledge.RUN, run);
    complete.put("elapsed_ms", total.toMillis());
    Spore notice =
        Spore.builder()
            .type(SporeType.NOTIFICATION)
            .fromAgent(AgentNames.COORDINATOR)
            .priority(COMPLETE_PRIORITY)
            .runId(run)
            .knowledge(complete)
            .build();
    conversation.sending(AgentNames.COORDINATOR, notice);
    try {
      channel.publish(notice).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      return failed(start, gathered.replies(), Set.of(), "completion notice failed: " + e);
    }
    return new WorkflowResult(
        settings, gathered.replies(), Set.of(), summary, gatherTime, summaryTime, total, null);
  }

  /**
   * Submits a fact-check of the summary as a task to any live agent with the capability, and prints
   * its progress as the worker reports it.
   *
   * @return null if the task completed, otherwise why not
   */
  private String factCheck(ReefChannel channel, String run, String summary)
      throws InterruptedException {
    List<String> claims = claims(summary);
    Duration timeout = settings.timeout();
    TaskRequest request =
        TaskRequest.toCapability(AgentNames.COORDINATOR, Knowledge.CAPABILITY_FACT_CHECK)
            .input(Map.of(Knowledge.RUN, run, Knowledge.CLAIMS, claims))
            .priority(SUMMARY_PRIORITY)
            .timeout(timeout)
            .build();
    conversation.say(
        String.format(
            Locale.ROOT,
            "%s submits task %s (%d claims of the summary) to any live agent with capability '%s'",
            AgentNames.COORDINATOR,
            FACT_CHECK,
            claims.size(),
            Knowledge.CAPABILITY_FACT_CHECK));
    TaskHandle task = channel.tasks().submit(request);
    TaskProgress progress = new TaskProgress(conversation, FACT_CHECK);
    Map<String, Object> checked;
    TaskWatch watch = task.watch(progress);
    try {
      checked = task.result().get(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
      progress.awaitEnd(Duration.ofSeconds(5));
    } catch (ExecutionException | TimeoutException e) {
      return "fact-check task " + task.id() + " did not complete: " + e.getCause();
    } finally {
      watch.close();
    }
    conversation.say(
        String.format(
            Locale.ROOT,
            "%s: %s of %s claims supported by the researcher's sources (task %s)",
            AgentNames.COORDINATOR,
            Knowledge.strings(checked, "supported").size(),
            checked.get("checked"),
            task.id()));
    return null;
  }

  /** The claims of a summary: its sentences and the parts of its lists. */
  static List<String> claims(String summary) {
    List<String> claims = new ArrayList<>();
    for (String part : summary.split("(?<=\\.) |; ")) {
      String claim = part.trim();
      if (!claim.isEmpty()) {
        claims.add(claim);
      }
    }
    return claims;
  }

  private WorkflowResult failed(
      Instant start, List<Spore> replies, Set<String> missing, String why) {
    conversation.say("workflow failed: " + why);
    Duration total = Duration.between(start, Instant.now());
    return new WorkflowResult(settings, replies, missing, null, total, Duration.ZERO, total, why);
  }
}
