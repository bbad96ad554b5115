package dev.reef.spi.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ThreadFactory;
import org.junit.jupiter.api.Test;

class DaemonThreadsTest {

  @Test
  void threadsAreDaemonsNumberedFromOnePerFactory() {
    ThreadFactory f = DaemonThreads.named("reef-test-pool");
    Thread one = f.newThread(() -> {});
    Thread two = f.newThread(() -> {});

    assertThat(one.isDaemon()).isTrue();
    assertThat(one.getName()).isEqualTo("reef-test-pool-1");
    assertThat(two.getName()).isEqualTo("reef-test-pool-2");
    assertThat(DaemonThreads.named("other").newThread(() -> {}).getName()).isEqualTo("other-1");
  }
}
