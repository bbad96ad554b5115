package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Draining at close waits for the deliveries in flight, woken when they settle. */
class MailboxRegistryTest {

  private final MailboxRegistry registry =
      new MailboxRegistry(AmqpBackend.builder().build().settings(), null, null);

  @Test
  void closeReturnsAsSoonAsTheLastDeliverySettlesNotAtTheDeadline() throws Exception {
    registry.inflightChanged(1);
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    CompletableFuture<Void> closing =
        CompletableFuture.runAsync(
            () -> {
              try {
                registry.closeAll(deadline);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });

    assertThat(closing).isNotDone();
    registry.inflightChanged(-1);

    closing.get(10, TimeUnit.SECONDS);
    assertThat(registry.inflight()).isZero();
  }

  @Test
  void closeGivesUpAtTheDeadline() throws Exception {
    registry.inflightChanged(1);
    long start = System.nanoTime();

    registry.closeAll(start + Duration.ofMillis(50).toNanos());

    assertThat(registry.inflight()).isEqualTo(1);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }
}
