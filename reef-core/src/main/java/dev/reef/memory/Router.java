package dev.reef.memory;

import dev.reef.MailboxFullException;
import dev.reef.Spore;
import dev.reef.SporeEvent;
import dev.reef.UnknownAgentException;
import java.util.concurrent.CompletableFuture;

/**
 * Places a published spore into its mailboxes on the hub: a directed spore into its recipient's
 * mailbox only (failing with {@link UnknownAgentException} when there is none), an undirected one
 * into every mailbox on the channel but the sender's. A spore already expired is counted and
 * dead-lettered instead; a full mailbox fails the publish with {@link MailboxFullException}.
 */
final class Router {
  private final InMemoryHub hub;
  private final EventSink events;

  Router(InMemoryHub hub, EventSink events) {
    this.hub = hub;
    this.events = events;
  }

  CompletableFuture<Spore> route(String channel, Spore spore) {
    HubChannel ch = hub.channel(channel);
    if (spore.expiresAt() != null && spore.isExpired()) {
      String agent = spore.isDirected() ? spore.toAgent() : spore.fromAgent();
      events.emit(SporeEvent.EXPIRED, channel, agent, spore, null);
      hub.deadLetter(
          new DeadLetter(channel, agent, spore, DeadLetter.REASON_EXPIRED, null, 0, false));
      return CompletableFuture.completedFuture(spore);
    }
    if (spore.isDirected()) {
      Mailbox mb = ch.mailbox(spore.toAgent());
      if (mb == null) {
        events.emit(SporeEvent.UNROUTABLE, channel, spore.toAgent(), spore, null);
        return CompletableFuture.failedFuture(new UnknownAgentException(channel, spore.toAgent()));
      }
      if (!mb.offer(spore, events)) {
        return rejected(mb, spore);
      }
      return CompletableFuture.completedFuture(spore);
    }
    CompletableFuture<Spore> failure = null;
    String from = spore.fromAgent();
    for (Mailbox mb : ch.all()) {
      if (!mb.agent.equals(from) && !mb.offer(spore, events) && failure == null) {
        failure = rejected(mb, spore);
      }
    }
    return failure != null ? failure : CompletableFuture.completedFuture(spore);
  }

  private CompletableFuture<Spore> rejected(Mailbox mb, Spore spore) {
    events.emit(SporeEvent.REJECTED, mb.channelName, mb.agent, spore, null);
    return CompletableFuture.failedFuture(
        new MailboxFullException(mb.channelName, mb.agent, hub.mailboxCapacity()));
  }
}
