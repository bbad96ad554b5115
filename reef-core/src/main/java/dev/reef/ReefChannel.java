package dev.reef;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The operations of one channel of a {@link Reef}. Obtain one with {@link Reef#channel(String)};
 * {@link Reef} itself offers them on its default channel.
 *
 * <p>Every publishing method returns a future that completes with the published spore once the
 * backend accepted it, or fails with a {@link ReefException} subtype ({@link
 * UnknownAgentException}, {@link MailboxFullException}, {@link UnauthorizedException}, {@link
 * PublishException}, {@link ReefClosedException}). Invalid arguments throw {@link
 * SporeValidationException} at once. Callers may ignore the future: failures are still logged and
 * counted.
 *
 * <p>Thread-safety: all methods are thread-safe.
 */
public interface ReefChannel {

  /**
   * The channel name.
   *
   * @return the name
   */
  String name();

  /**
   * Publishes a spore built by the caller, as it is.
   *
   * @param spore the spore
   * @return the acceptance future
   */
  CompletableFuture<Spore> publish(Spore spore);

  /**
   * Publishes a batch of spores built by the caller, as they are, in iteration order, with one
   * future for the whole batch. On AMQP the batch goes out on one publishing channel with one
   * confirm wait (correlated confirms give each spore its own outcome); in memory it is a loop.
   *
   * <p>Partial failure: each spore is checked on its own (validation, size, authorization, rate
   * limit, closed reef) exactly as {@link #publish(Spore)} checks it, and a spore that fails a
   * check, or that the backend refuses, fails only its own outcome with the same typed error {@code
   * publish} would give (a null element fails with {@link SporeValidationException}). There is no
   * atomicity across the batch: the others are still published. The returned future never fails
   * because of one spore; it completes once every spore is settled, at once for an empty batch.
   * Spores for one recipient arrive in batch order.
   *
   * @param spores the spores, not null
   * @return a future of the per-spore outcomes, in input order
   */
  CompletableFuture<BatchResult> publishAll(Collection<Spore> spores);

  /**
   * Sends knowledge from one agent to another ({@link SporeType#KNOWLEDGE}, priority 5, no expiry).
   *
   * @param from the sender
   * @param to the recipient
   * @param knowledge a JSON object, or null
   * @return the acceptance future
   */
  CompletableFuture<Spore> send(String from, String to, @Nullable Map<String, ?> knowledge);

  /**
   * Broadcasts knowledge to every agent on the channel but the sender ({@link
   * SporeType#BROADCAST}). Subject to the broadcast rate limit.
   *
   * @param from the sender
   * @param knowledge a JSON object, or null
   * @return the acceptance future
   */
  CompletableFuture<Spore> broadcast(String from, @Nullable Map<String, ?> knowledge);

  /**
   * Broadcasts from the system agent ({@link ReefOptions#systemAgent()}), not rate-limited.
   *
   * @param knowledge a JSON object, or null
   * @return the acceptance future
   */
  CompletableFuture<Spore> systemBroadcast(@Nullable Map<String, ?> knowledge);

  /**
   * Sends a {@link SporeType#REQUEST} that expires after {@link
   * ReefOptions#defaultRequestExpiry()}. Replies arrive at the sender's handlers; use {@link #ask}
   * to await one instead.
   *
   * @param from the requester
   * @param to the agent asked
   * @param knowledge a JSON object, or null
   * @return the acceptance future
   */
  CompletableFuture<Spore> request(String from, String to, @Nullable Map<String, ?> knowledge);

  /**
   * Answers a request: a {@link SporeType#RESPONSE} to the request's sender whose {@code reply_to}
   * is the request's id; the request's correlation, trace and run ids are carried over.
   *
   * @param request the spore answered
   * @param from the answering agent
   * @param knowledge a JSON object, or null
   * @return the acceptance future
   */
  CompletableFuture<Spore> reply(Spore request, String from, @Nullable Map<String, ?> knowledge);

  /**
   * Sends a request and awaits the first response to it. Where the backend has a direct reply path
   * ({@link dev.reef.spi.ReefBackend#directReplies(String)}; the AMQP backend's direct reply-to),
   * the response comes straight back to this reef; any response sent otherwise arrives through the
   * requester's mailbox.
   *
   * @param from the requester; the reef consumes its mailbox on this channel while the ask is open
   * @param to the agent asked
   * @param knowledge a JSON object, or null
   * @param timeout how long to wait; the request expires then too. The deadline fires at the
   *     timeout or up to 10 ms later
   * @return a future of the response (never null), failed with {@link RequestTimeoutException} at
   *     the deadline, {@link ReefClosedException} on close, the publish failure, or a {@link
   *     ReefException} when the backend reports that the direct reply path was lost (for example
   *     the connection that would receive the response dropped)
   */
  CompletableFuture<Spore> ask(
      String from, String to, @Nullable Map<String, ?> knowledge, Duration timeout);

  /**
   * Sends a request built by the caller and awaits the first response whose {@code reply_to} is its
   * id.
   *
   * @param request a directed spore of type {@link SporeType#REQUEST}
   * @param timeout how long to wait
   * @return a future of the response, failing as {@link #ask(String, String, Map, Duration)} does
   */
  CompletableFuture<Spore> ask(Spore request, Duration timeout);

  /**
   * Sends one request to several agents, or to every agent on the channel, and collects their
   * responses until all answered, the first N answered, or the deadline (see {@link
   * GatherOptions}).
   *
   * @param from the requester
   * @param to the agents asked; empty means an undirected request to every agent on the channel,
   *     whose expected answerers are the agents the backend knows ({@link #agents()})
   * @param knowledge a JSON object, or null
   * @param options when to stop
   * @return a future of the result; it fails only if the request could not be published
   */
  CompletableFuture<GatherResult> gather(
      String from,
      Collection<String> to,
      @Nullable Map<String, ?> knowledge,
      GatherOptions options);

  /**
   * Adds a synchronous handler to an agent, starting to consume its mailbox if this is the first.
   *
   * @param agent the agent
   * @param handler the handler
   * @return the subscription; close it to remove the handler
   * @throws UnauthorizedException if the authorizer denies it
   */
  Subscription subscribe(String agent, SporeHandler handler);

  /**
   * Adds or replaces a synchronous handler of an agent.
   *
   * @param agent the agent
   * @param handler the handler
   * @param mode whether to add it or replace the agent's handlers
   * @return the subscription
   * @throws UnauthorizedException if the authorizer denies it
   */
  Subscription subscribe(String agent, SporeHandler handler, SubscribeMode mode);

  /**
   * Adds an asynchronous handler to an agent.
   *
   * @param agent the agent
   * @param handler the handler
   * @return the subscription
   * @throws UnauthorizedException if the authorizer denies it
   */
  Subscription subscribeAsync(String agent, AsyncSporeHandler handler);

  /**
   * Adds or replaces an asynchronous handler of an agent.
   *
   * @param agent the agent
   * @param handler the handler
   * @param mode whether to add it or replace the agent's handlers
   * @return the subscription
   * @throws UnauthorizedException if the authorizer denies it
   */
  Subscription subscribeAsync(String agent, AsyncSporeHandler handler, SubscribeMode mode);

  /**
   * Removes every handler of an agent and stops consuming its mailbox (the mailbox stays).
   *
   * @param agent the agent
   */
  void unsubscribe(String agent);

  /**
   * Declares an agent's mailbox so that spores sent to it wait while it is offline.
   *
   * @param agent the agent
   */
  void declareMailbox(String agent);

  /**
   * The agents known to have a mailbox on this channel (see {@link
   * dev.reef.spi.ReefBackend#knownAgents(String)}).
   *
   * @return an immutable snapshot
   */
  Set<String> agents();

  /**
   * The tasks of this channel: submit work to an agent or a capability, serve it, watch it from any
   * reef on the same transport (docs/tasks.md). The default is unsupported.
   *
   * @return the same instance on every call
   * @throws UnsupportedOperationException if this channel has no tasks
   * @throws ReefClosedException if the reef is closed
   */
  default dev.reef.task.Tasks tasks() {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " has no tasks");
  }

  // ---- typed knowledge: records and POJOs through the reef's KnowledgeMapper ----

  /**
   * The mapper of typed knowledge on this channel: the reef's {@link
   * ReefOptions#knowledgeMapper()}.
   *
   * @return the mapper
   */
  default KnowledgeMapper knowledgeMapper() {
    return KnowledgeMapper.defaults();
  }

  /**
   * {@link #send} with a record or POJO as knowledge, converted by {@link #knowledgeMapper()}.
   *
   * @param from the sender
   * @param to the recipient
   * @param knowledge a value that serializes to a JSON object
   * @return the acceptance future
   * @throws KnowledgeMappingException if the value does not serialize to a JSON object
   */
  default CompletableFuture<Spore> sendTyped(String from, String to, Object knowledge) {
    return send(from, to, knowledgeMapper().toKnowledge(knowledge));
  }

  /**
   * {@link #broadcast} with a record or POJO as knowledge.
   *
   * @param from the sender
   * @param knowledge a value that serializes to a JSON object
   * @return the acceptance future
   * @throws KnowledgeMappingException if the value does not serialize to a JSON object
   */
  default CompletableFuture<Spore> broadcastTyped(String from, Object knowledge) {
    return broadcast(from, knowledgeMapper().toKnowledge(knowledge));
  }

  /**
   * {@link #request} with a record or POJO as knowledge.
   *
   * @param from the requester
   * @param to the agent asked
   * @param knowledge a value that serializes to a JSON object
   * @return the acceptance future
   * @throws KnowledgeMappingException if the value does not serialize to a JSON object
   */
  default CompletableFuture<Spore> requestTyped(String from, String to, Object knowledge) {
    return request(from, to, knowledgeMapper().toKnowledge(knowledge));
  }

  /**
   * {@link #reply} with a record or POJO as knowledge.
   *
   * @param request the request answered
   * @param from the replying agent
   * @param knowledge a value that serializes to a JSON object
   * @return the acceptance future
   * @throws KnowledgeMappingException if the value does not serialize to a JSON object
   */
  default CompletableFuture<Spore> replyTyped(Spore request, String from, Object knowledge) {
    return reply(request, from, knowledgeMapper().toKnowledge(knowledge));
  }

  /**
   * {@link #ask} with a record or POJO as knowledge, completing with the reply's knowledge read as
   * {@code replyType}; a reply that does not map completes the future with a {@link
   * KnowledgeMappingException}.
   *
   * @param from the requester
   * @param to the agent asked
   * @param knowledge a value that serializes to a JSON object
   * @param replyType the type of the reply's knowledge
   * @param timeout how long to wait for the reply
   * @param <R> the reply type
   * @return the future reply
   */
  default <R> CompletableFuture<R> askTyped(
      String from, String to, Object knowledge, Class<R> replyType, Duration timeout) {
    KnowledgeMapper mapper = knowledgeMapper();
    return ask(from, to, mapper.toKnowledge(knowledge), timeout)
        .thenApply(reply -> reply.knowledgeAs(replyType, mapper));
  }

  /**
   * {@link #askTyped(String, String, Object, Class, Duration)} for a generic reply type.
   *
   * @param from the requester
   * @param to the agent asked
   * @param knowledge a value that serializes to a JSON object
   * @param replyType the type of the reply's knowledge
   * @param timeout how long to wait for the reply
   * @param <R> the reply type
   * @return the future reply
   */
  default <R> CompletableFuture<R> askTyped(
      String from,
      String to,
      Object knowledge,
      com.fasterxml.jackson.core.type.TypeReference<R> replyType,
      Duration timeout) {
    KnowledgeMapper mapper = knowledgeMapper();
    return ask(from, to, mapper.toKnowledge(knowledge), timeout)
        .thenApply(reply -> mapper.fromKnowledge(reply.knowledge(), replyType));
  }
}
