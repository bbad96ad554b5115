package dev.reef.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.WriteListener;
import com.rabbitmq.client.impl.AMQConnection;
import com.rabbitmq.client.impl.Frame;
import com.rabbitmq.client.impl.FrameHandler;
import com.rabbitmq.client.impl.FrameHandlerFactory;
import dev.reef.amqp.internal.HeaderNesting;
import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * amqp-client's socket frame handler with every incoming content header checked by {@link
 * HeaderNesting#guardContentHeader} before the client parses it, so that no message can close the
 * connection's reader (issue 13, item 1): a header nested too deeply reaches the consumer removed
 * and recorded, and the consumer dead-letters the message {@code malformed}. Its flushes wait while
 * the flushing thread holds a {@link WriteBatch} (a batch of publishes goes out with one socket
 * write; flushes with a write listener, and every other thread's, are never deferred). Everything
 * else is delegated. Reads happen on the connection's reader thread only; writes and flushes on any
 * thread, like the handler it wraps.
 */
final class GuardedFrameHandler implements FrameHandler {
  private static final Logger log = LoggerFactory.getLogger(GuardedFrameHandler.class);

  /** AMQP 0-9-1 {@code basic} class id. */
  private static final int BASIC_CLASS = 60;

  /** {@code basic.publish} method id. */
  private static final int PUBLISH_METHOD = 40;

  /** A method frame starts with its class id and method id, two bytes each. */
  private static final int METHOD_IDS_BYTES = 4;

  private final FrameHandler delegate;

  /** The connection this handler serves (set once, before any publish); a batch flushes it. */
  private volatile AMQConnection connection;

  private GuardedFrameHandler(FrameHandler delegate) {
    this.delegate = delegate;
  }

  /** A factory whose handlers guard the frames of those {@code inner} makes. */
  static FrameHandlerFactory wrap(FrameHandlerFactory inner) {
    return (address, connectionName) ->
        new GuardedFrameHandler(inner.create(address, connectionName));
  }

  @Override
  public Frame readFrame() throws IOException {
    Frame frame = delegate.readFrame();
    if (frame == null || frame.getType() != AMQP.FRAME_HEADER) {
      return frame;
    }
    byte[] payload = frame.getPayload();
    byte[] guarded = HeaderNesting.guardContentHeader(payload);
    if (guarded == payload) {
      return frame;
    }
    log.warn(
        "removed headers nested deeper than {} levels (or unreadable) from a message on channel"
            + " {} before reading it; the consumer dead-letters it",
        HeaderNesting.MAX_DEPTH,
        frame.getChannel());
    return new Frame(frame.getType(), frame.getChannel(), guarded);
  }

  @Override
  public boolean internalHearbeat() {
    return delegate.internalHearbeat();
  }

  @Override
  public void setTimeout(int timeoutMs) throws SocketException {
    delegate.setTimeout(timeoutMs);
  }

  @Override
  public int getTimeout() throws SocketException {
    return delegate.getTimeout();
  }

  @Override
  public void sendHeader() throws IOException {
    delegate.sendHeader();
  }

  @Override
  public void initialize(AMQConnection connection) {
    this.connection = connection;
    delegate.initialize(connection);
  }

  @Override
  public void startProcessing() {
    delegate.startProcessing();
  }

  @Override
  public void finishConnectionNegotiation() {
    delegate.finishConnectionNegotiation();
  }

  @Override
  public void setFrameMax(int frameMax) {
    delegate.setFrameMax(frameMax);
  }

  @Override
  public void writeFrame(Frame frame) throws IOException {
    if (frame.getType() == AMQP.FRAME_METHOD && WriteBatch.deferring() && !isPublish(frame)) {
      // A command other than a publish may wait for the broker's answer: send what the batch
      // holds back now, and flush the rest of it command by command.
      WriteBatch.flushNow();
    }
    delegate.writeFrame(frame);
  }

  /** Whether an outgoing method frame is {@code basic.publish} (class 60, method 40). */
  private static boolean isPublish(Frame frame) {
    byte[] p = frame.getPayload();
    return p.length >= METHOD_IDS_BYTES
        && ((p[0] & 0xff) << 8 | (p[1] & 0xff)) == BASIC_CLASS
        && ((p[2] & 0xff) << 8 | (p[3] & 0xff)) == PUBLISH_METHOD;
  }

  @Override
  public void flush(WriteListener listener) throws IOException {
    if (listener == null && WriteBatch.defer(connection)) {
      return; // the calling thread's batch flushes once at its end
    }
    delegate.flush(listener);
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public InetAddress getLocalAddress() {
    return delegate.getLocalAddress();
  }

  @Override
  public int getLocalPort() {
    return delegate.getLocalPort();
  }

  @Override
  public InetAddress getAddress() {
    return delegate.getAddress();
  }

  @Override
  public int getPort() {
    return delegate.getPort();
  }
}
