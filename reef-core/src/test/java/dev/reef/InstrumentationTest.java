package dev.reef;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reef.observe.PublishContext;
import dev.reef.observe.ReefListener;
import dev.reef.observe.ReefObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The options' observers and listeners, and the header rules of a publish context. */
class InstrumentationTest {
  private static final Spore SPORE =
      Spore.builder()
          .type(SporeType.KNOWLEDGE)
          .fromAgent("alice")
          .toAgent("bob")
          .metadata(Map.of("keep", "me", "traceparent", "old"))
          .build();

  @Test
  void observersAndListenersAreImmutableListsInOrderAndSurviveToBuilder() {
    ReefObserver a = new ReefObserver() {};
    ReefObserver b = new ReefObserver() {};
    ReefListener l = new ReefListener() {};
    ReefOptions o = ReefOptions.custom().observer(a).observer(b).listener(l).build();

    assertThat(o.observers()).containsExactly(a, b);
    assertThat(o.listeners()).containsExactly(l);
    assertThatThrownBy(() -> o.observers().add(a))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(o.toBuilder().build().observers()).containsExactly(a, b);
    assertThat(ReefOptions.ofDefaults().observers()).isEmpty();
    assertThat(ReefOptions.ofDefaults().listeners()).isEmpty();
    assertThatThrownBy(() -> ReefOptions.custom().observer(null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void headersGoIntoACopyOfTheSporesMetadataReplacingSameNames() {
    Instrumentation.Publish p = new Instrumentation.Publish("main", SPORE, false);
    assertThat(p.result()).isSameAs(SPORE); // no header, no copy

    p.setHeader("traceparent", "00-new-01");
    p.setHeader("tracestate", "a=b");

    Spore out = p.result();
    assertThat(out.id()).isEqualTo(SPORE.id());
    assertThat(out.metadata())
        .containsEntry("keep", "me")
        .containsEntry("traceparent", "00-new-01")
        .containsEntry("tracestate", "a=b");
    assertThat(p.header("traceparent")).isEqualTo("00-new-01");
    assertThat(p.header("keep")).isEqualTo("me");
    assertThat(p.header("absent")).isNull();
  }

  @Test
  void badHeaderNamesAndValuesAreRefusedWithTheRule() {
    PublishContext p = new Instrumentation.Publish("main", SPORE, false);
    List<String> bad = new ArrayList<>(List.of("", "has space", "praval.payload", "x".repeat(65)));
    for (String name : bad) {
      assertThatThrownBy(() -> p.setHeader(name, "v"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("header name");
    }
    assertThatThrownBy(() -> p.setHeader("ok", "v".repeat(4097)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 4096");
    assertThatThrownBy(() -> p.setHeader("ok", null)).isInstanceOf(IllegalArgumentException.class);
    p.setHeader("ok.name-1_x", "v".repeat(4096));
  }
}
