package dev.reef.console;

import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * The pages listening for events ({@code /api/events}), at most {@code maxClients} at once, each
 * with a queue of at most {@code queueCapacity} events.
 */
final class EventHub {
  private final int maxClients;
  private final int queueCapacity;
  private final Set<SseClient> clients = new CopyOnWriteArraySet<>();

  EventHub(int maxClients, int queueCapacity) {
    this.maxClients = maxClients;
    this.queueCapacity = queueCapacity;
  }

  /** A new client of a channel, or null if there are {@code maxClients} already. */
  synchronized SseClient register(String channel) {
    if (clients.size() >= maxClients) {
      return null;
    }
    SseClient c = new SseClient(channel, queueCapacity);
    clients.add(c);
    return c;
  }

  void unregister(SseClient client) {
    clients.remove(client);
  }

  boolean hasClients(String channel) {
    for (SseClient c : clients) {
      if (c.channel().equals(channel)) {
        return true;
      }
    }
    return false;
  }

  /** Queues an event for every client of a channel. */
  void publish(String channel, byte[] event) {
    for (SseClient c : clients) {
      if (c.channel().equals(channel)) {
        c.offer(event);
      }
    }
  }

  int size() {
    return clients.size();
  }
}
