package dev.reef.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import dev.reef.PublishException;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Appends records to streams through the default exchange, persistent, with publisher confirms, on
 * one confirm channel used under this object's lock. A record's future completes on its confirm,
 * and fails on a nack or when the channel is lost before the confirm (the record may or may not be
 * in the stream).
 */
final class StreamAppender {
  private static final AMQP.BasicProperties PROPS =
      new AMQP.BasicProperties.Builder()
          .contentType("application/json")
          .contentEncoding("utf-8")
          .deliveryMode(2)
          .build();

  private final Connection connection;
  private final ConcurrentNavigableMap<Long, CompletableFuture<Void>> pending =
      new ConcurrentSkipListMap<>();
  private Channel channel;

  StreamAppender(Connection connection) {
    this.connection = connection;
  }

  synchronized CompletableFuture<Void> append(String stream, byte[] record) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    try {
      Channel ch = channel();
      long seq = ch.getNextPublishSeqNo();
      pending.put(seq, f);
      ch.basicPublish("", stream, false, PROPS, record);
    } catch (IOException | RuntimeException e) {
      f.completeExceptionally(new PublishException("appending to stream " + stream + " failed", e));
    }
    return f;
  }

  private Channel channel() throws IOException {
    if (channel == null || !channel.isOpen()) {
      Channel ch = connection.createChannel();
      if (ch == null) {
        throw new IOException("no channel available on the stream connection");
      }
      ch.confirmSelect();
      ch.addConfirmListener(
          (seq, multiple) -> settle(seq, multiple, null),
          (seq, multiple) ->
              settle(seq, multiple, new PublishException("the broker refused a stream record")));
      ch.addShutdownListener(this::lost);
      channel = ch;
    }
    return channel;
  }

  private void settle(long seq, boolean multiple, PublishException error) {
    Map<Long, CompletableFuture<Void>> done =
        multiple ? pending.headMap(seq, true) : pending.subMap(seq, true, seq, true);
    for (Long k : done.keySet().toArray(new Long[0])) {
      CompletableFuture<Void> f = pending.remove(k);
      if (f != null) {
        if (error == null) {
          f.complete(null);
        } else {
          f.completeExceptionally(error);
        }
      }
    }
  }

  private void lost(ShutdownSignalException cause) {
    for (Long k : pending.keySet().toArray(new Long[0])) {
      CompletableFuture<Void> f = pending.remove(k);
      if (f != null) {
        f.completeExceptionally(
            new PublishException("stream channel lost before the confirm: " + cause.getMessage()));
      }
    }
  }
}
