package dev.reef.amqp;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The direct reply addresses of requests this backend delivered, so that a response published
 * through it goes straight back to the asking connection ({@code amq.rabbitmq.reply-to.*}) instead
 * of the asker's mailbox. Bounded: the oldest entries are dropped beyond the capacity (their
 * responses then take the mailbox path). A route is used once. Thread-safe.
 */
final class DirectReplyRoutes {
  /** The pseudo-queue a requester consumes and names in {@code reply_to}: {@value}. */
  static final String PSEUDO_QUEUE = "amq.rabbitmq.reply-to";

  private static final String ADDRESS_PREFIX = PSEUDO_QUEUE + ".";
  private static final int MAX_ADDRESS_LENGTH = 255;

  /** The most entries the map is sized for up front (it grows to the capacity when needed). */
  private static final int MAX_INITIAL_SIZE = 1024;

  private static final float LOAD_FACTOR = 0.75f;

  /** Where a response to one request goes. */
  record Route(String channel, String asker, String address) {}

  private final int capacity;
  private final LinkedHashMap<String, Route> routes;

  DirectReplyRoutes(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive, was " + capacity);
    }
    this.capacity = capacity;
    this.routes =
        new LinkedHashMap<>(Math.min(capacity, MAX_INITIAL_SIZE), LOAD_FACTOR, false) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Route> eldest) {
            return size() > DirectReplyRoutes.this.capacity;
          }
        };
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
   * @param address its {@code reply_to}; ignored unless a direct reply address
   */
  void remember(String requestId, String channel, String asker, String address) {
    if (!isAddress(address)) {
      return;
    }
    Route r = new Route(channel, asker, address);
    synchronized (routes) {
      routes.put(requestId, r);
    }
  }

  /**
   * Takes the route of a response, if it answers a remembered request on the same channel and goes
   * to the agent that asked.
   *
   * @return the route, now forgotten, or null
   */
  Route take(String requestId, String channel, String recipient) {
    synchronized (routes) {
      Route r = routes.get(requestId);
      if (r == null || !r.channel().equals(channel) || !r.asker().equals(recipient)) {
        return null;
      }
      routes.remove(requestId);
      return r;
    }
  }

  /** Routes held. */
  int size() {
    synchronized (routes) {
      return routes.size();
    }
  }
}
