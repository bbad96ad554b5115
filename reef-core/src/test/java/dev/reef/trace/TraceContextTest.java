package dev.reef.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reef.Spore;
import dev.reef.SporeType;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TraceContextTest {
  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String SPAN = "00f067aa0ba902b7";
  private static final String VALID = "00-" + TRACE + "-" + SPAN + "-01";

  @Test
  void parsesTheSpecExample() {
    TraceContext c = TraceContext.parse(VALID, "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
    assertThat(c.traceId()).isEqualTo(TRACE);
    assertThat(c.spanId()).isEqualTo(SPAN);
    assertThat(c.flags()).isEqualTo(1);
    assertThat(c.sampled()).isTrue();
    assertThat(c.tracestate()).isEqualTo("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
    assertThat(c.traceparent()).isEqualTo(VALID);
    assertThat(TraceContext.isValid(VALID)).isTrue();
    assertThat(TraceContext.isValid("cc-" + TRACE + "-" + SPAN + "-01-future")).isTrue();
    assertThat(TraceContext.isValid(null)).isFalse();
  }

  @Test
  void formatsFlagsAsTwoHexDigits() {
    assertThat(TraceContext.of(TRACE, SPAN, 0, null).traceparent()).endsWith("-00");
    assertThat(TraceContext.of(TRACE, SPAN, 0xab, null).traceparent()).endsWith("-ab");
    assertThat(TraceContext.parse("00-" + TRACE + "-" + SPAN + "-00", null).sampled()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "00-" + TRACE + "-" + SPAN + "-0", // short
        "00-" + TRACE + "-" + SPAN + "-011", // version 00 must be exactly 55
        "ff-" + TRACE + "-" + SPAN + "-01", // version ff
        "0g-" + TRACE + "-" + SPAN + "-01", // version not hex
        "00-00000000000000000000000000000000-" + SPAN + "-01", // zero trace id
        "00-" + TRACE + "-0000000000000000-01", // zero parent id
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-" + SPAN + "-01", // upper case
        "00-" + TRACE + "-" + SPAN + "-0x", // flags not hex
        "00_" + TRACE + "-" + SPAN + "-01", // separator
        "00-" + TRACE + "_" + SPAN + "-01",
        "00-" + TRACE + "-" + SPAN + "_01",
        "01-" + TRACE + "-" + SPAN + "-01x", // later version, longer, no dash after flags
        " 00-" + TRACE + "-" + SPAN + "-01", // whitespace
        "00-4bf92f3577b34da6a3ce929d0e0e473g-" + SPAN + "-01", // non-hex in trace id
      })
  void rejectsMalformed(String traceparent) {
    assertThatThrownBy(() -> TraceContext.parse(traceparent, null))
        .isInstanceOf(MalformedTraceContextException.class)
        .hasMessageContaining("traceparent");
    assertThat(TraceContext.tryParse(traceparent, null)).isNull();
    assertThat(TraceContext.isValid(traceparent)).isFalse();
  }

  @Test
  void rejectsAbsent() {
    assertThatThrownBy(() -> TraceContext.parse(null, null))
        .isInstanceOf(MalformedTraceContextException.class);
    assertThat(TraceContext.tryParse(null, "a=b")).isNull();
  }

  @Test
  void readsALaterVersionByItsFirstFourFieldsAndWritesVersion00() {
    TraceContext c = TraceContext.parse("cc-" + TRACE + "-" + SPAN + "-01-what-the-future", null);
    assertThat(c.traceparent()).isEqualTo(VALID);
    assertThat(TraceContext.parse("01-" + TRACE + "-" + SPAN + "-01", null).traceparent())
        .isEqualTo(VALID);
  }

  @Test
  void malformedTracestateIsDroppedTheParentStays() {
    assertThat(TraceContext.parse(VALID, "no-equals").tracestate()).isNull();
    assertThat(TraceContext.parse(VALID, "UPPER=x").tracestate()).isNull();
    assertThat(TraceContext.parse(VALID, "a=1,a=2").tracestate()).isNull(); // duplicate key
    assertThat(TraceContext.parse(VALID, "a=x,b=has,comma").tracestate()).isNull();
    assertThat(TraceContext.parse(VALID, "a=ctl\u0001").tracestate()).isNull();
    assertThat(TraceContext.parse(VALID, "a=" + "x".repeat(600)).tracestate()).isNull();
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 33; i++) {
      many.append(i == 0 ? "" : ",").append("k").append(i).append("=v");
    }
    assertThat(TraceContext.parse(VALID, many.toString()).tracestate()).isNull();
    assertThat(TraceContext.parse(VALID, "").tracestate()).isNull();
    assertThat(TraceContext.parse(VALID, " , ").tracestate()).isNull();
  }

  @Test
  void wellFormedTracestateIsKept() {
    assertThat(TraceContext.parse(VALID, "tenant@system=v1, b=2,,").tracestate())
        .isEqualTo("tenant@system=v1, b=2,,");
    assertThat(TraceContext.parse(VALID, "9tenant@vendor=x").tracestate()).isNotNull();
  }

  @Test
  void ofValidatesItsParts() {
    assertThatThrownBy(() -> TraceContext.of("abc", SPAN, 1, null))
        .isInstanceOf(MalformedTraceContextException.class)
        .hasMessageContaining("trace-id");
    assertThatThrownBy(() -> TraceContext.of(TRACE, "0000000000000000", 1, null))
        .hasMessageContaining("parent-id");
    assertThatThrownBy(() -> TraceContext.of(TRACE, SPAN, 256, null))
        .hasMessageContaining("trace-flags");
  }

  @Test
  void childKeepsTraceFlagsAndStateWithANewSpan() {
    TraceContext parent = TraceContext.parse(VALID, "a=b");
    TraceContext child = parent.child();
    assertThat(child.traceId()).isEqualTo(TRACE);
    assertThat(child.spanId()).isNotEqualTo(SPAN).matches("[0-9a-f]{16}");
    assertThat(child.flags()).isEqualTo(1);
    assertThat(child.tracestate()).isEqualTo("a=b");
    // the traceparent is rendered once, with the new span id and the parent's flags
    assertThat(child.traceparent()).isEqualTo("00-" + TRACE + "-" + child.spanId() + "-01");
    assertThat(TraceContext.parse(child.traceparent(), "a=b")).isEqualTo(child);
    TraceContext unsampled = TraceContext.of(TRACE, SPAN, 0, null).child();
    assertThat(unsampled.traceparent()).endsWith("-00");
    assertThat(unsampled.sampled()).isFalse();
    TraceContext other = TraceContext.of(TRACE, SPAN, 0xa3, null).child();
    assertThat(other.traceparent()).endsWith("-a3");
    assertThat(TraceContext.parse(other.traceparent(), null)).isEqualTo(other);
  }

  @Test
  void rootsAreRandomValidAndSampled() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      TraceContext r = TraceContext.newRoot();
      assertThat(TraceContext.parse(r.traceparent(), null)).isEqualTo(r);
      assertThat(r.traceparent()).isSameAs(r.traceparent()).endsWith("-01");
      assertThat(r.sampled()).isTrue();
      ids.add(r.traceId());
    }
    assertThat(ids).hasSize(1000);
    TraceContext withId = TraceContext.newRoot(TRACE);
    assertThat(withId.traceId()).isEqualTo(TRACE);
    assertThat(TraceContext.parse(withId.traceparent(), null)).isEqualTo(withId);
    assertThat(withId.sampled()).isTrue();
  }

  @Test
  void w3cTraceIdOfASporeTraceId() {
    assertThat(TraceContext.asW3cTraceId(TRACE)).isEqualTo(TRACE);
    assertThat(TraceContext.asW3cTraceId("4BF92F35-77B3-4DA6-A3CE-929D0E0E4736")).isEqualTo(TRACE);
    assertThat(TraceContext.asW3cTraceId("00000000000000000000000000000000")).isNull();
    assertThat(TraceContext.asW3cTraceId("order-42")).isNull();
    assertThat(TraceContext.asW3cTraceId(null)).isNull();
  }

  @Test
  void travelsInTheSporeMetadata() {
    Spore s =
        Spore.builder()
            .type(SporeType.KNOWLEDGE)
            .fromAgent("alice")
            .metadata(Map.of("other", 1))
            .build();
    assertThat(TraceContext.read(s)).isNull();
    TraceContext c = TraceContext.parse(VALID, "a=b");
    Spore traced = c.applyTo(s);
    assertThat(traced.metadata())
        .containsEntry("traceparent", VALID)
        .containsEntry("tracestate", "a=b")
        .containsEntry("other", 1);
    assertThat(TraceContext.read(traced)).isEqualTo(c);
    assertThat(c.applyTo(traced)).isSameAs(traced);
    Spore noState = TraceContext.parse(VALID, null).applyTo(traced);
    assertThat(noState.metadata()).doesNotContainKey("tracestate");
  }

  @Test
  void readRejectsAMalformedOrNonStringTraceparent() {
    Spore bad =
        Spore.builder()
            .type(SporeType.KNOWLEDGE)
            .fromAgent("alice")
            .metadata(Map.of("traceparent", "garbage"))
            .build();
    assertThatThrownBy(() -> TraceContext.read(bad))
        .isInstanceOf(MalformedTraceContextException.class);
    Spore number = bad.toBuilder().metadata(Map.of("traceparent", 42)).build();
    assertThatThrownBy(() -> TraceContext.read(number)).hasMessageContaining("string");
  }
}
