package dev.reef.directory;

import dev.reef.ReefClosedException;
import dev.reef.ReefException;
import dev.reef.ReefNames;
import dev.reef.spi.DirectoryStore;
import dev.reef.spi.DirectoryStore.Log;
import dev.reef.spi.DirectoryStore.MailboxInfo;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link AgentDirectory} over a {@link DirectoryStore}: one {@link ChannelView} per channel
 * used, a timer thread for lease renewals and expiry sweeps, an event thread for listeners.
 */
final class DefaultAgentDirectory implements AgentDirectory {
  private static final Logger LOG = LoggerFactory.getLogger(DefaultAgentDirectory.class);
  private static final String HOST = hostName();
  private static final long PID = ProcessHandle.current().pid();

  /** One followed channel: its view and the handles of its two follows. */
  private static final class Followed {
    final ChannelView view;
    final List<AutoCloseable> handles = new ArrayList<>(2);

    Followed(ChannelView view) {
      this.view = view;
    }
  }

  private final DirectoryStore store;
  private final DirectoryOptions options;
  private final ScheduledExecutorService timer;
  private final ExecutorService events;
  private final ConcurrentHashMap<String, CompletableFuture<Followed>> channels =
      new ConcurrentHashMap<>();
  private final Set<LeasedRegistration> registrations = ConcurrentHashMap.newKeySet();
  private final AtomicLong malformed = new AtomicLong();
  private volatile boolean closed;

  DefaultAgentDirectory(DirectoryStore store, DirectoryOptions options) {
    this.store = store;
    this.options = options;
    this.timer = Executors.newSingleThreadScheduledExecutor(daemon("reef-directory"));
    this.events = Executors.newSingleThreadExecutor(daemon("reef-directory-events"));
    long sweep = Math.max(10, Math.min(500, options.lease().toMillis() / 20));
    timer.scheduleAtFixedRate(this::sweep, sweep, sweep, TimeUnit.MILLISECONDS);
    long refresh = options.cardRefresh().toMillis();
    timer.scheduleAtFixedRate(this::refreshTerminations, refresh, refresh, TimeUnit.MILLISECONDS);
  }

  private static ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException | RuntimeException e) {
      return "unknown";
    }
  }

  DirectoryOptions options() {
    return options;
  }

  ScheduledExecutorService timer() {
    return timer;
  }

  void onEventThread(Runnable action) {
    events.execute(
        () -> {
          try {
            action.run();
          } catch (RuntimeException e) {
            LOG.warn("a termination action failed", e);
          }
        });
  }

  private void sweep() {
    long now = System.nanoTime();
    for (CompletableFuture<Followed> f : channels.values()) {
      Followed followed = f.getNow(null);
      if (followed != null) {
        followed.view.sweep(now);
      }
    }
  }

  /**
   * Writes again every termination whose latest record is older than the card refresh interval, so
   * that terminations outlive the store's retention as long as some process follows the channel.
   * Several processes may each write one: the records are idempotent.
   */
  private void refreshTerminations() {
    Instant before = Instant.now().minus(options.cardRefresh());
    for (CompletableFuture<Followed> f : channels.values()) {
      Followed followed = f.getNow(null);
      if (followed == null) {
        continue;
      }
      for (String agent : followed.view.terminatedBefore(before)) {
        append(
                followed.view.channel,
                Log.RECORDS,
                DirectoryRecord.agentOnly(DirectoryRecord.Op.TERMINATE, agent, Instant.now()))
            .exceptionally(
                e -> {
                  LOG.warn("refreshing the termination of '{}' failed: {}", agent, e.toString());
                  return null;
                });
      }
    }
  }

  /** The view of a channel, following it (and reading its history) on first use. */
  ChannelView view(String channel) {
    ReefNames.requireChannel(channel);
    if (closed) {
      throw new ReefClosedException("the agent directory is closed");
    }
    CompletableFuture<Followed> f = channels.get(channel);
    if (f == null) {
      CompletableFuture<Followed> mine = new CompletableFuture<>();
      f = channels.putIfAbsent(channel, mine);
      if (f == null) {
        f = mine;
        follow(channel, mine);
      }
    }
    return await(f, "reading the directory of channel '" + channel + "'").view;
  }

  private void follow(String channel, CompletableFuture<Followed> result) {
    Followed followed =
        new Followed(new ChannelView(channel, events, malformed, this::terminatedSeen));
    try {
      followed.handles.add(store.follow(channel, Log.RECORDS, followed.view::accept));
      followed.handles.add(store.follow(channel, Log.LEASES, followed.view::accept));
      sync(followed.view);
      followed.view.markCaughtUp();
      result.complete(followed);
    } catch (RuntimeException e) {
      channels.remove(channel, result);
      closeQuietly(followed.handles);
      result.completeExceptionally(e);
    }
  }

  /** Appends a marker to both logs and waits until the view has read it back: caught up. */
  void sync(ChannelView view) {
    String nonce = UUID.randomUUID().toString();
    CompletableFuture<Void> records = view.expectSync(nonce + "/r");
    CompletableFuture<Void> leases = view.expectSync(nonce + "/l");
    Instant now = Instant.now();
    append(view.channel, Log.RECORDS, DirectoryRecord.sync(nonce + "/r", now));
    append(view.channel, Log.LEASES, DirectoryRecord.sync(nonce + "/l", now));
    await(CompletableFuture.allOf(records, leases), "catching up with the directory");
  }

  CompletableFuture<Void> append(String channel, Log log, DirectoryRecord record) {
    return store.append(channel, log, record.encode());
  }

  <T> T await(CompletableFuture<T> f, String what) {
    try {
      return f.get(options.syncTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ReefException(what + " was interrupted", e);
    } catch (TimeoutException e) {
      throw new ReefException(what + " took longer than " + options.syncTimeout(), e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof ReefException) {
        throw (ReefException) c;
      }
      throw new ReefException(what + " failed: " + c, c);
    }
  }

  DirectoryRecord lease(String agent, String instance, Instant startedAt) {
    return new DirectoryRecord(
        DirectoryRecord.Op.LEASE,
        agent,
        instance,
        Instant.now(),
        options.lease().toMillis(),
        HOST,
        PID,
        startedAt,
        null);
  }

  DirectoryRecord card(AgentCard card, String instance, Instant startedAt) {
    return new DirectoryRecord(
        DirectoryRecord.Op.CARD,
        card.name(),
        instance,
        Instant.now(),
        0,
        HOST,
        PID,
        startedAt,
        card);
  }

  @Override
  public Registration register(String channel, AgentCard card) {
    ChannelView view = view(channel);
    if (view.isTerminated(card.name())) {
      throw new AgentTerminatedException(channel, card.name());
    }
    LeasedRegistration reg = new LeasedRegistration(this, view, card);
    registrations.add(reg);
    try {
      reg.start();
    } catch (RuntimeException e) {
      registrations.remove(reg);
      reg.close();
      throw e;
    }
    return reg;
  }

  void forget(LeasedRegistration reg) {
    registrations.remove(reg);
  }

  private void terminatedSeen(String channel, String agent) {
    for (LeasedRegistration r : registrations) {
      if (r.channel().equals(channel) && r.card().name().equals(agent)) {
        r.terminatedSeen();
      }
    }
  }

  @Override
  public List<DirectoryEntry> discover(String channel, DirectoryQuery query) {
    List<DirectoryEntry> all = view(channel).entries();
    List<DirectoryEntry> out = new ArrayList<>();
    for (DirectoryEntry e : all) {
      if (query.matches(e)) {
        out.add(e);
      }
    }
    return List.copyOf(out);
  }

  @Override
  public Optional<DirectoryEntry> lookup(String channel, String agent) {
    ReefNames.requireAgent("agent", agent);
    return view(channel).entry(agent);
  }

  @Override
  public AgentStatus status(String channel, String agent) {
    ReefNames.requireAgent("agent", agent);
    ChannelView view = view(channel);
    MailboxInfo mailbox = store.mailbox(channel, agent);
    long depth = mailbox == null ? -1 : mailbox.depth();
    int consumers = mailbox == null ? -1 : mailbox.consumers();
    int live = view.liveInstances(agent);
    AgentState state;
    if (view.isTerminated(agent)) {
      state = AgentState.TERMINATED;
    } else if (live > 0) {
      state = AgentState.ACTIVE;
    } else if (mailbox != null || view.hasCard(agent)) {
      state = AgentState.IDLE;
    } else {
      state = AgentState.UNKNOWN;
    }
    return new AgentStatus(state, depth, consumers, live);
  }

  @Override
  public AutoCloseable watch(String channel, DirectoryListener listener) {
    return view(channel).watch(listener);
  }

  @Override
  public void terminate(String channel, String agent) {
    mark(channel, agent, DirectoryRecord.Op.TERMINATE, true);
  }

  @Override
  public void revive(String channel, String agent) {
    mark(channel, agent, DirectoryRecord.Op.REVIVE, false);
  }

  /** Writes a termination or a revival unless the agent is already in that state. */
  private void mark(String channel, String agent, DirectoryRecord.Op op, boolean terminated) {
    ReefNames.requireAgent("agent", agent);
    ChannelView view = view(channel);
    if (view.isTerminated(agent) == terminated) {
      return;
    }
    await(
        append(channel, Log.RECORDS, DirectoryRecord.agentOnly(op, agent, Instant.now())),
        "writing the " + op.wire + " of '" + agent + "'");
    sync(view);
  }

  @Override
  public boolean isTerminated(String channel, String agent) {
    return view(channel).isTerminated(agent);
  }

  @Override
  public boolean isKnownTerminated(String channel, String agent) {
    CompletableFuture<Followed> f = channels.get(channel);
    Followed followed = f == null ? null : f.getNow(null);
    return followed != null && followed.view.isTerminated(agent);
  }

  @Override
  public long malformedRecords() {
    return malformed.get();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (LeasedRegistration r : List.copyOf(registrations)) {
      r.close();
    }
    for (CompletableFuture<Followed> f : channels.values()) {
      Followed followed = f.getNow(null);
      if (followed != null) {
        closeQuietly(followed.handles);
      }
    }
    channels.clear();
    timer.shutdownNow();
    events.shutdown();
    try {
      store.close();
    } catch (RuntimeException e) {
      LOG.warn("closing the directory store failed", e);
    }
  }

  boolean closed() {
    return closed;
  }

  private static void closeQuietly(List<AutoCloseable> handles) {
    for (AutoCloseable h : handles) {
      try {
        h.close();
      } catch (Exception e) {
        LOG.debug("closing a directory follow failed", e);
      }
    }
  }
}
