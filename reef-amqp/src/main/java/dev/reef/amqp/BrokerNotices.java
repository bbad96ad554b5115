package dev.reef.amqp;

import com.rabbitmq.client.BlockedListener;
import dev.reef.SporeEvent;
import dev.reef.observe.ConnectionState;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the broker tells about itself rather than about a spore: the publishing connection blocked
 * and unblocked (flow control), a consumed mailbox deleted, a shared consumer channel closed. Each
 * is logged once and passed to the application's {@link BrokerListener} on the callbacks executor;
 * the first two are also counted through the backend's events. Also answers whether publishes are
 * blocked now. Thread-safe.
 */
final class BrokerNotices implements BlockedListener {
  private static final Logger log = LoggerFactory.getLogger(BrokerNotices.class);

  private final BackendEvents events;
  private final BrokerListener listener;
  private final Executor callbacks;
  private final String where;
  private final String connection;

  /** The broker's reason while it blocks publishes, else null. */
  private volatile String blocked;

  BrokerNotices(
      BackendEvents events,
      BrokerListener listener,
      Executor callbacks,
      String where,
      String connection) {
    this.events = events;
    this.connection = connection;
    this.listener = listener;
    this.callbacks = callbacks;
    this.where = where;
  }

  /** The broker's reason if it blocks publishes now, else null. */
  String blockedReason() {
    return blocked;
  }

  @Override
  public void handleBlocked(String reason) {
    String why = reason == null || reason.isBlank() ? "no reason given" : reason;
    blocked = why;
    log.warn(
        "the broker at {} blocks publishes ({}): sends fail with BrokerBlockedException until it"
            + " unblocks",
        where,
        why);
    events.event(SporeEvent.BROKER_BLOCKED, null, null, null, null);
    events.connectionState(ConnectionState.BLOCKED, connection, why);
    notify(() -> listener.onBlocked(why));
  }

  @Override
  public void handleUnblocked() {
    blocked = null;
    log.info("the broker at {} accepts publishes again", where);
    events.connectionState(ConnectionState.UNBLOCKED, connection, null);
    notify(listener::onUnblocked);
  }

  /** The broker cancelled a consumer because its mailbox queue was deleted. */
  void mailboxDeleted(String channel, String agent, String queue) {
    log.warn(
        "the mailbox {} of '{}' on '{}' was deleted under its consumer; declaring it again",
        queue,
        agent,
        channel);
    events.event(SporeEvent.MAILBOX_DELETED, channel, agent, null, null);
    notify(() -> listener.onMailboxDeleted(channel, agent));
  }

  /**
   * The broker closed a shared consumer channel (a channel error, not the connection's loss); the
   * mailboxes on it are being re-attached.
   */
  void consumerChannelLost(String reason, int mailboxes) {
    log.warn(
        "consumer channel closed by the broker: {}; re-attaching {} mailboxes", reason, mailboxes);
    notify(() -> listener.onConsumerChannelLost(reason, mailboxes));
  }

  private void notify(Runnable call) {
    Runnable task =
        () -> {
          try {
            call.run();
          } catch (RuntimeException e) {
            log.warn("broker listener failed: {}", e.toString());
          }
        };
    try {
      callbacks.execute(task);
    } catch (RejectedExecutionException e) {
      log.debug("closing: broker notice not passed on");
    }
  }
}
