package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BrokerUsersTest {
  private final BrokerUsers users = new BrokerUsers("svc-bob");

  private static AMQP.BasicProperties props(String userId, Map<String, Object> headers) {
    return new AMQP.BasicProperties.Builder().userId(userId).headers(headers).build();
  }

  @Test
  void theUserIdIsTheBrokerUser() {
    assertThat(users.of(props("svc-alice", null))).isEqualTo("svc-alice");
    assertThat(users.of(props(null, null))).isNull();
    assertThat(users.of(props("", Map.of()))).isNull();
  }

  @Test
  void theKeptUserHeaderIsBelievedOnlyUnderTheBackendsOwnUserId() {
    Map<String, Object> claim = Map.of(BrokerUsers.HEADER, "svc-alice");
    assertThat(users.of(props("svc-bob", claim))).isEqualTo("svc-alice");
    assertThat(users.of(props("mallory", claim))).as("forged by mallory").isEqualTo("mallory");
    assertThat(users.of(props(null, claim))).as("no user_id at all").isNull();
    assertThat(users.of(props("svc-bob", Map.of(BrokerUsers.HEADER, "")))).isNull();
  }

  @Test
  void aRepublishedCopyCarriesTheOwnUserIdAndKeepsTheOriginalUser() {
    AMQP.BasicProperties fromAlice = props("svc-alice", Map.of("x-reef-attempts", 1));
    AMQP.BasicProperties copy = users.republished(fromAlice);
    assertThat(copy.getUserId()).isEqualTo("svc-bob");
    assertThat(copy.getHeaders()).containsEntry(BrokerUsers.HEADER, "svc-alice");
    assertThat(copy.getHeaders()).containsEntry("x-reef-attempts", 1);
    assertThat(users.of(copy)).isEqualTo("svc-alice");
    assertThat(users.of(users.republished(copy))).as("republished twice").isEqualTo("svc-alice");

    AMQP.BasicProperties anonymous = users.republished(props(null, null));
    assertThat(anonymous.getUserId()).isEqualTo("svc-bob");
    assertThat(users.of(anonymous)).as("no user stays no user").isNull();

    AMQP.BasicProperties own = users.republished(props("svc-bob", null));
    assertThat(own.getHeaders()).doesNotContainKey(BrokerUsers.HEADER);
    assertThat(users.of(own)).isEqualTo("svc-bob");
  }

  @Test
  void theBackendsUserIsTheUrisUserName() {
    AmqpBackend backend = AmqpBackend.builder().uri("amqp://svc%2Dbob:pw@h:5672/%2F").build();
    assertThat(backend.settings().brokerUser()).isEqualTo("svc-bob");
    AmqpBackend anonymous = AmqpBackend.builder().uri("amqp://h:5672/%2F").build();
    assertThat(anonymous.settings().brokerUser()).isEqualTo("guest");
  }
}
