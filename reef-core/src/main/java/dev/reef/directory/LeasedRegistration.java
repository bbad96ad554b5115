package dev.reef.directory;

import dev.reef.spi.DirectoryStore.Log;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An open {@link Registration}: renews its lease on the directory's timer until closed or
 * terminated, writes its card again every {@link DirectoryOptions#cardRefresh()}.
 */
final class LeasedRegistration implements Registration {
  private static final Logger LOG = LoggerFactory.getLogger(LeasedRegistration.class);

  private final DefaultAgentDirectory directory;
  private final ChannelView view;
  private final String instanceId = UUID.randomUUID().toString();
  private final Instant startedAt = Instant.now();
  private volatile AgentCard card;
  private volatile boolean closed;
  private volatile boolean terminated;
  private volatile boolean renewFailing;
  private final List<Runnable> onTerminated = new CopyOnWriteArrayList<>();
  private ScheduledFuture<?> renewal;
  private ScheduledFuture<?> refresh;

  LeasedRegistration(DefaultAgentDirectory directory, ChannelView view, AgentCard card) {
    this.directory = directory;
    this.view = view;
    this.card = card;
  }

  /** Writes the card and the first lease, waits until the view has both, starts renewing. */
  void start() {
    directory.await(
        directory.append(view.channel, Log.RECORDS, directory.card(card, instanceId, startedAt)),
        "registering '" + card.name() + "'");
    directory.await(
        directory.append(
            view.channel, Log.LEASES, directory.lease(card.name(), instanceId, startedAt)),
        "writing the lease of '" + card.name() + "'");
    directory.sync(view);
    long renew = directory.options().renewInterval().toMillis();
    long cards = directory.options().cardRefresh().toMillis();
    synchronized (this) {
      if (closed) {
        return;
      }
      renewal =
          directory.timer().scheduleAtFixedRate(this::renew, renew, renew, TimeUnit.MILLISECONDS);
      refresh =
          directory.timer().scheduleAtFixedRate(this::refresh, cards, cards, TimeUnit.MILLISECONDS);
    }
  }

  private void renew() {
    if (closed || terminated) {
      return;
    }
    directory
        .append(view.channel, Log.LEASES, directory.lease(card.name(), instanceId, startedAt))
        .whenComplete(
            (v, e) -> {
              if (e != null && !renewFailing) {
                LOG.warn("renewing the lease of '{}' failed: {}", card.name(), e.toString());
              }
              renewFailing = e != null;
            });
  }

  private void refresh() {
    if (closed || terminated) {
      return;
    }
    directory
        .append(view.channel, Log.RECORDS, directory.card(card, instanceId, startedAt))
        .exceptionally(
            e -> {
              LOG.warn("refreshing the card of '{}' failed: {}", card.name(), e.toString());
              return null;
            });
  }

  void terminatedSeen() {
    terminated = true;
    cancel();
    onTerminated.forEach(directory::onEventThread);
  }

  @Override
  public void onTerminated(Runnable action) {
    onTerminated.add(Objects.requireNonNull(action, "action"));
    if (terminated && onTerminated.remove(action)) {
      directory.onEventThread(action);
    }
  }

  private synchronized void cancel() {
    if (renewal != null) {
      renewal.cancel(false);
      refresh.cancel(false);
    }
  }

  @Override
  public String channel() {
    return view.channel;
  }

  @Override
  public String instanceId() {
    return instanceId;
  }

  @Override
  public AgentCard card() {
    return card;
  }

  @Override
  public void update(AgentCard next) {
    Objects.requireNonNull(next, "card");
    if (!next.name().equals(card.name())) {
      throw new IllegalArgumentException(
          "the card names '" + next.name() + "', this registration is '" + card.name() + "'");
    }
    if (terminated || view.isTerminated(next.name())) {
      throw new AgentTerminatedException(view.channel, next.name());
    }
    card = next;
    directory.await(
        directory.append(view.channel, Log.RECORDS, directory.card(next, instanceId, startedAt)),
        "updating the card of '" + next.name() + "'");
    directory.sync(view);
  }

  @Override
  public boolean terminated() {
    return terminated;
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    cancel();
    directory.forget(this);
    if (terminated) {
      return;
    }
    DirectoryRecord leave =
        new DirectoryRecord(
            DirectoryRecord.Op.LEAVE,
            card.name(),
            instanceId,
            Instant.now(),
            0,
            null,
            0,
            null,
            null);
    try {
      directory.await(
          directory.append(view.channel, Log.LEASES, leave), "leaving '" + card.name() + "'");
    } catch (RuntimeException e) {
      LOG.warn(
          "could not write the leave of '{}' (its lease will run out): {}",
          card.name(),
          e.toString());
    }
  }

  @Override
  public String toString() {
    return "Registration{" + view.channel + "/" + card.name() + " " + instanceId + "}";
  }
}
