package dev.reef.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.GetResponse;
import dev.reef.Reef;
import dev.reef.ReefChannel;
import dev.reef.ReefOptions;
import dev.reef.Spore;
import dev.reef.SporeEvent;
import dev.reef.SporeType;
import dev.reef.amqp.test.RabbitMqBroker;
import dev.reef.reliability.support.Brokers;
import dev.reef.reliability.support.RawAmqp;
import dev.reef.reliability.support.Reefs;
import dev.reef.reliability.support.SporeLedger;
import dev.reef.reliability.support.Topology;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Bad input from the wire: a raw amqp-client publisher (not Reef) puts malformed messages into a
 * Reef mailbox, each between two good spores. Every bad message must be dead-lettered with reason
 * {@code malformed} and an error naming what is wrong, counted as {@link SporeEvent#MALFORMED},
 * never reach a handler, and never stop the consumer: every good spore is handled.
 */
@ExtendWith(RabbitMqBroker.class)
class BadWireInputIT {
  private static final String AGENT = "inbox";
  private static final long MAX_BODY = 64 * 1024;

  /** One kind of bad message: how to build it and what the recorded error must mention. */
  private record Bad(String name, String expectedError, Consumer<Raw> shape) {}

  /** A raw message under construction, starting from a well-formed Reef-layout spore. */
  private static final class Raw {
    final AMQP.BasicProperties.Builder props;
    final Map<String, Object> headers = new HashMap<>();
    byte[] body;

    Raw(String id, String marker) {
      headers.put("from_agent", "raw-sender");
      headers.put("to_agent", AGENT);
      headers.put("created_at", Instant.now().toString());
      headers.put("version", "1.0");
      headers.put("x-test-case", marker);
      props =
          new AMQP.BasicProperties.Builder()
              .messageId(id)
              .type("knowledge")
              .priority(5)
              .deliveryMode(2)
              .contentType("application/json")
              .contentEncoding("utf-8");
      body = ("{\"case\":\"" + marker + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    AMQP.BasicProperties build() {
      return props.headers(headers).build();
    }
  }

  private static List<Bad> badInputs() {
    List<Bad> bad = new ArrayList<>();
    bad.add(
        new Bad(
            "non-JSON body",
            "not JSON",
            r -> r.body = "this is { not json".getBytes(StandardCharsets.UTF_8)));
    bad.add(new Bad("empty body", "not JSON", r -> r.body = new byte[0]));
    bad.add(
        new Bad(
            "invalid UTF-8 body",
            "not JSON",
            r -> r.body = new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, 0x28, '"', '}'}));
    bad.add(
        new Bad(
            "JSON nested 5,000 levels deep",
            "nesting must be at most",
            r -> {
              String marker = String.valueOf(r.headers.get("x-test-case"));
              r.body =
                  ("{\"case\":\""
                          + marker
                          + "\",\"n\":"
                          + "{\"n\":".repeat(5000)
                          + "1"
                          + "}".repeat(5001))
                      .getBytes(StandardCharsets.UTF_8);
            }));
    bad.add(
        new Bad(
            "JSON array body",
            "JSON object",
            r -> r.body = "[1,2,3]".getBytes(StandardCharsets.UTF_8)));
    bad.add(
        new Bad(
            "no headers at all",
            "from_agent",
            r -> {
              r.headers.clear();
            }));
    bad.add(
        new Bad("no id (no message_id, no spore_id)", "no spore id", r -> r.props.messageId(null)));
    bad.add(new Bad("missing from_agent", "from_agent", r -> r.headers.remove("from_agent")));
    bad.add(
        new Bad(
            "malformed from_agent (spaces, dots)",
            "from_agent",
            r -> r.headers.put("from_agent", "not an.agent!")));
    bad.add(
        new Bad(
            "malformed created_at",
            "created_at",
            r -> r.headers.put("created_at", "the day before yesterday")));
    bad.add(
        new Bad(
            "from_agent header is a table",
            "from_agent",
            r -> r.headers.put("from_agent", Map.of("nested", "table"))));
    bad.add(
        new Bad(
            "malformed expires_at",
            "expires_at",
            r -> r.headers.put("expires_at", "2026-13-45T99:99:99")));
    bad.add(new Bad("unknown spore type", "type", r -> r.props.type("gossip")));
    bad.add(new Bad("priority header 42", "priority", r -> r.headers.put("priority", "42")));
    bad.add(new Bad("priority property 0", "priority", r -> r.props.priority(0)));
    bad.add(new Bad("priority property 200", "priority", r -> r.props.priority(200)));
    bad.add(
        new Bad(
            "priority header not a number", "priority", r -> r.headers.put("priority", "urgent")));
    bad.add(
        new Bad(
            "malformed JSON metadata header",
            "x-reef-metadata",
            r -> r.headers.put("x-reef-metadata", "{not json")));
    bad.add(
        new Bad(
            "huge header (100 KB trace_id)",
            "trace_id",
            r -> r.headers.put("trace_id", "t".repeat(100_000))));
    bad.add(
        new Bad(
            "body over the size limit",
            "exceeds the limit",
            r -> {
              StringBuilder sb = new StringBuilder("{\"case\":\"");
              sb.append(r.headers.get("x-test-case")).append("\",\"pad\":\"");
              sb.append("p".repeat((int) MAX_BODY + 1024)).append("\"}");
              r.body = sb.toString().getBytes(StandardCharsets.UTF_8);
            }));
    return bad;
  }

  @Test
  void everyBadMessageIsDeadLetteredWithItsReasonAndGoodSporesKeepFlowing() {
    SporeLedger ledger = new SporeLedger("Bad input from the wire");
    List<Bad> bad = badInputs();
    Set<String> handled = ConcurrentHashMap.newKeySet();
    try (Topology topo = Topology.create("badwire");
        Reef reef =
            Reefs.amqp(
                Brokers.uri(),
                topo.settings().withMaxBodyBytes(MAX_BODY),
                ReefOptions.custom().maxKnowledgeBytes(MAX_BODY).build());
        RawAmqp raw = RawAmqp.connect(Brokers.uri())) {
      ReefChannel channel = reef.channel(topo.channel());
      topo.mailbox(AGENT);
      channel.subscribe(
          AGENT,
          spore -> {
            handled.add(spore.id());
            ledger.delivered(spore.id());
          });
      String routingKey = "agent." + AGENT + ".knowledge";

      Map<String, Bad> byMarker = new LinkedHashMap<>();
      List<String> goodIds = new ArrayList<>();
      int n = 0;
      for (Bad b : bad) {
        // A good spore from Reef, then a good raw message (proves the raw shape is right), then
        // the bad one.
        String good = topo.channel() + "-good-" + n;
        channel
            .publish(
                Spore.builder()
                    .id(good)
                    .type(SporeType.KNOWLEDGE)
                    .fromAgent("reef-sender")
                    .toAgent(AGENT)
                    .knowledge(Map.of("n", n))
                    .build())
            .join();
        ledger.sent();
        ledger.confirmed(good);
        goodIds.add(good);

        String rawGood = topo.channel() + "-rawgood-" + n;
        Raw ok = new Raw(rawGood, "good-" + n);
        raw.publish(topo.exchange(), routingKey, ok.build(), ok.body);
        ledger.sent();
        ledger.confirmed(rawGood);
        goodIds.add(rawGood);

        String marker = "bad-case-" + n;
        Raw r = new Raw(topo.channel() + "-bad-" + n, marker);
        b.shape().accept(r);
        byMarker.put(marker, b);
        raw.publish(topo.exchange(), routingKey, r.build(), r.body);
        ledger.sent();
        ledger.confirmed(marker);
        n++;
      }

      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(handled).containsAll(goodIds));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> raw.messageCount(topo.deadLetterQueue()) == bad.size());

      List<String> table = new ArrayList<>();
      for (GetResponse d : raw.drain(topo.deadLetterQueue())) {
        Map<String, Object> h = d.getProps().getHeaders();
        String marker = markerOf(d);
        assertThat(byMarker).as("dead letter %s", h).containsKey(marker);
        Bad b = byMarker.get(marker);
        String reason = String.valueOf(h.get("x-reef-dead-reason"));
        String error = String.valueOf(h.get("x-reef-error"));
        assertThat(reason).as(b.name()).isEqualTo("malformed");
        assertThat(error).as(b.name()).containsIgnoringCase(b.expectedError());
        assertThat(error.length()).as("error of %s is bounded", b.name()).isLessThan(2000);
        ledger.deadLettered(marker);
        table.add(b.name() + ": " + error);
      }
      assertThat(ledger.deadLetteredCount()).isEqualTo(bad.size());
      assertThat(handled).hasSize(goodIds.size());
      assertThat(reef.stats().total(SporeEvent.MALFORMED)).isEqualTo(bad.size());
      assertThat(ledger.lostCount()).isZero();
      table.forEach(line -> System.out.println("[bad-input] " + line));
      ledger.report(
          bad.size()
              + " kinds of bad message (non-JSON/empty/invalid UTF-8/too deeply nested/array body,"
              + " missing or malformed headers, out-of-range priorities, 100 KB header, body over"
              + " limit) each"
              + " dead-lettered as `malformed` with its error; "
              + goodIds.size()
              + " good spores interleaved, all handled");
    }
  }

  /** The test marker: the {@code x-test-case} header, else found in the body. */
  private static String markerOf(GetResponse d) {
    Map<String, Object> h = d.getProps().getHeaders();
    Object m = h == null ? null : h.get("x-test-case");
    if (m != null) {
      return m.toString();
    }
    String body = new String(d.getBody(), StandardCharsets.UTF_8);
    int i = body.indexOf("bad-case-");
    if (i < 0) {
      return "?";
    }
    int end = i + "bad-case-".length();
    while (end < body.length() && Character.isDigit(body.charAt(end))) {
      end++;
    }
    return body.substring(i, end);
  }
}
