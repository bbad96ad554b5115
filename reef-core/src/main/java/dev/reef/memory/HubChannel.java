package dev.reef.memory;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** One channel of a hub: its mailboxes by agent, and a snapshot array for undirected fan-out. */
final class HubChannel {
  private static final Mailbox[] NONE = new Mailbox[0];

  final InMemoryHub hub;
  final String name;
  private final ConcurrentHashMap<String, Mailbox> mailboxes = new ConcurrentHashMap<>();
  private volatile Mailbox[] snapshot = NONE;

  HubChannel(InMemoryHub hub, String name) {
    this.hub = hub;
    this.name = name;
  }

  Mailbox mailbox(String agent) {
    return mailboxes.get(agent);
  }

  Mailbox declare(String agent) {
    Mailbox mb = mailboxes.get(agent);
    if (mb != null) {
      return mb;
    }
    synchronized (this) {
      mb = mailboxes.get(agent);
      if (mb == null) {
        mb = new Mailbox(this, agent);
        mailboxes.put(agent, mb);
        snapshot = mailboxes.values().toArray(NONE);
      }
      return mb;
    }
  }

  /** Removes an agent's mailbox if nobody consumes it and nothing waits in it. */
  synchronized void removeIfIdle(String agent) {
    Mailbox mb = mailboxes.get(agent);
    if (mb != null && mb.removeIfIdle()) {
      mailboxes.remove(agent, mb);
      snapshot = mailboxes.values().toArray(NONE);
    }
  }

  Mailbox[] all() {
    return snapshot;
  }

  Set<String> agents() {
    return Set.copyOf(mailboxes.keySet());
  }
}
