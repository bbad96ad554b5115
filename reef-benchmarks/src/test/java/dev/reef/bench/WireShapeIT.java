package dev.reef.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import dev.reef.amqp.test.RabbitMqBroker;
import dev.reef.amqp.test.TestBroker;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark compares like with like: one message of each side's throughput rounds (raw client,
 * Reef lean and Praval layouts, Spring AMQP), copied by a tap queue bound next to the side's own
 * queue and read with the raw client, carries the same AMQP properties and the same headers, apart
 * from the differences named here:
 *
 * <ul>
 *   <li>Reef's lean layout leaves out the three headers a property already carries exactly ({@code
 *       spore_id} = {@code message_id}, {@code priority} = {@code priority}, {@code reply_to} =
 *       {@code correlation_id}; docs/design.md#header-layouts): six of raw's nine headers, nothing
 *       else;
 *   <li>Reef's Praval layout writes Praval's 14 headers: raw's nine plus the five tracing ones
 *       ({@code correlation_id}, {@code causation_id}, {@code trace_id}, {@code run_id}, {@code
 *       idempotency_key}, empty);
 *   <li>Reef's {@code expiration} is the spore's remaining lifetime in whole milliseconds at
 *       encoding, rounded up, plus the AMQP backend's {@code expiryGrace} (default 10 s, so that a
 *       consumer online within it dead-letters and counts an expired spore instead of the broker
 *       dropping it; docs/amqp-backend.md): {@code "70000"} or a few ms less, where the raw and
 *       Spring sides write the constant {@code "60000"}. A per-message TTL costs the broker the
 *       same whatever its value; the spore's own expiry, 60 s, is in its {@code expires_at}.
 *       <p>Mandatory is a flag of the publish, not of the message, so it cannot be read here: every
 *       side publishes mandatory (raw and Spring explicitly, Reef by the AMQP backend's contract),
 *       and each {@code publishOne} fails if the broker returns the message.
 */
@ExtendWith(RabbitMqBroker.class)
class WireShapeIT {
  private static final Set<String> RAW_HEADERS =
      Set.of(
          "spore_id",
          "spore_type",
          "from_agent",
          "to_agent",
          "created_at",
          "expires_at",
          "priority",
          "reply_to",
          "version");

  @Test
  void everySideOfTheThroughputRoundsPublishesTheSameShape(TestBroker broker, @TempDir Path out)
      throws Exception {
    String runId = TestBroker.unique("ws");
    BenchSettings s = BenchSettings.of(true, URI.create(broker.uri()), out, 1);
    RawAmqp raw = new RawAmqp(s, runId);
    ReefAmqp lean = new ReefAmqp(s, runId, ReefBackends.Layout.LEAN);
    ReefAmqp praval = new ReefAmqp(s, runId, ReefBackends.Layout.PRAVAL);
    SpringAmqp spring = new SpringAmqp(s, runId);
    try {
      raw.queues().forEach(broker::deleteQueueAfter);
      broker.deleteExchangeAfter(raw.exchange);
      for (ReefAmqp r : new ReefAmqp[] {lean, praval}) {
        r.queues().forEach(broker::deleteQueueAfter);
        broker.deleteExchangeAfter(r.exchange());
      }
      spring.queues().forEach(broker::deleteQueueAfter);
      broker.deleteExchangeAfter(spring.exchange);
      String rawTap = tap(broker, raw.exchange);
      String leanTap = tap(broker, lean.exchange());
      String pravalTap = tap(broker, praval.exchange());
      String springTap = tap(broker, spring.exchange);

      raw.publishOne(RawAmqp.Shape.SAME);
      lean.publishOne();
      praval.publishOne();
      spring.publishOne();

      GetResponse rawMsg = broker.get(rawTap, Duration.ofSeconds(10));
      GetResponse leanMsg = broker.get(leanTap, Duration.ofSeconds(10));
      GetResponse pravalMsg = broker.get(pravalTap, Duration.ofSeconds(10));
      GetResponse springMsg = broker.get(springTap, Duration.ofSeconds(10));

      AMQP.BasicProperties rawProps = rawMsg.getProps();
      assertThat(rawProps.getHeaders().keySet()).isEqualTo(RAW_HEADERS);
      assertThat(rawProps.getExpiration()).isEqualTo(RawAmqp.EXPIRATION_MS);
      assertThat(rawProps.getDeliveryMode()).isEqualTo(2);
      assertThat(rawProps.getPriority()).isEqualTo(5);

      for (GetResponse m : new GetResponse[] {leanMsg, pravalMsg, springMsg}) {
        AMQP.BasicProperties p = m.getProps();
        assertThat(p.getContentType()).isEqualTo(rawProps.getContentType());
        assertThat(p.getContentEncoding()).isEqualTo(rawProps.getContentEncoding());
        assertThat(p.getDeliveryMode()).as("persistent").isEqualTo(rawProps.getDeliveryMode());
        assertThat(p.getPriority()).isEqualTo(rawProps.getPriority());
        assertThat(p.getType()).isEqualTo(rawProps.getType());
        assertThat(p.getMessageId()).isNotBlank();
        assertThat(p.getTimestamp()).isNotNull();
        assertThat(p.getReplyTo()).isEqualTo(rawProps.getReplyTo());
        assertThat(p.getCorrelationId()).isEqualTo(rawProps.getCorrelationId());
        assertThat(p.getAppId()).isNull();
        assertThat(Payload.parse(m.getBody())).isEqualTo(Payload.parse(rawMsg.getBody()));
      }
      // Intended difference: Reef stamps the connection's user into user_id on every publish (the
      // broker verifies it; docs/security.md); raw and Spring set none.
      assertThat(rawProps.getUserId()).isNull();
      assertThat(springMsg.getProps().getUserId()).isNull();
      assertThat(leanMsg.getProps().getUserId()).isEqualTo("guest");
      assertThat(pravalMsg.getProps().getUserId()).isEqualTo("guest");
      assertThat(springMsg.getProps().getExpiration()).isEqualTo(RawAmqp.EXPIRATION_MS);
      long grace = Duration.ofSeconds(10).toMillis();
      for (GetResponse m : new GetResponse[] {leanMsg, pravalMsg}) {
        assertThat(Long.parseLong(m.getProps().getExpiration()))
            .as("Reef's expiration: the 60 s expiry plus the 10 s expiryGrace, in ms")
            .isBetween(60_000L + grace - 5_000, 60_000L + grace);
      }
      Set<String> springExpected = new TreeSet<>(RAW_HEADERS);
      springExpected.add("spring_listener_return_correlation");
      assertThat(new TreeSet<>(springMsg.getProps().getHeaders().keySet()))
          .isEqualTo(springExpected);

      Set<String> leanExpected = new TreeSet<>(RAW_HEADERS);
      leanExpected.removeAll(Set.of("spore_id", "priority", "reply_to"));
      // Intended difference: the lean layout carries the spore's W3C trace context as the standard
      // traceparent header; the trace id the reef fills from it is not also sent as trace_id (the
      // reader derives it from the traceparent: docs/observability.md, docs/performance.md).
      leanExpected.add("traceparent");
      assertThat(new TreeSet<>(leanMsg.getProps().getHeaders().keySet())).isEqualTo(leanExpected);
      assertThat(leanMsg.getProps().getHeaders().get("expires_at"))
          .as("the lean spore carries its expiry")
          .isNotNull();

      Set<String> pravalExpected = new TreeSet<>(RAW_HEADERS);
      pravalExpected.addAll(
          Set.of("correlation_id", "causation_id", "trace_id", "run_id", "idempotency_key"));
      assertThat(new TreeSet<>(pravalMsg.getProps().getHeaders().keySet()))
          .isEqualTo(pravalExpected);
      Map<String, Object> pravalHeaders = pravalMsg.getProps().getHeaders();
      for (String h : RAW_HEADERS) {
        assertThat(pravalHeaders.get(h).getClass())
            .as("header %s has the raw side's AMQP type", h)
            .isEqualTo(rawProps.getHeaders().get(h).getClass());
      }
      assertThat(pravalHeaders.get("priority").toString()).isEqualTo("5");
      assertThat(pravalHeaders.get("expires_at").toString()).isNotEmpty();
    } finally {
      spring.close();
      praval.close();
      lean.close();
      raw.close();
    }
  }

  /** A queue that copies what the side's exchange routes to the agent {@code rx}. */
  private static String tap(TestBroker broker, String exchange) throws Exception {
    String q = broker.deleteQueueAfter(TestBroker.unique("bench-tap"));
    try (Channel ch = broker.connection().createChannel()) {
      ch.queueDeclare(q, false, false, false, Map.of("x-max-priority", 10));
      ch.queueBind(q, exchange, "agent.rx.*");
    }
    return q;
  }
}
