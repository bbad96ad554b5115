package dev.reef.amqp;

import dev.reef.spi.support.ReplyRoutes;

/**
 * The direct reply addresses of requests this backend delivered, so that a response published
 * through it goes straight back to the asking connection ({@code amq.rabbitmq.reply-to.*}) instead
 * of the asker's mailbox. Bounded: the oldest entries are dropped beyond the capacity (their
 * responses then take the mailbox path). A route serves one response from each agent the request
 * went to (a gather sends one request id to several agents, possibly all served by this backend).
 * Thread-safe.
 */
final class DirectReplyRoutes {
  /** The pseudo-queue a requester consumes and names in {@code reply_to}: {@value}. */
  static final String PSEUDO_QUEUE = "amq.rabbitmq.reply-to";

  private static final String ADDRESS_PREFIX = PSEUDO_QUEUE + ".";
  private static final int MAX_ADDRESS_LENGTH = 255;

  /** Where a response to one request goes. */
  record Route(String channel, String asker, String address) {}

  private final ReplyRoutes<String> routes;

  DirectReplyRoutes(int capacity) {
    this.routes = new ReplyRoutes<>(capacity);
  }

  /** Whether an AMQP {@code reply_to} value is a direct reply address. */
  static boolean isAddress(String replyTo) {
    return replyTo != null
        && replyTo.length() > ADDRESS_PREFIX.length()
        && replyTo.length() <= MAX_ADDRESS_LENGTH
        && replyTo.startsWith(ADDRESS_PREFIX);
  }

  /**
   * Remembers where the response to a request goes.
   *
   * @param requestId the request's spore id
   * @param channel the channel it arrived on
   * @param asker the agent that sent it (the response's recipient)
   * @param responder the agent it went to (the response's sender)
   * @param address its {@code reply_to}; ignored unless a direct reply address
   */
  void remember(String requestId, String channel, String asker, String responder, String address) {
    if (isAddress(address)) {
      routes.remember(requestId, channel, asker, responder, address);
    }
  }

  /**
   * Takes the route of a response, if it answers a remembered request on the same channel, goes to
   * the agent that asked and comes from an agent the request went to.
   *
   * @return the route, now forgotten for that responder, or null
   */
  Route take(String requestId, String channel, String recipient, String responder) {
    ReplyRoutes.Route<String> r = routes.take(requestId, channel, recipient, responder);
    return r == null ? null : new Route(r.channel(), r.asker(), r.target());
  }

  /** Requests whose routes are held. */
  int size() {
    return routes.size();
  }
}
