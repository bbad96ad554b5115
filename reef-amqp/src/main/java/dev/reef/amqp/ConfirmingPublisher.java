package dev.reef.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.ReturnListener;
import com.rabbitmq.client.ShutdownListener;
import com.rabbitmq.client.ShutdownSignalException;
import dev.reef.PublishException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One publishing channel in confirm mode, used by one or a few threads under a lock (a channel must
 * not interleave publishes). Every publish is tracked until the broker confirms it; the future
 * completes with {@code true} when it was routed, {@code false} when the broker returned it
 * (mandatory, no queue bound), or fails with {@link PublishException} on a nack, a connection loss
 * before the confirm, or no confirm within the timeout. Nothing outstanding is forgotten: a channel
 * shutdown fails everything not yet confirmed (the message may or may not have reached the broker).
 *
 * <p>The futures of confirmed, nacked or lost publishes are completed on the completion executor
 * given at construction (one task per confirm frame), never on the connection's I/O thread; a
 * publish that fails at once completes on the caller's thread.
 *
 * <p>Over 450 lines because the outstanding map, the confirm window permits and the channel's
 * sequence numbers form one state: every path that settles a publish (ack, nack, return, timeout,
 * refusal, shutdown, client error) must update all three together.
 */
final class ConfirmingPublisher implements ConfirmListener, ReturnListener, ShutdownListener {
  /** Headers estimated below frame_max divided by this are not measured exactly. */
  private static final int EXACT_CHECK_DIVISOR = 2;

  /** The estimated bytes a header entry takes besides its name and value (type, lengths). */
  private static final int HEADER_ENTRY_OVERHEAD = 16;

  /** The most UTF-8 bytes one Java {@code char} encodes to. */
  private static final int MAX_UTF8_BYTES_PER_CHAR = 3;

  private final Channel channel;
  private final Semaphore window;
  private final ReentrantLock lock = new ReentrantLock();
  private volatile Epoch epoch = new Epoch();
  private volatile boolean dead;
  private final Runnable onChannelError;
  private final Executor completions;
  private final boolean inlineRouted;

  /** The outstanding publishes of one incarnation of the channel (sequence numbers restart). */
  private static final class Epoch {
    final ConcurrentSkipListMap<Long, Pending> outstanding = new ConcurrentSkipListMap<>();
    volatile boolean closed;
  }

  /** One unconfirmed publish. */
  private static final class Pending {
    final CompletableFuture<Boolean> done = new CompletableFuture<>();
    final String messageId;
    final String exchange;
    final long startNanos = System.nanoTime();
    final AtomicBoolean settled = new AtomicBoolean();
    final Semaphore window;
    volatile boolean returned;

    /** Its future failed for want of a confirm; it still holds its place in the window. */
    volatile boolean timedOut;

    Pending(String messageId, String exchange, Semaphore window) {
      this.messageId = messageId;
      this.exchange = exchange;
      this.window = window;
    }

    void succeed() {
      if (settled.compareAndSet(false, true)) {
        window.release();
        done.complete(!returned);
      }
    }

    void fail(Throwable t) {
      if (settled.compareAndSet(false, true)) {
        window.release();
        done.completeExceptionally(t);
      }
    }

    /** Marks it settled and frees its window permit; the future is completed separately. */
    boolean settle() {
      if (settled.compareAndSet(false, true)) {
        window.release();
        return true;
      }
      return false;
    }

    void finish(Throwable failure) {
      if (failure == null) {
        done.complete(!returned);
      } else {
        done.completeExceptionally(failure);
      }
    }
  }

  /**
   * Completes settled publishes' futures on the completion executor, never on the connection's I/O
   * thread, one task per confirm frame (a {@code multiple} ack settles many publishes at once), so
   * that a steady stream does not pay a thread hand-off per message.
   */
  private void finishAll(List<Pending> settled, Throwable failure) {
    if (settled.isEmpty()) {
      return;
    }
    if (inlineRouted && failure == null) {
      List<Pending> handOff = null;
      for (Pending p : settled) {
        if (p.returned) {
          if (handOff == null) {
            handOff = new ArrayList<>();
          }
          handOff.add(p);
        } else {
          p.finish(null);
        }
      }
      if (handOff == null) {
        return;
      }
      settled = handOff;
    }
    List<Pending> toFinish = settled;
    Runnable task =
        () -> {
          for (Pending p : toFinish) {
            p.finish(failure);
          }
        };
    try {
      completions.execute(task);
    } catch (RejectedExecutionException e) {
      task.run(); // closing: complete here rather than never
    }
  }

  private void failAllOf(ConcurrentNavigableMap<Long, Pending> outstanding, Throwable error) {
    List<Pending> settled = new ArrayList<>();
    for (Long seq : outstanding.keySet()) {
      Pending p = outstanding.remove(seq);
      if (p != null && p.settle()) {
        settled.add(p);
      }
    }
    finishAll(settled, error);
  }

  ConfirmingPublisher(
      Channel channel, Semaphore window, Runnable onChannelError, Executor completions)
      throws IOException {
    this(channel, window, onChannelError, completions, false);
  }

  /**
   * A publisher on a channel in confirm mode.
   *
   * @param inlineRouted complete the futures of routed, confirmed publishes on the connection's I/O
   *     thread instead of the completion executor; only for publishes whose futures carry nothing
   *     but the owner's own short, non-blocking callbacks (returns, nacks and losses still go to
   *     the executor)
   */
  ConfirmingPublisher(
      Channel channel,
      Semaphore window,
      Runnable onChannelError,
      Executor completions,
      boolean inlineRouted)
      throws IOException {
    this.inlineRouted = inlineRouted;
    this.channel = channel;
    this.window = window;
    this.onChannelError = onChannelError;
    this.completions = completions;
    channel.confirmSelect();
    channel.addConfirmListener(this);
    channel.addReturnListener(this);
    channel.addShutdownListener(this);
  }

  /**
   * Publishes one message, mandatory. The caller has already taken one permit of the confirm
   * window; it is released when the publish settles, whichever way.
   */
  CompletableFuture<Boolean> publish(
      String exchange, String routingKey, AMQP.BasicProperties props, byte[] body) {
    return publish(exchange, routingKey, true, props, body);
  }

  /**
   * Publishes one message; see {@link #publish(String, String, AMQP.BasicProperties, byte[])}.
   *
   * @param mandatory whether the broker returns the message when no queue takes it (then the future
   *     completes with false); without it the future completes with true once confirmed
   */
  CompletableFuture<Boolean> publish(
      String exchange,
      String routingKey,
      boolean mandatory,
      AMQP.BasicProperties props,
      byte[] body) {
    Pending p = new Pending(props.getMessageId(), exchange, window);
    PublishException tooLarge = checkHeaderFrame(props);
    if (tooLarge != null) {
      p.fail(tooLarge);
      return p.done;
    }
    lock.lock();
    try {
      publishLocked(epoch, p, exchange, routingKey, mandatory, props, body);
    } finally {
      lock.unlock();
    }
    return p.done;
  }

  /** One message of a batch: see {@link #publishAll(List)}. */
  record Message(String exchange, String routingKey, AMQP.BasicProperties props, byte[] body) {}

  /**
   * Publishes a batch of messages, mandatory, in order, under one hold of the lock (no other
   * thread's publish interleaves); each is tracked and confirmed on its own, as {@link
   * #publish(String, String, AMQP.BasicProperties, byte[])} does. The caller has already taken one
   * permit of the confirm window per message. Once the channel fails, the rest of the batch fails
   * without being sent. The messages' frames are written with one socket flush at the end instead
   * of one per message ({@link WriteBatch}).
   *
   * @return one future per message, in order
   */
  List<CompletableFuture<Boolean>> publishAll(List<Message> messages) {
    List<Pending> pending = new ArrayList<>(messages.size());
    List<CompletableFuture<Boolean>> results = new ArrayList<>(messages.size());
    for (Message m : messages) {
      Pending p = new Pending(m.props().getMessageId(), m.exchange(), window);
      PublishException tooLarge = checkHeaderFrame(m.props());
      if (tooLarge != null) {
        p.fail(tooLarge);
      }
      pending.add(p);
      results.add(p.done);
    }
    lock.lock();
    // The slice's frames go to the socket with one flush at the end (WriteBatch).
    WriteBatch writes = WriteBatch.begin();
    try {
      Epoch e = epoch;
      PublishException broken = null;
      for (int i = 0; i < messages.size(); i++) {
        Pending p = pending.get(i);
        if (p.settled.get()) {
          continue; // refused before the lock (too large)
        }
        if (broken != null) {
          p.fail(broken);
          continue;
        }
        Message m = messages.get(i);
        if (!publishLocked(e, p, m.exchange(), m.routingKey(), true, m.props(), m.body())) {
          broken =
              new PublishException(
                  "an earlier message of the batch failed on the publishing channel; not sent");
        }
      }
    } finally {
      writes.close();
      lock.unlock();
    }
    return results;
  }

  /**
   * Publishes one tracked message; the caller holds the lock.
   *
   * @return false if the channel failed (the publish failed and later ones would fail too)
   */
  private boolean publishLocked(
      Epoch e,
      Pending p,
      String exchange,
      String routingKey,
      boolean mandatory,
      AMQP.BasicProperties props,
      byte[] body) {
    long seq = channel.getNextPublishSeqNo();
    e.outstanding.put(seq, p);
    try {
      channel.basicPublish(exchange, routingKey, mandatory, props, body);
    } catch (IOException | ShutdownSignalException ex) {
      e.outstanding.remove(seq);
      p.fail(new PublishException("publish to exchange '" + exchange + "' failed: " + ex, ex));
      return false;
    } catch (RuntimeException ex) {
      // The client refused the message after numbering it (for example headers larger than a
      // frame): the broker's confirm numbers no longer match ours on this channel. Fail this
      // publish and everything outstanding, and retire the channel; the backend replaces it.
      e.outstanding.remove(seq);
      p.fail(new PublishException("the client refused the message: " + ex, ex));
      retire(e, ex);
      return false;
    }
    if (e.closed && e.outstanding.remove(seq) != null) {
      p.fail(lost(null));
    }
    return true;
  }

  /**
   * The properties and headers of a message must fit in one frame (the negotiated frame_max, 128
   * KiB on RabbitMQ by default). The client refuses a larger one only after it has numbered the
   * publish, which would shift every later publisher confirm on this channel, so it is checked
   * first: exactly (by serializing the properties) when the headers might be large, which a cheap
   * estimate decides.
   *
   * @return the failure, or null if the message fits
   */
  private PublishException checkHeaderFrame(AMQP.BasicProperties props) {
    Map<String, Object> headers = props.getHeaders();
    int frameMax = channel.getConnection().getFrameMax();
    if (headers == null || frameMax <= 0 || roughBytes(headers) < frameMax / EXACT_CHECK_DIVISOR) {
      return null;
    }
    try {
      int size = props.toFrame(channel.getChannelNumber(), 0).size();
      if (size <= frameMax) {
        return null;
      }
      return new PublishException(
          "the message properties and headers take "
              + size
              + " bytes, more than the broker's frame size of "
              + frameMax
              + " bytes (keep metadata and references small)");
    } catch (IOException e) {
      return new PublishException("cannot serialize the message properties: " + e, e);
    }
  }

  /** An upper estimate of a header table's size for plain string and scalar values. */
  private static long roughBytes(Map<String, Object> headers) {
    long n = 0;
    for (Map.Entry<String, Object> e : headers.entrySet()) {
      Object v = e.getValue();
      n += e.getKey().length() + HEADER_ENTRY_OVERHEAD;
      if (v instanceof String) {
        n += (long) MAX_UTF8_BYTES_PER_CHAR * ((String) v).length();
      } else if (v instanceof com.rabbitmq.client.LongString) {
        n += ((com.rabbitmq.client.LongString) v).length();
      } else if (v instanceof byte[]) {
        n += ((byte[]) v).length;
      } else if (v instanceof Map || v instanceof java.util.Collection || v instanceof Object[]) {
        return Long.MAX_VALUE; // nested tables and arrays: measure exactly
      }
    }
    return n;
  }

  @Override
  public void handleAck(long seq, boolean multiple) {
    settle(seq, multiple, null);
  }

  @Override
  public void handleNack(long seq, boolean multiple) {
    settle(seq, multiple, new PublishException("the broker did not accept the message (nack)"));
  }

  private void settle(long seq, boolean multiple, Throwable failure) {
    Epoch e = epoch;
    if (multiple) {
      failAllOf(e.outstanding.headMap(seq, true), failure);
    } else {
      Pending p = e.outstanding.remove(seq);
      if (p != null && p.settle()) {
        finishAll(List.of(p), failure);
      }
    }
  }

  /**
   * The broker returned a mandatory message it could not route. It always sends the return before
   * the ack of the same message, and both arrive on this channel's I/O thread in order, so marking
   * the oldest unreturned publish with the same message id is enough.
   */
  @Override
  public void handleReturn(
      int replyCode,
      String replyText,
      String exchange,
      String routingKey,
      AMQP.BasicProperties properties,
      byte[] body) {
    String id = properties.getMessageId();
    for (Pending p : epoch.outstanding.values()) {
      if (!p.returned && Objects.equals(p.messageId, id)) {
        p.returned = true;
        return;
      }
    }
  }

  /**
   * The channel or its connection closed: everything unconfirmed fails. A channel-level error (for
   * example an exchange deleted under us) closes this channel for good, since recovery only follows
   * connection failures; the backend then replaces the publisher.
   */
  @Override
  public void shutdownCompleted(ShutdownSignalException cause) {
    if (!cause.isHardError() && !cause.isInitiatedByApplication()) {
      dead = true;
      onChannelError.run();
    }
    Epoch old = epoch;
    epoch = new Epoch();
    old.closed = true;
    if (BrokerErrors.isAccessRefused(cause)) {
      failRefused(old.outstanding, cause);
    } else if (BrokerErrors.isUserIdRefused(cause)) {
      failUserIdRefused(old.outstanding, cause);
    } else {
      failAllOf(old.outstanding, lost(cause));
    }
  }

  /**
   * The broker closed the channel refusing access ({@code ACCESS_REFUSED}, typically no write
   * permission on an exchange): the publishes to the exchange its reply text names were refused,
   * not lost, and fail with {@link dev.reef.UnauthorizedException} carrying that text; the others
   * fail as lost (the channel closed before their confirm).
   */
  private void failRefused(
      ConcurrentNavigableMap<Long, Pending> outstanding, ShutdownSignalException cause) {
    String text = BrokerErrors.replyText(cause);
    String refused = quotedAfter(text, "exchange '");
    List<Pending> denied = new ArrayList<>();
    List<Pending> others = new ArrayList<>();
    for (Long seq : outstanding.keySet()) {
      Pending p = outstanding.remove(seq);
      if (p != null && p.settle()) {
        (refused == null || refused.equals(p.exchange) ? denied : others).add(p);
      }
    }
    finishAll(
        denied,
        BrokerErrors.unauthorized(
            "the broker refused the publish (it was not delivered): " + text, cause));
    finishAll(others, lost(cause));
  }

  /**
   * The broker closed the channel because a publish's {@code user_id} was not the connection's user
   * ({@code PRECONDITION_FAILED}): the backend stamps every publish of a channel with the same
   * user, so every unconfirmed publish of the channel was refused the same way, not lost; they fail
   * with {@link dev.reef.UnauthorizedException} carrying the broker's text.
   */
  private void failUserIdRefused(
      ConcurrentNavigableMap<Long, Pending> outstanding, ShutdownSignalException cause) {
    List<Pending> denied = new ArrayList<>();
    for (Long seq : outstanding.keySet()) {
      Pending p = outstanding.remove(seq);
      if (p != null && p.settle()) {
        denied.add(p);
      }
    }
    finishAll(
        denied,
        BrokerErrors.unauthorized(
            "the broker refused the publish (it was not delivered): "
                + BrokerErrors.replyText(cause),
            cause));
  }

  /** The text between {@code prefix} and the next {@code '}, or null. */
  private static String quotedAfter(String text, String prefix) {
    if (text == null) {
      return null;
    }
    int i = text.indexOf(prefix);
    if (i < 0) {
      return null;
    }
    int start = i + prefix.length();
    int end = text.indexOf('\'', start);
    return end < 0 ? null : text.substring(start, end);
  }

  private void retire(Epoch e, RuntimeException cause) {
    // Closing the channel waits for the broker: nothing of a batch may still wait in the buffer.
    WriteBatch.flushNow();
    dead = true;
    onChannelError.run();
    e.closed = true;
    PublishException error =
        new PublishException(
            "the publishing channel was retired after a client error ("
                + cause
                + "); the message may or may not have been delivered",
            cause);
    for (Long seq : e.outstanding.keySet()) {
      Pending p = e.outstanding.remove(seq);
      if (p != null) {
        p.fail(error);
      }
    }
    try {
      channel.abort();
    } catch (IOException | RuntimeException ignored) {
      // closing anyway
    }
  }

  /**
   * Whether the channel was closed by a channel-level error, or retired after a client error, and
   * will not recover.
   */
  boolean isDead() {
    return dead;
  }

  /**
   * Fails the futures of publishes that waited longer than the timeout for their confirm. Each
   * keeps its place in the confirm window (and in {@link #outstanding()}) until the broker settles
   * it or the channel closes: the broker may still hold it (a blocked connection, for instance), so
   * the window never lets more messages into the broker than it allows.
   *
   * @param note appended to the failure's message (for example why the broker is slow), or ""
   */
  void expireOlderThan(Duration timeout, String note) {
    long now = System.nanoTime();
    long limit = timeout.toNanos();
    Epoch e = epoch;
    List<Pending> expired = new ArrayList<>();
    for (Pending p : e.outstanding.values()) {
      if (!p.timedOut && now - p.startNanos > limit && !p.settled.get()) {
        p.timedOut = true;
        expired.add(p);
      }
    }
    if (expired.isEmpty()) {
      return;
    }
    PublishException error =
        new PublishException(
            "no publisher confirm within "
                + timeout.toMillis()
                + " ms; the message may or may not have reached the broker"
                + note);
    Runnable task =
        () -> {
          for (Pending p : expired) {
            p.done.completeExceptionally(error);
          }
        };
    try {
      completions.execute(task);
    } catch (RejectedExecutionException ex) {
      task.run();
    }
  }

  /** Unconfirmed publishes. */
  int outstanding() {
    return epoch.outstanding.size();
  }

  /** Fails everything outstanding (used at close after the drain timeout). */
  void failAll(Throwable t) {
    failAllOf(epoch.outstanding, t);
  }

  Channel channel() {
    return channel;
  }

  /** Closes the channel of a publisher that was never used (another thread's replaced it). */
  void abort() {
    try {
      channel.abort();
    } catch (IOException | RuntimeException e) {
      // closing an unused channel: nothing outstanding to fail
    }
  }

  private static PublishException lost(ShutdownSignalException cause) {
    String why = cause == null || cause.getMessage() == null ? "" : " (" + cause.getMessage() + ")";
    return new PublishException(
        "the channel closed before the broker confirmed the message"
            + why
            + "; it may or may not have been delivered",
        cause);
  }
}
