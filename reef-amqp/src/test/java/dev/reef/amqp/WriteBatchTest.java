package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.WriteListener;
import com.rabbitmq.client.impl.AMQConnection;
import com.rabbitmq.client.impl.Frame;
import com.rabbitmq.client.impl.FrameHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link WriteBatch} through {@link GuardedFrameHandler}: inside a batch the calling thread's
 * flushes wait for the batch's end (one flush instead of one per command); frames are written at
 * once; other threads' flushes, flushes with a listener and flushes outside a batch are never
 * deferred. No broker: the handler wraps one that counts (the batch path against the real broker is
 * {@code BatchPublishIT}).
 */
class WriteBatchTest {
  private CountingHandler socket;
  private FrameHandler handler;

  /** Counts writes and flushes. */
  private static final class CountingHandler implements FrameHandler {
    final AtomicInteger frames = new AtomicInteger();
    final AtomicInteger flushes = new AtomicInteger();

    @Override
    public void writeFrame(Frame frame) {
      frames.incrementAndGet();
    }

    @Override
    public void flush(WriteListener listener) {
      flushes.incrementAndGet();
      if (listener != null) {
        listener.done(true, null);
      }
    }

    @Override
    public Frame readFrame() {
      return null;
    }

    @Override
    public void setTimeout(int timeoutMs) {}

    @Override
    public int getTimeout() {
      return 0;
    }

    @Override
    public void sendHeader() {}

    @Override
    public void initialize(AMQConnection connection) {}

    @Override
    public void setFrameMax(int frameMax) {}

    @Override
    public void startProcessing() {}

    @Override
    public void finishConnectionNegotiation() {}

    @Override
    public void close() {}

    @Override
    public InetAddress getLocalAddress() {
      return InetAddress.getLoopbackAddress();
    }

    @Override
    public int getLocalPort() {
      return 0;
    }

    @Override
    public InetAddress getAddress() {
      return InetAddress.getLoopbackAddress();
    }

    @Override
    public int getPort() {
      return 0;
    }
  }

  @BeforeEach
  void connect() throws Exception {
    socket = new CountingHandler();
    handler = GuardedFrameHandler.wrap((address, name) -> socket).create(null, "test");
    // The connection a batch flushes through; it flushes its frame handler, the guarded one.
    handler.initialize(new AMQConnection(new ConnectionFactory().params(null), handler));
  }

  private static Frame method(int classId, int methodId) throws IOException {
    Frame f = new Frame(AMQP.FRAME_METHOD, 1);
    f.getOutputStream().writeShort(classId);
    f.getOutputStream().writeShort(methodId);
    return f;
  }

  /** The frames of a basic.publish (class 60, method 40) and the command's flush. */
  private void publish() throws IOException {
    handler.writeFrame(method(60, 40));
    handler.writeFrame(new Frame(AMQP.FRAME_HEADER, 1));
    handler.writeFrame(new Frame(AMQP.FRAME_BODY, 1));
    handler.flush(null);
  }

  @Test
  void aBatchOfAHundredCommandsFlushesOnceAtItsEndAndWritesEveryFrameAtOnce() throws Exception {
    WriteBatch batch = WriteBatch.begin();
    for (int i = 0; i < 100; i++) {
      publish();
    }
    assertThat(socket.frames).hasValue(300);
    assertThat(socket.flushes).hasValue(0);
    batch.close();
    assertThat(socket.flushes).hasValue(1);

    publish(); // after the batch: flushed at once again
    assertThat(socket.flushes).hasValue(2);
  }

  @Test
  void anotherThreadsFlushDuringABatchIsNotDeferred() throws Exception {
    WriteBatch batch = WriteBatch.begin();
    publish();
    CompletableFuture.runAsync(
            () -> {
              try {
                publish();
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
            })
        .get(10, TimeUnit.SECONDS);
    assertThat(socket.flushes).hasValue(1);
    batch.close();
    assertThat(socket.flushes).hasValue(2);
  }

  @Test
  void aFlushWithAWriteListenerIsNeverDeferred() throws Exception {
    AtomicInteger done = new AtomicInteger();
    WriteBatch batch = WriteBatch.begin();
    handler.flush((ok, cause) -> done.incrementAndGet());
    assertThat(socket.flushes).hasValue(1);
    assertThat(done).hasValue(1);
    batch.close();
    assertThat(socket.flushes).hasValue(1);
  }

  @Test
  void aNestedBatchLeavesTheFlushToTheOuterOneAndFlushNowEndsTheDeferral() throws Exception {
    WriteBatch outer = WriteBatch.begin();
    WriteBatch inner = WriteBatch.begin();
    publish();
    inner.close();
    assertThat(socket.flushes).hasValue(0);
    publish();
    WriteBatch.flushNow();
    assertThat(socket.flushes).hasValue(1);
    publish(); // the deferral ended with flushNow
    assertThat(socket.flushes).hasValue(2);
    outer.close();
    assertThat(socket.flushes).hasValue(2);
  }

  @Test
  void aCommandOtherThanAPublishInsideABatchSendsWhatTheBatchHeldBackAndEndsIt() throws Exception {
    WriteBatch batch = WriteBatch.begin();
    publish();
    publish();
    assertThat(socket.flushes).hasValue(0);

    handler.writeFrame(method(50, 10)); // queue.declare: waits for declare-ok
    assertThat(socket.flushes).hasValue(1);
    assertThat(WriteBatch.deferring()).isFalse();
    handler.flush(null); // the command's own flush is not deferred
    assertThat(socket.flushes).hasValue(2);
    batch.close();
    assertThat(socket.flushes).hasValue(2);
  }
}
