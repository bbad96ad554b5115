package dev.reef.spi.support;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Where the responses to the requests of asks and gathers go back directly, for a backend's direct
 * reply path: by request id, the channel, the asking agent, the backend's own target (an address, a
 * backend instance) and the agents the request went to. A gather sends one request id to several
 * agents, so a route serves one response from each agent the request went to, then it is forgotten.
 * Bounded: beyond the capacity the oldest routes are dropped (their responses then take the mailbox
 * path). Thread-safe.
 *
 * @param <T> what a route leads to
 */
public final class ReplyRoutes<T> {
  /** The most entries the map is sized for up front (it grows to the capacity when needed). */
  private static final int MAX_INITIAL_SIZE = 1024;

  private static final float LOAD_FACTOR = 0.75f;

  /**
   * Where the responses to one request go.
   *
   * @param channel the channel the request was published on
   * @param asker the agent that sent it (the responses' recipient)
   * @param target where its responses go
   * @param <T> what a route leads to
   */
  public record Route<T>(String channel, String asker, T target) {}

  private static final class Entry<T> {
    final Route<T> route;
    final Set<String> responders = new LinkedHashSet<>(2);

    Entry(Route<T> route) {
      this.route = route;
    }
  }

  private final int capacity;
  private final LinkedHashMap<String, Entry<T>> routes;

  /**
   * @param capacity the most requests remembered, at least 1
   */
  public ReplyRoutes(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive, was " + capacity);
    }
    this.capacity = capacity;
    this.routes =
        new LinkedHashMap<>(Math.min(capacity, MAX_INITIAL_SIZE), LOAD_FACTOR, false) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Entry<T>> eldest) {
            return size() > ReplyRoutes.this.capacity;
          }
        };
  }

  /**
   * Remembers that a request went to an agent and where its response goes. A request id remembered
   * before with another route is replaced.
   *
   * @param requestId the request's spore id
   * @param channel the channel of the request
   * @param asker the agent that sent it
   * @param responder the agent it went to
   * @param target where the response goes
   */
  public void remember(String requestId, String channel, String asker, String responder, T target) {
    Route<T> route = new Route<>(channel, asker, target);
    synchronized (routes) {
      Entry<T> e = routes.get(requestId);
      if (e == null || !e.route.equals(route)) {
        e = new Entry<>(route);
        routes.put(requestId, e);
      }
      e.responders.add(Objects.requireNonNull(responder, "responder"));
    }
  }

  /**
   * Takes the route of a response: it answers a remembered request on the same channel, goes to the
   * agent that asked and comes from an agent the request went to (which is then forgotten).
   *
   * @param requestId the response's {@code reply_to}
   * @param channel the channel of the response
   * @param recipient the response's {@code to_agent}
   * @param responder the response's {@code from_agent}
   * @return the route, or null if the response takes the mailbox path
   */
  public @Nullable Route<T> take(
      String requestId, String channel, String recipient, String responder) {
    synchronized (routes) {
      Entry<T> e = routes.get(requestId);
      if (e == null
          || !e.route.channel().equals(channel)
          || !e.route.asker().equals(recipient)
          || !e.responders.remove(responder)) {
        return null;
      }
      if (e.responders.isEmpty()) {
        routes.remove(requestId);
      }
      return e.route;
    }
  }

  /**
   * Requests remembered.
   *
   * @return 0 or more
   */
  public int size() {
    synchronized (routes) {
      return routes.size();
    }
  }
}
