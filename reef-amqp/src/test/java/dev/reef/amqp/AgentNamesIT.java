package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.impl.LongStringHelper;
import dev.reef.Reef;
import dev.reef.ReefChannel;
import dev.reef.ReefNames;
import dev.reef.Spore;
import dev.reef.SporeType;
import dev.reef.SporeValidationException;
import dev.reef.amqp.test.RabbitMqBroker;
import dev.reef.amqp.test.TestBroker;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 12 items 12 and 20 on a real broker: names at {@link ReefNames}' limits work for subscribe
 * and send (the queue {@code reef.<channel>.<agent>} and the routing key {@code
 * agent.<agent>.<type>} fit AMQP's 255 bytes), one byte more is refused with {@link
 * SporeValidationException} before anything reaches the broker, exactly as in memory; a Praval
 * request from a dotted agent name is answered on that agent's route, and a dotted Reef agent gets
 * only its own spores.
 */
@ExtendWith(RabbitMqBroker.class)
class AgentNamesIT {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @Test
  void namesAtTheLimitSubscribeAndSendAndOneByteMoreIsRefused(TestBroker broker) throws Exception {
    String channel = pad(TestBroker.unique("lim"), ReefNames.MAX_CHANNEL_BYTES, 'c');
    String receiver = pad(TestBroker.unique("rx"), ReefNames.MAX_AGENT_BYTES, 'r');
    String sender = pad(TestBroker.unique("tx.dotted"), ReefNames.MAX_AGENT_BYTES, 's');
    AmqpBackend backend = backend(broker, null, null);
    try (Reef reef = Reef.create(backend)) {
      broker.deleteExchangeAfter(backend.exchangeFor(channel));
      ReefChannel ch = reef.channel(channel);
      CopyOnWriteArrayList<Spore> got = new CopyOnWriteArrayList<>();
      for (String agent : List.of(receiver, sender)) {
        String queue = broker.deleteQueueAfter(backend.mailboxQueueFor(channel, agent));
        assertThat(queue.length()).isLessThanOrEqualTo(255);
        ch.subscribe(agent, got::add);
      }
      // notification is the longest type: the longest routing key
      for (SporeType type : List.of(SporeType.NOTIFICATION, SporeType.KNOWLEDGE)) {
        ch.publish(Spore.builder().type(type).fromAgent(sender).toAgent(receiver).build()).get();
      }
      await().atMost(WAIT).until(() -> got.size() == 2);
      assertThat(got).allMatch(s -> s.toAgent().equals(receiver));

      String tooLong = receiver + "r";
      assertThatThrownBy(() -> ch.subscribe(tooLong, got::add))
          .isInstanceOf(SporeValidationException.class);
      assertThatThrownBy(() -> ch.send(sender, tooLong, Map.of()))
          .isInstanceOf(SporeValidationException.class);
      assertThatThrownBy(() -> ch.send(tooLong, receiver, Map.of()))
          .isInstanceOf(SporeValidationException.class);
      assertThatThrownBy(() -> ch.declareMailbox(tooLong))
          .isInstanceOf(SporeValidationException.class);
      assertThatThrownBy(() -> reef.channel(channel + "c"))
          .isInstanceOf(SporeValidationException.class);
      // the refused names left nothing behind; the valid mailbox is there
      assertThat(broker.messageCount(backend.mailboxQueueFor(channel, receiver))).isZero();
    }
  }

  @Test
  void aPravalRequestFromADottedAgentIsAnsweredOnItsRoute(TestBroker broker) throws Exception {
    String channel = TestBroker.unique("praval");
    String exchange = broker.deleteExchangeAfter(TestBroker.unique("praval.spores"));
    PravalWireFixture request = PravalWireFixture.load("tracing-ids"); // alice -> bob, no expiry
    AmqpBackend backend = backend(broker, channel, exchange);
    try (Channel spy = broker.connection().createChannel();
        Reef reef = Reef.create(backend)) {
      // py.dotted is a Python Praval agent; "py" another one, who must not see its traffic
      spy.exchangeDeclare(exchange, BuiltinExchangeType.TOPIC, true);
      String dottedQueue = broker.deleteQueueAfter(TestBroker.unique("praval.py.dotted"));
      String pyQueue = broker.deleteQueueAfter(TestBroker.unique("praval.py"));
      spy.queueDeclare(dottedQueue, false, false, false, null);
      spy.queueDeclare(pyQueue, false, false, false, null);
      spy.queueBind(dottedQueue, exchange, "agent.py.dotted.*");
      spy.queueBind(pyQueue, exchange, "agent.py.*");
      ReefChannel ch = reef.channel(channel);
      broker.deleteQueueAfter(backend.mailboxQueueFor(channel, "bob"));
      CopyOnWriteArrayList<Spore> requests = new CopyOnWriteArrayList<>();
      ch.subscribe(
          "bob",
          spore -> {
            requests.add(spore);
            ch.reply(spore, "bob", Map.of("echo", spore.knowledge())).join();
          });

      // The recorded Praval request, its from_agent header rewritten to a dotted name.
      Map<String, Object> headers = new LinkedHashMap<>(request.properties.getHeaders());
      headers.put("from_agent", LongStringHelper.asLongString("py.dotted"));
      AMQP.BasicProperties props = request.properties.builder().headers(headers).build();
      spy.basicPublish(exchange, request.routingKey, false, props, request.body);

      GetResponse reply = broker.get(dottedQueue, WAIT);
      assertThat(reply.getEnvelope().getRoutingKey()).isEqualTo("agent.py.dotted.response");
      Map<String, Object> h = reply.getProps().getHeaders();
      assertThat(h.get("to_agent").toString()).isEqualTo("py.dotted");
      assertThat(h.get("spore_type").toString()).isEqualTo("response");
      assertThat(h.get("reply_to").toString()).isEqualTo(request.original.id());
      assertThat(requests).singleElement().extracting(Spore::fromAgent).isEqualTo("py.dotted");

      // A dotted Reef agent receives what is routed to it, and "py" none of it.
      broker.deleteQueueAfter(backend.mailboxQueueFor(channel, "java.dotted"));
      CopyOnWriteArrayList<Spore> dotted = new CopyOnWriteArrayList<>();
      ch.subscribe("java.dotted", dotted::add);
      ch.send("bob", "java.dotted", Map.of("n", 1)).get();
      await().atMost(WAIT).until(() -> dotted.size() == 1);
      assertThat(dotted.get(0).toAgent()).isEqualTo("java.dotted");
      assertThat(broker.messageCount(pyQueue)).isZero();
    }
  }

  private static AmqpBackend backend(TestBroker broker, String pravalChannel, String exchange) {
    AmqpBackend.Builder b =
        AmqpBackend.builder()
            .uri(broker.uri())
            .deadLetterExchange(broker.deleteExchangeAfter(TestBroker.unique("names.dlx")))
            .deadLetterQueue(broker.deleteQueueAfter(TestBroker.unique("names.dead")));
    if (pravalChannel != null) {
      b.pravalChannel(pravalChannel, exchange);
    }
    return b.build();
  }

  private static String pad(String prefix, int length, char fill) {
    return prefix + String.valueOf(fill).repeat(length - prefix.length());
  }
}
