package dev.reef.examples.workflow;

import dev.reef.ReefChannel;
import dev.reef.Spore;
import dev.reef.SporeType;
import dev.reef.Subscription;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * An agent that answers an {@code investigate} request by first broadcasting its finding to the
 * whole channel and then replying to the coordinator with a short status naming the finding. The
 * broadcast is accepted before the reply is sent, so whoever is told of the reply can count on the
 * finding being in every mailbox already.
 */
abstract class Investigator implements DemoAgent {

  /** Findings are broadcast at a higher priority than the later summary request. */
  static final int FINDING_PRIORITY = 7;

  /** Findings are useful for a while, not forever. */
  static final Duration FINDING_TTL = Duration.ofMinutes(10);

  private final String name;
  private final Conversation conversation;

  Investigator(String name, Conversation conversation) {
    this.name = name;
    this.conversation = conversation;
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final Subscription start(ReefChannel channel) {
    return channel.subscribeAsync(name, spore -> handle(channel, spore));
  }

  /**
   * The finding for a topic.
   *
   * @param topic what was asked
   * @return knowledge fields to broadcast (the common ones are added)
   */
  abstract Map<String, Object> finding(String topic);

  /**
   * The status sent back to the coordinator.
   *
   * @param finding what was broadcast
   * @return knowledge fields of the reply (the common ones are added)
   */
  abstract Map<String, Object> status(Map<String, Object> finding);

  private CompletionStage<?> handle(ReefChannel channel, Spore spore) {
    conversation.received(name, spore);
    if (spore.type() != SporeType.REQUEST
        || !Knowledge.is(spore, Knowledge.TASK, Knowledge.TASK_INVESTIGATE)) {
      return Knowledge.done();
    }
    String run = Knowledge.text(spore, Knowledge.RUN);
    String topic = Knowledge.text(spore, Knowledge.TOPIC);
    Map<String, Object> findingKnowledge = new LinkedHashMap<>();
    findingKnowledge.put(Knowledge.KIND, Knowledge.KIND_FINDING);
    findingKnowledge.put(Knowledge.RUN, run);
    findingKnowledge.put(Knowledge.BY, name);
    findingKnowledge.putAll(finding(topic));
    Spore.Builder finding =
        Spore.builder()
            .type(SporeType.BROADCAST)
            .fromAgent(name)
            .priority(FINDING_PRIORITY)
            .expiresIn(FINDING_TTL)
            .causationId(spore.id())
            .knowledge(findingKnowledge);
    if (run != null) {
      finding.runId(run);
    }
    Spore broadcast = finding.build();
    conversation.sending(name, broadcast);
    // The reply is sent once the finding is accepted, i.e. in every mailbox on the channel.
    return channel
        .publish(broadcast)
        .thenCompose(
            published -> {
              Map<String, Object> status = new LinkedHashMap<>();
              status.put(Knowledge.RUN, run);
              status.put("status", "done");
              status.put("finding", published.id());
              status.putAll(status(findingKnowledge));
              Spore reply = Knowledge.reply(spore, name, status);
              conversation.sending(name, reply);
              return channel.publish(reply);
            });
  }
}
