package dev.reef;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/** One channel of a {@link DefaultReef}: builds spores and hands them to the reef. */
final class DefaultChannel implements ReefChannel {
  private final DefaultReef reef;
  private final String name;

  DefaultChannel(DefaultReef reef, String name) {
    this.reef = reef;
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public KnowledgeMapper knowledgeMapper() {
    return reef.options.knowledgeMapper();
  }

  private Spore.Builder spore(
      SporeType type, String from, String to, @Nullable Map<String, ?> knowledge) {
    return Spore.builder()
        .type(type)
        .fromAgent(from)
        .toAgent(to)
        .knowledge(knowledge)
        .maxKnowledgeBytes(reef.options.maxKnowledgeBytes());
  }

  /** Directed operations need a recipient; the spore builder checks the rest of the name. */
  private static String requireTo(String to) {
    if (to == null) {
      throw new SporeValidationException("to_agent", "must not be null");
    }
    return to;
  }

  @Override
  public CompletableFuture<Spore> publish(Spore spore) {
    return reef.publish(name, spore, false);
  }

  @Override
  public CompletableFuture<BatchResult> publishAll(Collection<Spore> spores) {
    return reef.publishAll(name, spores);
  }

  @Override
  public CompletableFuture<Spore> send(String from, String to, @Nullable Map<String, ?> knowledge) {
    return reef.publish(
        name,
        Spore.of(
            SporeType.KNOWLEDGE, from, requireTo(to), knowledge, reef.options.maxKnowledgeBytes()),
        false);
  }

  @Override
  public CompletableFuture<Spore> broadcast(String from, @Nullable Map<String, ?> knowledge) {
    return reef.publish(
        name,
        Spore.of(SporeType.BROADCAST, from, null, knowledge, reef.options.maxKnowledgeBytes()),
        false);
  }

  @Override
  public CompletableFuture<Spore> systemBroadcast(@Nullable Map<String, ?> knowledge) {
    return reef.publish(
        name,
        spore(SporeType.BROADCAST, reef.options.systemAgent(), null, knowledge).build(),
        true);
  }

  @Override
  public CompletableFuture<Spore> request(
      String from, String to, @Nullable Map<String, ?> knowledge) {
    Spore s =
        spore(SporeType.REQUEST, from, requireTo(to), knowledge)
            .expiresIn(reef.options.defaultRequestExpiry())
            .build();
    return reef.publish(name, s, false);
  }

  @Override
  public CompletableFuture<Spore> reply(
      Spore request, String from, @Nullable Map<String, ?> knowledge) {
    Objects.requireNonNull(request, "request");
    Spore s =
        spore(SporeType.RESPONSE, from, request.fromAgent(), knowledge)
            .replyTo(request.id())
            .causationId(request.id())
            .correlationId(request.correlationId())
            .traceId(request.traceId())
            .runId(request.runId())
            .build();
    return reef.publish(name, reef.tracing.stamp(s, request), false);
  }

  @Override
  public CompletableFuture<Spore> ask(
      String from, String to, @Nullable Map<String, ?> knowledge, Duration timeout) {
    DefaultReef.requirePositive(timeout);
    Spore s = spore(SporeType.REQUEST, from, requireTo(to), knowledge).expiresIn(timeout).build();
    return reef.ask(name, s, timeout);
  }

  @Override
  public CompletableFuture<Spore> ask(Spore request, Duration timeout) {
    return reef.ask(name, request, timeout);
  }

  @Override
  public CompletableFuture<GatherResult> gather(
      String from,
      Collection<String> to,
      @Nullable Map<String, ?> knowledge,
      GatherOptions options) {
    Objects.requireNonNull(options, "options");
    ReefNames.requireAgent("from_agent", from);
    // One trace context for the whole gather (each copy would otherwise start its own).
    Spore template =
        reef.tracing.stamp(
            spore(SporeType.REQUEST, from, null, knowledge).expiresIn(options.timeout()).build(),
            null);
    List<Spore> requests = new ArrayList<>();
    Set<String> expected = new LinkedHashSet<>();
    if (to == null || to.isEmpty()) {
      requests.add(template);
      expected.addAll(reef.backend.knownAgents(name));
      expected.remove(from);
    } else {
      for (String agent : to) {
        ReefNames.requireAgent("to_agent", agent);
        if (expected.add(agent)) {
          requests.add(template.toBuilder().toAgent(agent).build());
        }
      }
    }
    return reef.gather(name, requests, expected, options);
  }

  @Override
  public Subscription subscribe(String agent, SporeHandler handler) {
    return subscribe(agent, handler, SubscribeMode.ADD);
  }

  @Override
  public Subscription subscribe(String agent, SporeHandler handler, SubscribeMode mode) {
    Objects.requireNonNull(handler, "handler");
    return reef.subscribe(name, agent, new AgentDispatcher.Handler(handler, null), mode);
  }

  @Override
  public Subscription subscribeAsync(String agent, AsyncSporeHandler handler) {
    return subscribeAsync(agent, handler, SubscribeMode.ADD);
  }

  @Override
  public Subscription subscribeAsync(String agent, AsyncSporeHandler handler, SubscribeMode mode) {
    Objects.requireNonNull(handler, "handler");
    return reef.subscribe(name, agent, new AgentDispatcher.Handler(null, handler), mode);
  }

  @Override
  public void unsubscribe(String agent) {
    reef.unsubscribe(name, agent);
  }

  @Override
  public void declareMailbox(String agent) {
    ReefNames.requireAgent("agent", agent);
    reef.requireOpen();
    reef.backend.declareMailbox(name, agent);
  }

  @Override
  public Set<String> agents() {
    return reef.backend.knownAgents(name);
  }

  @Override
  public String toString() {
    return "ReefChannel{" + name + "}";
  }

  @Override
  public dev.reef.task.Tasks tasks() {
    return reef.tasks(name);
  }
}
