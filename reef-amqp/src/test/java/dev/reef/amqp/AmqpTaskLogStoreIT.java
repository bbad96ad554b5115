package dev.reef.amqp;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import dev.reef.ReefClosedException;
import dev.reef.SporeValidationException;
import dev.reef.amqp.test.RabbitMqBroker;
import dev.reef.amqp.test.TestBroker;
import dev.reef.spi.TaskLogStore;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link AmqpTaskLogStore} on a real broker: two stores are two connections (two processes) on one
 * stream per channel, declared with the configured retention.
 */
@ExtendWith(RabbitMqBroker.class)
class AmqpTaskLogStoreIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }

  @Test
  void aLateFollowerInAnotherConnectionReadsTheHistoryThenNewRecordsInOrder(TestBroker broker)
      throws Exception {
    String channel = TestBroker.unique("tasklog");
    broker.deleteQueueAfter(AmqpTaskLogStore.streamFor(channel));
    try (AmqpTaskLogStore writer = AmqpTaskLogStore.builder().uri(broker.uri()).build();
        AmqpTaskLogStore reader = AmqpTaskLogStore.builder().uri(broker.uri()).build()) {
      List<CompletableFuture<Void>> appended = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        appended.add(writer.append(channel, b("r" + i)));
      }
      CompletableFuture.allOf(appended.toArray(new CompletableFuture[0])).join();
      List<String> seen = new CopyOnWriteArrayList<>();
      AutoCloseable handle = reader.follow(channel, r -> seen.add(new String(r, UTF_8)));
      writer.append(channel, b("live")).join();
      await().atMost(WAIT).until(() -> seen.size() == 1001);
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        expected.add("r" + i);
      }
      expected.add("live");
      assertThat(seen).containsExactlyElementsOf(expected);

      handle.close();
      handle.close();
      // A second follower sees the record written after the first one stopped; the first does not.
      List<String> second = new CopyOnWriteArrayList<>();
      reader.follow(channel, r -> second.add(new String(r, UTF_8)));
      writer.append(channel, b("after")).join();
      await().atMost(WAIT).until(() -> second.size() == 1002);
      assertThat(second).endsWith("live", "after");
      assertThat(seen).hasSize(1001);
    }
  }

  @Test
  void theStreamIsDeclaredWithTheBackendsRetentionAndSizeCap(TestBroker broker) throws Exception {
    String channel = TestBroker.unique("tasklog-ret");
    String stream = broker.deleteQueueAfter(AmqpTaskLogStore.streamFor(channel));
    assertThat(stream).isEqualTo("reef-tasks." + channel);
    AmqpBackend backend =
        AmqpBackend.builder()
            .uri(broker.uri())
            .taskLogRetention(Duration.ofMinutes(3))
            .taskLogMaxBytes(20_000_000)
            .build();
    try (AmqpTaskLogStore store = AmqpTaskLogStore.builder().backend(backend).build()) {
      store.append(channel, b("x")).join();
    }
    // The broker accepts a redeclaration with the same arguments and refuses other ones.
    assertThat(redeclare(broker, stream, "180s", 20_000_000L)).isTrue();
    assertThat(redeclare(broker, stream, "86400s", 20_000_000L)).isFalse();
    assertThat(redeclare(broker, stream, "180s", AmqpTaskLogStore.DEFAULT_MAX_BYTES)).isFalse();
  }

  private static boolean redeclare(TestBroker broker, String stream, String maxAge, long maxBytes)
      throws Exception {
    Map<String, Object> args = new HashMap<>();
    args.put("x-queue-type", "stream");
    args.put("x-max-age", maxAge);
    args.put("x-stream-max-segment-size-bytes", AmqpTaskLogStore.SEGMENT_BYTES);
    args.put("x-max-length-bytes", maxBytes);
    Channel ch = broker.connection().createChannel();
    try {
      ch.queueDeclare(stream, true, false, false, args);
      return true;
    } catch (IOException e) {
      return false;
    } finally {
      if (ch.isOpen()) {
        ch.close();
      }
    }
  }

  @Test
  void theBackendOwnsOneStoreClosesItAndRefusesBadInput(TestBroker broker) throws Exception {
    AmqpBackend backend = AmqpBackend.builder().uri(broker.uri()).build();
    TaskLogStore store = backend.taskLogStore();
    assertThat(backend.taskLogStore()).isSameAs(store);
    assertThatThrownBy(() -> store.append("bad channel!", b("x")))
        .isInstanceOf(SporeValidationException.class);
    assertThatThrownBy(() -> AmqpBackend.builder().taskLogRetention(Duration.ofSeconds(5)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AmqpBackend.builder().taskLogMaxBytes(1000))
        .isInstanceOf(IllegalArgumentException.class);
    backend.close();
    assertThat(store.append("ch", b("x")))
        .failsWithin(WAIT)
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(ReefClosedException.class);
    assertThatThrownBy(() -> store.follow("ch", r -> {})).isInstanceOf(ReefClosedException.class);
    assertThatThrownBy(backend::taskLogStore).isInstanceOf(ReefClosedException.class);
  }
}
