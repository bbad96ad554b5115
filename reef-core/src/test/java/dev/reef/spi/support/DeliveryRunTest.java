package dev.reef.spi.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DeliveryRunTest {
  @Test
  void theDeferredActionRunsOnceWhenTheRunEnds() {
    AtomicInteger restored = new AtomicInteger();
    DeliveryRun run = DeliveryRun.begin();
    assertThat(DeliveryRun.forHandler()).isSameAs(run);
    run.defer(restored::incrementAndGet);
    run.defer(() -> restored.addAndGet(100)); // the first deferred action stays
    assertThat(restored).hasValue(0);

    run.end();
    run.end();

    assertThat(restored).hasValue(1);
    assertThat(DeliveryRun.forHandler()).isNull();
    assertThat(run.deferred()).isNull();
  }

  @Test
  void aRunBegunInsideAnOpenRunLeavesTheEndToTheOuterOne() {
    AtomicInteger restored = new AtomicInteger();
    DeliveryRun outer = DeliveryRun.begin();
    outer.defer(restored::incrementAndGet);
    DeliveryRun inner = DeliveryRun.begin();

    inner.end();
    assertThat(restored).hasValue(0);
    assertThat(DeliveryRun.forHandler()).isSameAs(outer);

    outer.end();
    assertThat(restored).hasValue(1);
  }

  @Test
  void whileAHandlerRunsADeliveryNestedInItGetsNoRun() {
    DeliveryRun run = DeliveryRun.begin();
    try {
      run.enterHandler();
      assertThat(DeliveryRun.forHandler()).isNull();
      run.leaveHandler();
      assertThat(DeliveryRun.forHandler()).isSameAs(run);
    } finally {
      run.end();
    }
  }

  @Test
  void eachThreadHasItsOwnRun() throws Exception {
    DeliveryRun run = DeliveryRun.begin();
    try {
      DeliveryRun[] other = new DeliveryRun[1];
      Thread t = new Thread(() -> other[0] = DeliveryRun.forHandler());
      t.start();
      t.join();
      assertThat(other[0]).isNull();
    } finally {
      run.end();
    }
  }
}
