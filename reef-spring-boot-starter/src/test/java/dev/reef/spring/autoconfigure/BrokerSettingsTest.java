package dev.reef.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.mock.env.MockEnvironment;

/** How {@code reef.amqp.*} and {@code spring.rabbitmq.*} become the broker URI and addresses. */
class BrokerSettingsTest {

  private static BrokerSettings resolve(ReefProperties.Amqp amqp, MockEnvironment env) {
    return BrokerSettings.resolve(amqp, env);
  }

  @Test
  void springRabbitmqHostCredentialsVirtualHostAndSsl() {
    MockEnvironment env =
        new MockEnvironment()
            .withProperty("spring.rabbitmq.host", "rabbit.example")
            .withProperty("spring.rabbitmq.port", "5671")
            .withProperty("spring.rabbitmq.username", "app")
            .withProperty("spring.rabbitmq.password", "p@ss word")
            .withProperty("spring.rabbitmq.virtual-host", "/prod")
            .withProperty("spring.rabbitmq.ssl.enabled", "true");

    BrokerSettings b = resolve(new ReefProperties.Amqp(), env);

    assertThat(b.source()).isEqualTo("spring.rabbitmq");
    assertThat(b.uri().toString())
        .isEqualTo("amqps://app:p%40ss%20word@rabbit.example:5671/%2Fprod");
    assertThat(b.uri().getUserInfo()).isEqualTo("app:p@ss word");
    assertThat(b.addresses()).isEmpty();
  }

  @Test
  void theDefaultVirtualHostHasNoPath() {
    MockEnvironment env =
        new MockEnvironment()
            .withProperty("spring.rabbitmq.host", "h")
            .withProperty("spring.rabbitmq.virtual-host", "/");

    assertThat(resolve(new ReefProperties.Amqp(), env).uri().toString())
        .isEqualTo("amqp://guest:guest@h");
  }

  @Test
  void springRabbitmqAddressesNameTheClusterNodes() {
    MockEnvironment env =
        new MockEnvironment()
            .withProperty("spring.rabbitmq.addresses", "n1:5672, n2:5673")
            .withProperty("spring.rabbitmq.username", "u")
            .withProperty("spring.rabbitmq.password", "p");

    BrokerSettings b = resolve(new ReefProperties.Amqp(), env);

    assertThat(b.uri().toString()).isEqualTo("amqp://u:p@n1:5672");
    assertThat(b.addresses()).containsExactly("n1:5672", "n2:5673");
  }

  @Test
  void springRabbitmqAddressesMayBeUris() {
    MockEnvironment env =
        new MockEnvironment()
            .withProperty("spring.rabbitmq.addresses", "amqp://u:p@n1:5672/v,n2:5672");

    BrokerSettings b = resolve(new ReefProperties.Amqp(), env);

    assertThat(b.uri().toString()).isEqualTo("amqp://u:p@n1:5672/v");
    assertThat(b.addresses()).containsExactly("n2:5672");
  }

  @Test
  void reefAmqpWinsAndReuseCanBeTurnedOff() {
    MockEnvironment env = new MockEnvironment().withProperty("spring.rabbitmq.host", "spring-host");
    ReefProperties.Amqp amqp = new ReefProperties.Amqp();
    amqp.setHost("reef-host");
    assertThat(resolve(amqp, env).uri().getHost()).isEqualTo("reef-host");

    ReefProperties.Amqp noReuse = new ReefProperties.Amqp();
    noReuse.setUseSpringRabbitmq(false);
    assertThat(resolve(noReuse, env)).isNull();

    ReefProperties.Amqp uri = new ReefProperties.Amqp();
    uri.setUri("amqp://a:b@x:1/");
    uri.setAddresses(List.of("y:2"));
    assertThat(resolve(uri, env))
        .extracting(BrokerSettings::source, b -> b.uri().getHost(), BrokerSettings::addresses)
        .containsExactly("reef.amqp.uri", "x", List.of("y:2"));
  }

  @Test
  void aBadPortNamesTheProperty() {
    ReefProperties.Amqp amqp = new ReefProperties.Amqp();
    amqp.setAddresses(List.of("n1:http"));

    assertThatThrownBy(() -> resolve(amqp, new MockEnvironment()))
        .isInstanceOf(InvalidConfigurationPropertyValueException.class)
        .hasMessageContaining("reef.amqp.addresses");
  }
}
