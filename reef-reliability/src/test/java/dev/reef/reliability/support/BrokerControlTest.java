package dev.reef.reliability.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

class BrokerControlTest {
  @Test
  void aBrokerOffThisMachineCannotBeRestartedAndTheReasonSaysWhy() {
    assertThat(BrokerControl.cannotRestartReason(URI.create("amqp://u:p@192.0.2.10:5672")))
        .hasValueSatisfying(
            reason -> assertThat(reason).contains("192.0.2.10").contains("not on this machine"));
  }

  @Test
  void aLoopbackBrokerOnAnotherPortIsNotTheLocalNode() {
    assertThat(BrokerControl.cannotRestartReason(URI.create("amqp://u:p@127.0.0.1:32771")))
        .hasValueSatisfying(reason -> assertThat(reason).contains("32771"));
  }
}
