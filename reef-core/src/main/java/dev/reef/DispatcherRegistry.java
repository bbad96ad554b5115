package dev.reef;

import dev.reef.spi.MailboxSubscription;
import dev.reef.spi.ReefBackend;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dispatchers of a reef, one per (channel, agent) mailbox that has handlers or open asks, and
 * their backend consumption: the first user (a handler or an open ask) makes the reef consume the
 * mailbox, the last one to leave detaches it.
 *
 * <p>No lock is held across a backend call. Each dispatcher's attachment fields are guarded by its
 * own monitor, held only to change them; a consume or detach under way is published as {@link
 * AgentDispatcher#transition}, and whoever needs it over waits for that future outside any lock. A
 * detaching dispatcher stays registered until its subscription is closed, so the next user of the
 * same mailbox consumes it only after that (as when one lock ordered everything). Thread-safe.
 */
final class DispatcherRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(DispatcherRegistry.class);

  private final ReefBackend backend;
  private final BiFunction<String, String, AgentDispatcher> factory;
  private final Map<String, Map<String, AgentDispatcher>> dispatchers = new ConcurrentHashMap<>();

  /**
   * @param factory makes the dispatcher of a (channel, agent)
   */
  DispatcherRegistry(ReefBackend backend, BiFunction<String, String, AgentDispatcher> factory) {
    this.backend = backend;
    this.factory = factory;
  }

  /**
   * Adds a handler and makes sure the mailbox is consumed.
   *
   * @throws RuntimeException what the backend threw when asked to consume (the handler is removed)
   */
  AgentDispatcher addHandler(
      String channel, String agent, AgentDispatcher.Handler h, SubscribeMode mode) {
    AgentDispatcher d =
        join(
            channel,
            agent,
            x -> {
              x.add(h, mode);
              x.declaredForAsks = false;
            });
    try {
      consume(d);
    } catch (RuntimeException e) {
      removeHandler(d, h);
      throw e;
    }
    return d;
  }

  /** Removes a handler; detaches the mailbox if nothing else needs it. */
  void removeHandler(AgentDispatcher d, AgentDispatcher.Handler h) {
    boolean removed;
    synchronized (d) {
      removed = d.remove(h);
    }
    if (removed) {
      releaseIfUnused(d);
    }
  }

  /** Removes every handler of an agent; detaches the mailbox unless an ask still waits on it. */
  void removeHandlers(String channel, String agent) {
    removeHandlers(channel, agent, null);
  }

  /**
   * Removes every handler of an agent, ending their subscriptions with {@code reason} (normally if
   * null); detaches the mailbox unless an ask still waits on it.
   */
  void removeHandlers(String channel, String agent, Throwable reason) {
    Map<String, AgentDispatcher> m = dispatchers.get(channel);
    AgentDispatcher d = m == null ? null : m.get(agent);
    if (d != null) {
      synchronized (d) {
        d.clear(reason);
      }
      releaseIfUnused(d);
    }
  }

  /**
   * Counts an open ask of the agent and makes sure its mailbox is consumed, so that responses
   * arriving there reach the ask.
   *
   * @throws RuntimeException what the backend threw when asked to consume (the ask is uncounted)
   */
  AgentDispatcher openAsk(String channel, String agent) {
    boolean unknown = !backend.knownAgents(channel).contains(agent);
    AgentDispatcher d =
        join(
            channel,
            agent,
            x -> {
              if (unknown && !x.inUse() && x.subscription == null && x.transition == null) {
                x.declaredForAsks = true; // a fresh dispatcher for a mailbox nobody had
              }
              x.openAsks++;
            });
    try {
      consume(d);
    } catch (RuntimeException e) {
      closeAsk(d);
      throw e;
    }
    return d;
  }

  /** Uncounts an ended ask; detaches the mailbox if nothing else needs it. */
  void closeAsk(AgentDispatcher d) {
    synchronized (d) {
      d.openAsks--;
    }
    releaseIfUnused(d);
  }

  /** Forgets every dispatcher (the reef closed its backend, which ended every consumption). */
  void clear() {
    for (Map<String, AgentDispatcher> m : dispatchers.values()) {
      for (AgentDispatcher d : m.values()) {
        synchronized (d) {
          d.clear();
        }
      }
    }
    dispatchers.clear();
  }

  /** Applies a use to the registered, live dispatcher of a mailbox, waiting out a detach. */
  private AgentDispatcher join(String channel, String agent, Consumer<AgentDispatcher> use) {
    while (true) {
      AgentDispatcher d =
          dispatchers
              .computeIfAbsent(channel, c -> new ConcurrentHashMap<>())
              .computeIfAbsent(agent, a -> factory.apply(channel, a));
      CompletableFuture<Void> detaching;
      synchronized (d) {
        if (!d.retired) {
          use.accept(d);
          return d;
        }
        if (d.transitionOwner == Thread.currentThread()) {
          throw new IllegalStateException(
              "the mailbox of '"
                  + agent
                  + "' on '"
                  + channel
                  + "' is being detached by this thread (the backend called back while closing"
                  + " its subscription)");
        }
        detaching = d.transition;
      }
      detaching.join(); // never fails; then the registry holds a new one (or none)
    }
  }

  /** Makes sure a joined dispatcher's mailbox is consumed: starts it, or waits for whoever does. */
  private void consume(AgentDispatcher d) {
    while (true) {
      CompletableFuture<Void> transition;
      boolean mine = false;
      synchronized (d) {
        if (d.subscription != null || d.transitionOwner == Thread.currentThread()) {
          return; // consumed, or being consumed by this thread's outer call (a re-entrant call)
        }
        if (d.transition == null) {
          d.transition = new CompletableFuture<>();
          d.transitionOwner = Thread.currentThread();
          mine = true;
        }
        transition = d.transition;
      }
      if (!mine) {
        transition.join(); // never fails; if that consume failed, this user tries on its own
        continue;
      }
      MailboxSubscription s = null;
      try {
        s = backend.consume(d.channel, d.agent, d);
      } finally {
        synchronized (d) {
          d.subscription = s;
          d.transition = null;
          d.transitionOwner = null;
        }
        transition.complete(null);
        // Its users may have left meanwhile (an unsubscribe while the consume was under way).
        releaseIfUnused(d);
      }
      return;
    }
  }

  /** Detaches the mailbox if no handler and no ask needs it, outside any lock. */
  private void releaseIfUnused(AgentDispatcher d) {
    MailboxSubscription s;
    CompletableFuture<Void> detaching;
    boolean remove;
    synchronized (d) {
      // A consume under way finishes first; its starter calls this again afterwards.
      if (d.retired || d.inUse() || d.transition != null) {
        return;
      }
      d.retired = true;
      remove = d.declaredForAsks;
      s = d.subscription;
      d.subscription = null;
      detaching = new CompletableFuture<>();
      d.transition = detaching;
      d.transitionOwner = Thread.currentThread();
    }
    try {
      if (s != null) {
        s.close();
      }
      if (remove) {
        // Declared only for asks: it must not stay behind collecting broadcasts nobody reads.
        backend.removeMailboxIfIdle(d.channel, d.agent);
      }
    } catch (RuntimeException e) {
      LOG.warn("detaching from the mailbox of '{}' on '{}' failed", d.agent, d.channel, e);
    } finally {
      Map<String, AgentDispatcher> m = dispatchers.get(d.channel);
      if (m != null) {
        m.remove(d.agent, d);
      }
      detaching.complete(null);
    }
  }
}
