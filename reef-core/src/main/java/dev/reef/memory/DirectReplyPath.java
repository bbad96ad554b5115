package dev.reef.memory;

import dev.reef.Spore;
import dev.reef.SporeEvent;
import dev.reef.SporeType;
import dev.reef.spi.support.ReplyRoutes;
import java.util.concurrent.CompletableFuture;

/**
 * The in-memory direct reply path of one backend, the stand-in for RabbitMQ's direct reply-to: the
 * requests of its asks and gathers are remembered in the hub's routes, and a response to one of
 * them, published by any backend of the hub, is handed straight to this backend's listener ({@link
 * dev.reef.spi.BackendListener#onDirectReply}) instead of the asker's mailbox, so that it never
 * waits behind the asker's own handlers. A response for a closed backend is dropped (its asks have
 * ended), as the broker drops a direct reply to a closed connection. Thread-safe.
 */
final class DirectReplyPath {
  /** The requests a hub remembers for direct replies; beyond, the oldest take the mailbox path. */
  static final int ROUTES = 10_000;

  private final ReplyRoutes<DirectReplyPath> routes;
  private final EventSink events;
  private volatile boolean open = true;

  DirectReplyPath(ReplyRoutes<DirectReplyPath> routes, EventSink events) {
    this.routes = routes;
    this.events = events;
  }

  /** Remembers a directed request published by this backend, for its response. */
  void requestSent(String channel, Spore request) {
    if (request.isDirected() && request.type() == SporeType.REQUEST) {
      routes.remember(request.id(), channel, request.fromAgent(), request.toAgent(), this);
    }
  }

  /**
   * Hands a response to the backend whose request it answers, if that request took the direct path.
   *
   * @return the publish's future, or null if the response takes the mailbox path
   */
  CompletableFuture<Spore> reply(String channel, Spore response) {
    if (response.type() != SporeType.RESPONSE
        || response.replyTo() == null
        || !response.isDirected()) {
      return null;
    }
    ReplyRoutes.Route<DirectReplyPath> route =
        routes.take(response.replyTo(), channel, response.toAgent(), response.fromAgent());
    if (route == null) {
      return null;
    }
    route.target().receive(channel, response);
    return CompletableFuture.completedFuture(response);
  }

  private void receive(String channel, Spore response) {
    String agent = response.toAgent();
    if (!open) {
      return;
    }
    if (response.expiresAt() != null && response.isExpired()) {
      events.emit(SporeEvent.EXPIRED, channel, agent, response, null);
      return;
    }
    events.emit(SporeEvent.DELIVERED, channel, agent, response, null);
    events.directReply(channel, response);
    events.emit(SporeEvent.HANDLED, channel, agent, response, null);
  }

  /** The backend closed: responses for it are dropped from now on. */
  void close() {
    open = false;
  }
}
