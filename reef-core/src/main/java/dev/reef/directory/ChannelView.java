package dev.reef.directory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One process's view of one channel of the directory, folded from the records of both logs: the
 * latest card of each agent, the live instances (leases), the terminated agents. Records arrive on
 * the store's threads; all state is guarded by one lock, held only for map updates (never for a
 * store call or a listener). Events are handed, in order, to a single-threaded executor.
 */
final class ChannelView {
  private static final Logger LOG = LoggerFactory.getLogger(ChannelView.class);

  /** A live instance: mutable, guarded by the view's lock. */
  private static final class Live {
    final String agent;
    final String id;
    final String host;
    final long pid;
    final Instant startedAt;
    Instant lastSeen;
    long expiresNanos;

    Live(DirectoryRecord r) {
      this.agent = r.agent;
      this.id = r.instance;
      this.host = r.host;
      this.pid = r.pid;
      this.startedAt = r.startedAt;
    }

    AgentInstance snapshot() {
      return new AgentInstance(id, host, pid, startedAt, lastSeen);
    }
  }

  final String channel;
  private final Executor events;
  private final AtomicLong malformed;
  private final BiConsumer<String, String> onTerminated;
  private final Object lock = new Object();
  private final Map<String, AgentCard> cards = new HashMap<>();
  private final Map<String, Live> live = new HashMap<>();
  private final Map<String, Map<String, Live>> byAgent = new HashMap<>();
  private final Set<String> terminated = new HashSet<>();
  private final Map<String, Instant> terminatedAt = new HashMap<>();
  private final Map<String, CompletableFuture<Void>> syncs = new ConcurrentHashMap<>();
  private final List<DirectoryListener> listeners = new CopyOnWriteArrayList<>();
  private boolean caughtUp;
  private List<DirectoryEntry> snapshot;

  ChannelView(
      String channel,
      Executor events,
      AtomicLong malformed,
      BiConsumer<String, String> onTerminated) {
    this.channel = channel;
    this.events = events;
    this.malformed = malformed;
    this.onTerminated = onTerminated;
  }

  CompletableFuture<Void> expectSync(String nonce) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    syncs.put(nonce, f);
    f.whenComplete((v, e) -> syncs.remove(nonce));
    return f;
  }

  void markCaughtUp() {
    synchronized (lock) {
      caughtUp = true;
    }
  }

  /** A record from one of the logs. Never throws. */
  void accept(byte[] bytes) {
    DirectoryRecord r;
    try {
      r = DirectoryRecord.decode(bytes);
    } catch (RuntimeException e) {
      long n = malformed.incrementAndGet();
      if (Long.bitCount(n) == 1) {
        LOG.warn(
            "ignored a malformed directory record on channel '{}' ({} so far): {}",
            channel,
            n,
            e.getMessage());
      }
      return;
    }
    if (r == null) {
      return;
    }
    if (r.op == DirectoryRecord.Op.SYNC) {
      CompletableFuture<Void> f = syncs.get(r.instance);
      if (f != null) {
        f.complete(null);
      }
      return;
    }
    boolean wasTerminated = false;
    synchronized (lock) {
      List<DirectoryEvent> out = new ArrayList<>(1);
      switch (r.op) {
        case CARD:
          AgentCard old = cards.put(r.agent, r.card);
          if (!r.card.equals(old)) {
            out.add(event(DirectoryEventType.CHANGED, r.agent, null));
          }
          break;
        case LEASE:
          lease(r, out);
          break;
        case LEAVE:
          Live gone = removeLive(r.instance);
          if (gone != null) {
            gone.lastSeen = r.at;
            out.add(event(DirectoryEventType.LEFT, r.agent, gone.snapshot()));
          }
          break;
        case TERMINATE:
          terminatedAt.merge(r.agent, r.at, (a, b) -> a.isAfter(b) ? a : b);
          if (terminated.add(r.agent)) {
            wasTerminated = true;
            Map<String, Live> of = byAgent.get(r.agent);
            for (Live l : of == null ? List.<Live>of() : List.copyOf(of.values())) {
              removeLive(l.id);
              out.add(event(DirectoryEventType.LEFT, r.agent, l.snapshot()));
            }
            out.add(event(DirectoryEventType.CHANGED, r.agent, null));
          }
          break;
        case REVIVE:
          terminatedAt.remove(r.agent);
          if (terminated.remove(r.agent)) {
            out.add(event(DirectoryEventType.CHANGED, r.agent, null));
          }
          break;
        default:
          break;
      }
      publish(out);
    }
    if (wasTerminated) {
      onTerminated.accept(channel, r.agent);
    }
  }

  private void lease(DirectoryRecord r, List<DirectoryEvent> out) {
    if (terminated.contains(r.agent)) {
      return;
    }
    long now = System.nanoTime();
    long leaseNanos = Duration.ofMillis(r.leaseMillis).toNanos();
    long remaining = leaseNanos;
    Instant seen = Instant.now();
    if (!caughtUp) {
      // History: the record's own time says how much of its lease is left (clocks assumed close).
      long age = Duration.between(r.at, seen).toNanos();
      remaining = Math.min(leaseNanos, leaseNanos - Math.max(0, age));
      seen = r.at.isAfter(seen) ? seen : r.at;
      if (remaining <= 0) {
        return;
      }
    }
    Live l = live.get(r.instance);
    boolean joined = l == null;
    if (joined) {
      l = new Live(r);
      live.put(r.instance, l);
      byAgent.computeIfAbsent(r.agent, a -> new HashMap<>()).put(r.instance, l);
    }
    l.lastSeen = seen;
    l.expiresNanos = now + remaining;
    snapshot = null;
    if (joined) {
      out.add(event(DirectoryEventType.JOINED, r.agent, l.snapshot()));
    }
  }

  /** Drops the instances whose lease ran out. */
  void sweep(long nowNanos) {
    synchronized (lock) {
      List<DirectoryEvent> out = null;
      for (Iterator<Live> it = live.values().iterator(); it.hasNext(); ) {
        Live l = it.next();
        if (l.expiresNanos - nowNanos <= 0) {
          it.remove();
          removeFromAgent(l);
          if (out == null) {
            out = new ArrayList<>();
          }
          out.add(event(DirectoryEventType.LEFT, l.agent, l.snapshot()));
        }
      }
      if (out != null) {
        publish(out);
      }
    }
  }

  /** Must hold the lock. */
  private Live removeLive(String id) {
    Live l = live.remove(id);
    if (l != null) {
      removeFromAgent(l);
    }
    return l;
  }

  /** Must hold the lock. */
  private void removeFromAgent(Live l) {
    Map<String, Live> of = byAgent.get(l.agent);
    if (of != null) {
      of.remove(l.id);
      if (of.isEmpty()) {
        byAgent.remove(l.agent);
      }
    }
  }

  /** Must hold the lock. */
  private DirectoryEvent event(DirectoryEventType type, String agent, AgentInstance instance) {
    snapshot = null;
    return new DirectoryEvent(type, channel, agent, instance, entryLocked(agent));
  }

  /** Must hold the lock; hands the events to the executor in order. */
  private void publish(List<DirectoryEvent> out) {
    if (out.isEmpty() || listeners.isEmpty()) {
      return;
    }
    List<DirectoryListener> to = List.copyOf(listeners);
    events.execute(() -> deliver(to, out));
  }

  private static void deliver(List<DirectoryListener> to, List<DirectoryEvent> out) {
    for (DirectoryEvent e : out) {
      for (DirectoryListener l : to) {
        try {
          l.onEvent(e);
        } catch (RuntimeException ex) {
          LOG.warn("a directory listener failed on {}", e.type(), ex);
        }
      }
    }
  }

  AutoCloseable watch(DirectoryListener listener) {
    synchronized (lock) {
      List<DirectoryEvent> initial = new ArrayList<>();
      for (Live l : live.values()) {
        initial.add(
            new DirectoryEvent(
                DirectoryEventType.JOINED, channel, l.agent, l.snapshot(), entryLocked(l.agent)));
      }
      listeners.add(listener);
      if (!initial.isEmpty()) {
        events.execute(() -> deliver(List.of(listener), initial));
      }
    }
    return () -> listeners.remove(listener);
  }

  List<DirectoryEntry> entries() {
    synchronized (lock) {
      if (snapshot == null) {
        List<DirectoryEntry> all = new ArrayList<>(cards.size());
        for (String agent : cards.keySet()) {
          all.add(entryLocked(agent));
        }
        all.sort(Comparator.comparing(DirectoryEntry::name));
        snapshot = List.copyOf(all);
      }
      return snapshot;
    }
  }

  Optional<DirectoryEntry> entry(String agent) {
    synchronized (lock) {
      return Optional.ofNullable(entryLocked(agent));
    }
  }

  /** The terminated agents whose latest termination record was written before a time. */
  List<String> terminatedBefore(Instant time) {
    synchronized (lock) {
      List<String> out = new ArrayList<>();
      terminatedAt.forEach(
          (agent, at) -> {
            if (at.isBefore(time)) {
              out.add(agent);
            }
          });
      return out;
    }
  }

  boolean isTerminated(String agent) {
    synchronized (lock) {
      return terminated.contains(agent);
    }
  }

  int liveInstances(String agent) {
    synchronized (lock) {
      Map<String, Live> of = byAgent.get(agent);
      return of == null ? 0 : of.size();
    }
  }

  boolean hasCard(String agent) {
    synchronized (lock) {
      return cards.containsKey(agent);
    }
  }

  private DirectoryEntry entryLocked(String agent) {
    AgentCard card = cards.get(agent);
    if (card == null) {
      return null;
    }
    Map<String, Live> of = byAgent.get(agent);
    List<AgentInstance> instances = new ArrayList<>(of == null ? 0 : of.size());
    if (of != null) {
      for (Live l : of.values()) {
        instances.add(l.snapshot());
      }
    }
    instances.sort(Comparator.comparing(AgentInstance::startedAt));
    AgentState state =
        terminated.contains(agent)
            ? AgentState.TERMINATED
            : instances.isEmpty() ? AgentState.IDLE : AgentState.ACTIVE;
    return new DirectoryEntry(channel, card, state, List.copyOf(instances));
  }
}
