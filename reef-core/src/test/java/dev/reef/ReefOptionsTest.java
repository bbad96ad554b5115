package dev.reef;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReefOptionsTest {
  @Test
  void defaults() {
    ReefOptions o = ReefOptions.ofDefaults();

    assertThat(o.defaultChannel()).isEqualTo("main");
    assertThat(o.systemAgent()).isEqualTo("system");
    assertThat(o.defaultRequestExpiry()).isEqualTo(Duration.ofMinutes(5));
    assertThat(o.defaultAskTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(o.closeTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(o.authorizer()).isSameAs(ReefAuthorizer.ALLOW_ALL);
    assertThat(o.broadcastRateLimit()).isNull();
    assertThat(o.maxKnowledgeBytes()).isEqualTo(10L * 1024 * 1024);
    assertThat(o.deduplicationWindow()).isZero();
  }

  @Test
  void toBuilderKeepsEveryValue() {
    ReefAuthorizer auth = r -> true;
    ReefOptions o =
        ReefOptions.custom()
            .defaultChannel("ops")
            .systemAgent("sys")
            .defaultRequestExpiry(Duration.ofSeconds(9))
            .defaultAskTimeout(Duration.ofSeconds(8))
            .closeTimeout(Duration.ZERO)
            .authorizer(auth)
            .broadcastRateLimit(RateLimit.perSecond(3))
            .maxKnowledgeBytes(1000)
            .deduplicationWindow(50)
            .build();

    ReefOptions copy = o.toBuilder().build();

    assertThat(copy.defaultChannel()).isEqualTo("ops");
    assertThat(copy.systemAgent()).isEqualTo("sys");
    assertThat(copy.defaultRequestExpiry()).isEqualTo(Duration.ofSeconds(9));
    assertThat(copy.defaultAskTimeout()).isEqualTo(Duration.ofSeconds(8));
    assertThat(copy.closeTimeout()).isEqualTo(Duration.ZERO);
    assertThat(copy.authorizer()).isSameAs(auth);
    assertThat(copy.broadcastRateLimit()).isEqualTo(RateLimit.perSecond(3));
    assertThat(copy.maxKnowledgeBytes()).isEqualTo(1000);
    assertThat(copy.deduplicationWindow()).isEqualTo(50);
    assertThat(ReefOptions.custom().authorizer(null).build().authorizer())
        .isSameAs(ReefAuthorizer.ALLOW_ALL);
  }

  @Test
  void invalidValuesAreRejected() {
    assertThatThrownBy(() -> ReefOptions.custom().defaultChannel("a.b").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("defaultChannel");
    assertThatThrownBy(() -> ReefOptions.custom().systemAgent("").build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ReefOptions.custom().defaultRequestExpiry(Duration.ZERO).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ReefOptions.custom().defaultAskTimeout(null).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ReefOptions.custom().closeTimeout(Duration.ofSeconds(-1)).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ReefOptions.custom().maxKnowledgeBytes(1).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ReefOptions.custom().deduplicationWindow(-1).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ReefOptions.custom().deduplicationWindow(10_000_001).build())
        .isInstanceOf(IllegalArgumentException.class);
  }
}
