package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DirectReplyRoutesTest {
  private static final String ADDRESS = "amq.rabbitmq.reply-to.g1h2AA1yZXBseUA5MjQ4ODg0AAADBQ==";

  @Test
  void aRouteIsTakenOnceByAResponseToTheAskerOnTheSameChannel() {
    DirectReplyRoutes routes = new DirectReplyRoutes(10);
    routes.remember("req-1", "main", "alice", "bob", ADDRESS);

    assertThat(routes.take("req-1", "other", "alice", "bob")).as("another channel").isNull();
    assertThat(routes.take("req-1", "main", "carol", "bob")).as("another recipient").isNull();
    DirectReplyRoutes.Route r = routes.take("req-1", "main", "alice", "bob");
    assertThat(r).isEqualTo(new DirectReplyRoutes.Route("main", "alice", ADDRESS));
    assertThat(routes.take("req-1", "main", "alice", "bob")).as("used once").isNull();
    assertThat(routes.size()).isZero();
  }

  @Test
  void aGathersRequestToSeveralAgentsOfThisBackendServesOneResponseFromEach() {
    DirectReplyRoutes routes = new DirectReplyRoutes(10);
    routes.remember("req-1", "main", "lead", "w1", ADDRESS);
    routes.remember("req-1", "main", "lead", "w2", ADDRESS);
    routes.remember("req-1", "main", "lead", "w2", ADDRESS); // a redelivery

    assertThat(routes.take("req-1", "main", "lead", "w3")).as("not asked").isNull();
    assertThat(routes.take("req-1", "main", "lead", "w2").address()).isEqualTo(ADDRESS);
    assertThat(routes.take("req-1", "main", "lead", "w2")).as("w2 answered already").isNull();
    assertThat(routes.take("req-1", "main", "lead", "w1").address()).isEqualTo(ADDRESS);
    assertThat(routes.size()).isZero();
  }

  @Test
  void onlyDirectReplyAddressesAreRemembered() {
    DirectReplyRoutes routes = new DirectReplyRoutes(10);
    routes.remember("a", "main", "alice", "bob", "my-reply-queue");
    routes.remember("b", "main", "alice", "bob", "amq.rabbitmq.reply-to");
    routes.remember("c", "main", "alice", "bob", "amq.rabbitmq.reply-to." + "x".repeat(300));
    routes.remember("d", "main", "alice", "bob", null);

    assertThat(routes.size()).isZero();
    assertThat(DirectReplyRoutes.isAddress(ADDRESS)).isTrue();
  }

  @Test
  void theOldestRoutesAreDroppedBeyondTheCapacity() {
    DirectReplyRoutes routes = new DirectReplyRoutes(3);
    for (int i = 0; i < 5; i++) {
      routes.remember("req-" + i, "main", "alice", "bob", ADDRESS + i);
    }

    assertThat(routes.size()).isEqualTo(3);
    assertThat(routes.take("req-0", "main", "alice", "bob")).isNull();
    assertThat(routes.take("req-1", "main", "alice", "bob")).isNull();
    assertThat(routes.take("req-4", "main", "alice", "bob").address()).isEqualTo(ADDRESS + 4);
    assertThatThrownBy(() -> new DirectReplyRoutes(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
