package dev.reef.spi;

import dev.reef.Spore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A transport for spores. Implementations: {@code dev.reef.memory.InMemoryBackend} (embedded) and
 * {@code dev.reef.amqp.AmqpBackend} (RabbitMQ).
 *
 * <p>Routing rules every backend follows (docs/design.md#routing): a directed spore ({@code
 * to_agent} set) goes to that agent's mailbox on the channel only, and fails with {@link
 * dev.reef.UnknownAgentException} when there is none; an undirected spore goes to every mailbox on
 * the channel except the sender's, once each. Within a mailbox a backlog is served by priority,
 * higher first, and in publish order for one sender at one priority. An expired spore is never
 * handed to a consumer. A consumer's failed attempt (see {@link MailboxConsumer}: a failed stage,
 * an exception from {@code deliver}, or a {@code null} stage) leads to redelivery under the
 * backend's {@link dev.reef.RetryPolicy} and then to a dead letter.
 *
 * <p>Dead letters: a backend names why it gave up on a spore with one of the {@link
 * DeadLetterReason}s, the same for every backend ({@code handler_failed} when the consumer failed
 * on every attempt, {@code expired}, {@code malformed}, {@code dropped_oldest}), and reports it to
 * its {@link BackendListener}: a {@link dev.reef.SporeEvent#DEAD_LETTERED} event for {@code
 * handler_failed}, whose error is a {@link DeadLetteredException} carrying the reason, the attempts
 * and the last failure; the other reasons with their own events (see {@link DeadLetterReason}).
 * Shared logic for implementers is in {@link dev.reef.spi.support}.
 *
 * <p>Thread-safety: implementations are thread-safe. Lifecycle: {@link #start(BackendListener)} is
 * called once by the owning reef before any other method; {@link #close(Duration)} once at the end.
 */
public interface ReefBackend extends AutoCloseable {

  /**
   * Starts the backend. Called once, before any other method, by the reef that owns it.
   *
   * @param listener receives every event the backend observes, for stats; never null
   */
  void start(BackendListener listener);

  /**
   * Publishes a spore on a channel.
   *
   * @param channel a valid channel name
   * @param spore the spore
   * @return a future completed with the spore once the backend accepted it (in memory: placed in
   *     every target mailbox; AMQP: confirmed by the broker and not returned), or failed with a
   *     {@link dev.reef.ReefException} subtype: {@link dev.reef.UnknownAgentException}, {@link
   *     dev.reef.MailboxFullException}, {@link dev.reef.PublishException}, {@link
   *     dev.reef.ReefClosedException}
   */
  CompletableFuture<Spore> publish(String channel, Spore spore);

  /**
   * Publishes a batch of spores on a channel, in list order, as one {@link #publish(String, Spore)}
   * call each would. A backend may publish them together (AMQP: one publishing channel, one lock,
   * correlated confirms); there is no atomicity across the batch: each spore succeeds or fails on
   * its own. The default calls {@link #publish(String, Spore)} for each spore in order.
   *
   * @param channel a valid channel name
   * @param spores the spores, already admitted by the reef (none null)
   * @return one future per spore, in the order of {@code spores}, each as {@link #publish(String,
   *     Spore)} returns it
   */
  default List<CompletableFuture<Spore>> publishAll(String channel, List<Spore> spores) {
    List<CompletableFuture<Spore>> results = new ArrayList<>(spores.size());
    for (Spore spore : spores) {
      CompletableFuture<Spore> f;
      try {
        f = publish(channel, spore);
      } catch (RuntimeException e) {
        f = CompletableFuture.failedFuture(e);
      }
      results.add(f);
    }
    return results;
  }

  /**
   * Whether requests published with {@link #publishRequest(String, Spore)} on this channel get
   * their responses straight back to this backend instance, reported to {@link
   * BackendListener#onDirectReply(String, Spore)}, rather than only through the asker's mailbox.
   * The default is false.
   *
   * @param channel a valid channel name
   * @return true if this backend has a direct reply path on the channel
   */
  default boolean directReplies(String channel) {
    return false;
  }

  /**
   * Publishes the request of an {@code ask}, as {@link #publish(String, Spore)} does, and, where
   * {@link #directReplies(String)} says so, asks for the response to come back on the direct reply
   * path. A response that cannot take that path (for example one sent by another process than the
   * one that received the request) still goes to the asker's mailbox. The default is {@link
   * #publish(String, Spore)}.
   *
   * @param channel a valid channel name
   * @param request a directed request spore
   * @return as {@link #publish(String, Spore)}
   */
  default CompletableFuture<Spore> publishRequest(String channel, Spore request) {
    return publish(channel, request);
  }

  /**
   * Declares the mailbox of an agent on a channel, so that spores sent to it wait while the agent
   * is offline. Idempotent.
   *
   * @param channel a valid channel name
   * @param agent a valid agent name
   */
  void declareMailbox(String channel, String agent);

  /**
   * Attaches the consumer of a mailbox, declaring the mailbox if needed. One consumer per mailbox
   * per backend instance; several backend instances (processes) consuming the same mailbox compete
   * for its spores.
   *
   * @param channel a valid channel name
   * @param agent a valid agent name
   * @param consumer receives each spore; the spore is settled when its stage completes normally
   * @return the subscription; closing it detaches the consumer and leaves the mailbox in place
   * @throws IllegalStateException if this backend already has a consumer on that mailbox
   */
  MailboxSubscription consume(String channel, String agent, MailboxConsumer consumer);

  /**
   * Removes the mailbox of an agent if nobody consumes it and no spore waits in it, atomically with
   * respect to publishes and consumers (a publish racing the removal finds the mailbox or fails as
   * for an unknown agent, never loses its spore). The reef calls it after an ask or gather that had
   * to declare the mailbox of an agent it did not know, only to receive its responses (a channel
   * without {@link #directReplies(String)}), so that the mailbox does not stay behind collecting
   * broadcasts nobody reads. A backend that cannot tell whether the mailbox is idle leaves it. The
   * default does nothing.
   *
   * @param channel a valid channel name
   * @param agent a valid agent name
   */
  default void removeMailboxIfIdle(String channel, String agent) {}

  /**
   * Pull access to a mailbox: spores taken one at a time with a timeout and settled by the caller,
   * under the same acknowledgement, retry and dead-letter rules as a consumer. Counts as this
   * backend's consumer of the mailbox. The default is unsupported; {@link ConsumingReceiver#open}
   * implements it on {@link #consume}.
   *
   * @param channel a valid channel name
   * @param agent a valid agent name
   * @return the receiver; close it to stop
   * @throws UnsupportedOperationException if the backend has no pull access
   * @throws IllegalStateException if this backend already consumes that mailbox
   */
  default MailboxReceiver receiver(String channel, String agent) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " has no pull receive");
  }

  /**
   * The agents this backend knows to have a mailbox on a channel. In memory this is exact; a
   * distributed backend may know only the mailboxes it declared or saw.
   *
   * @param channel a valid channel name
   * @return an immutable snapshot
   */
  Set<String> knownAgents(String channel);

  /**
   * Spores waiting in, or handed out from, the mailboxes this backend consumes and not yet settled,
   * as far as the backend can tell (a broker backend counts what it has received and not yet
   * acknowledged). Used by {@link dev.reef.Reef#awaitIdle(Duration)}.
   *
   * @return 0 or more
   */
  long backlog();

  /**
   * The depth of each mailbox this backend consumes: the spores in it not yet settled (waiting,
   * handed to this process and not yet dispatched, or in a handler), keyed by channel, then agent.
   * A broker backend may ask the broker (one round trip per mailbox): not for a hot path. The
   * default knows none.
   *
   * @return an immutable snapshot; a mailbox whose depth cannot be read is left out
   */
  default Map<String, Map<String, Long>> mailboxDepths() {
    return Map.of();
  }

  /**
   * The backend's dead letters, per channel, for {@link dev.reef.Reef#deadLetters(String)}. The
   * default is {@link DeadLetterStore#UNSUPPORTED}, whose calls throw {@link
   * UnsupportedOperationException}.
   *
   * @return the store; never null
   */
  default DeadLetterStore deadLetterStore() {
    return DeadLetterStore.UNSUPPORTED;
  }

  /**
   * The store of the agent directory ({@code dev.reef.directory.AgentDirectory}) on this backend's
   * transport, for {@link dev.reef.Reef#directory()}. The backend creates it on first call and
   * closes it when it closes; every call returns the same store. The default is unsupported.
   *
   * @return the store
   * @throws UnsupportedOperationException if the backend has no directory
   * @throws dev.reef.ReefClosedException if the backend is closed
   */
  default DirectoryStore directoryStore() {
    throw new UnsupportedOperationException(
        getClass().getSimpleName() + " has no agent directory store");
  }

  /**
   * The store of the task logs ({@code dev.reef.task}) on this backend's transport, for {@code
   * Reef.tasks()}. The backend owns it: it creates it on first call and closes it when it closes;
   * every call returns the same store. The default is {@link TaskLogStore#UNSUPPORTED}, whose calls
   * throw {@link UnsupportedOperationException}.
   *
   * @return the store; never null
   * @throws dev.reef.ReefClosedException if the backend is closed
   */
  default TaskLogStore taskLogStore() {
    return TaskLogStore.UNSUPPORTED;
  }

  /**
   * Stops intake, waits up to {@code drainTimeout} for in-flight consumers to settle, settles what
   * it can (unsettled spores stay in or return to their mailbox where the backend can keep them)
   * and releases resources. Further publishes fail with {@link dev.reef.ReefClosedException}.
   * Idempotent.
   *
   * @param drainTimeout how long to wait for in-flight handlers
   */
  void close(Duration drainTimeout);

  /** Closes with a drain timeout of 10 seconds. */
  @Override
  default void close() {
    close(Duration.ofSeconds(10));
  }
}
