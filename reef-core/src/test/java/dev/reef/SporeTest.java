package dev.reef;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

/** Builder validation and the value semantics of {@link Spore}, as a new user would meet them. */
class SporeTest {
  private static Spore.Builder valid() {
    return Spore.builder().type(SporeType.KNOWLEDGE).fromAgent("alice").toAgent("bob");
  }

  private static AbstractThrowableAssert<?, ?> rejects(Spore.Builder b, String field) {
    return assertThatThrownBy(b::build)
        .isInstanceOf(SporeValidationException.class)
        .satisfies(e -> assertThat(((SporeValidationException) e).field()).isEqualTo(field))
        .hasMessageStartingWith(field + ":");
  }

  @Test
  void defaults() {
    Spore s = valid().build();

    assertThat(s.id())
        .matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    assertThat(s.priority()).isEqualTo(Spore.DEFAULT_PRIORITY);
    assertThat(s.expiresAt()).isNull();
    assertThat(s.isExpired()).isFalse();
    assertThat(s.knowledge()).isNull();
    assertThat(s.metadata()).isEmpty();
    assertThat(s.knowledgeReferences()).isEmpty();
    assertThat(s.schemaVersion()).isEqualTo(Spore.SCHEMA_VERSION);
    assertThat(valid().build().id()).isNotEqualTo(s.id());
  }

  @Test
  void theBuilderFreeFactoryBuildsWhatTheBuilderWould() {
    Map<String, Object> k = Map.of("event", "tick", "value", 42);
    for (String to : new String[] {"bob", null}) {
      SporeType type = to == null ? SporeType.BROADCAST : SporeType.KNOWLEDGE;
      Spore quick = Spore.of(type, "alice", to, k, 1000);
      Spore built =
          Spore.builder()
              .type(type)
              .fromAgent("alice")
              .toAgent(to)
              .knowledge(k)
              .maxKnowledgeBytes(1000)
              .id(quick.id())
              .createdAt(quick.createdAt())
              .build();
      assertThat(quick).isEqualTo(built);
      assertThat(quick.knowledgeBytes()).isEqualTo(built.knowledgeBytes());
      assertThat(quick.id())
          .matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
      assertThat(quick.metadata()).isEmpty();
      assertThat(quick.dataReferences()).isEmpty();
      assertThat(quick.schemaVersion()).isEqualTo(Spore.SCHEMA_VERSION);
      assertThat(quick.priority()).isEqualTo(Spore.DEFAULT_PRIORITY);
    }
    assertThat(Spore.of(SporeType.KNOWLEDGE, "alice", "bob", null, 1000).knowledgeBytes())
        .isEqualTo(4);
  }

  @Test
  void theBuilderFreeFactoryValidatesLikeTheBuilder() {
    Map<String, Object> k = Map.of("event", "tick");
    assertThatThrownBy(() -> Spore.of(null, "alice", "bob", k, 1000))
        .isInstanceOf(SporeValidationException.class)
        .hasMessageStartingWith("spore_type:");
    assertThatThrownBy(() -> Spore.of(SporeType.KNOWLEDGE, "al..ice", "bob", k, 1000))
        .isInstanceOf(SporeValidationException.class)
        .hasMessageStartingWith("from_agent:");
    assertThatThrownBy(() -> Spore.of(SporeType.KNOWLEDGE, "alice", "b*b", k, 1000))
        .isInstanceOf(SporeValidationException.class)
        .hasMessageStartingWith("to_agent:");
    assertThatThrownBy(() -> Spore.of(SporeType.KNOWLEDGE, "alice", "bob", k, 1))
        .isInstanceOf(SporeValidationException.class)
        .hasMessageContaining("at least 2 bytes");
    assertThatThrownBy(() -> Spore.of(SporeType.KNOWLEDGE, "alice", "bob", k, 10))
        .isInstanceOf(SporeValidationException.class)
        .hasMessageContaining("at most 10 bytes");
    assertThatThrownBy(
            () -> Spore.of(SporeType.KNOWLEDGE, "alice", "bob", Map.of("x", new Object()), 1000))
        .isInstanceOf(SporeValidationException.class)
        .hasMessageStartingWith("knowledge:");
  }

  @Test
  void nullAndBlankNamesAreRejectedNamingTheField() {
    rejects(valid().fromAgent(null), "from_agent").hasMessageContaining("null");
    rejects(valid().fromAgent("  "), "from_agent").hasMessageContaining("blank");
    rejects(valid().toAgent(""), "to_agent").hasMessageContaining("blank");
    rejects(valid().type(null), "spore_type");
    rejects(valid().id(" "), "id");
    rejects(valid().replyTo(""), "reply_to");
    rejects(valid().correlationId(" "), "correlation_id");
  }

  @Test
  void namesWithDotsOrWildcardsAreRejected() {
    rejects(valid().fromAgent("team..alice"), "from_agent").hasMessageContaining("'..'");
    rejects(valid().toAgent("bob*"), "to_agent").hasMessageContaining("'*'");
    rejects(valid().toAgent("#"), "to_agent");
    rejects(valid().toAgent("x".repeat(256)), "to_agent").hasMessageContaining("255");
    assertThat(valid().fromAgent("agent_1:worker-2").build().fromAgent())
        .isEqualTo("agent_1:worker-2");
  }

  @Test
  void priorityMustBeBetween1And10() {
    rejects(valid().priority(0), "priority").hasMessageContaining("between 1 and 10, was 0");
    rejects(valid().priority(11), "priority").hasMessageContaining("was 11");
    assertThat(valid().priority(1).build().priority()).isEqualTo(1);
    assertThat(valid().priority(10).build().priority()).isEqualTo(10);
  }

  @Test
  void knowledgeOverTenMebibytesIsRejectedNamingTheLimit() {
    // {"k":"..."} is 8 bytes of JSON around the string: make the whole 10 MiB + 1 byte.
    String text = "x".repeat((int) Spore.DEFAULT_MAX_KNOWLEDGE_BYTES - 8 + 1);
    Map<String, Object> tooBig = Map.of("k", text);

    rejects(valid().knowledge(tooBig), "knowledge")
        .hasMessageContaining("at most 10485760 bytes, was 10485761 bytes");
    Map<String, Object> justFits = Map.of("k", text.substring(1));
    assertThat(valid().knowledge(justFits).build().knowledgeBytes())
        .isEqualTo(Spore.DEFAULT_MAX_KNOWLEDGE_BYTES);
  }

  @Test
  void knowledgeMustBeJsonShaped() {
    Map<Object, Object> nonStringKey = new HashMap<>();
    nonStringKey.put(1, "x");
    @SuppressWarnings("unchecked")
    Map<String, ?> cast = (Map<String, ?>) (Map<?, ?>) nonStringKey;
    rejects(valid().knowledge(cast), "knowledge").hasMessageContaining("keys must be strings");
    rejects(valid().knowledge(Map.of("when", new Object())), "knowledge");
  }

  @Test
  void knowledgeIsADeepImmutableCopy() {
    List<Object> list = new ArrayList<>(List.of(1, 2));
    Map<String, Object> k = new HashMap<>(Map.of("list", list));
    Spore s = valid().knowledge(k).build();

    list.add(3);
    k.put("other", true);

    assertThat(s.knowledge()).isEqualTo(Map.of("list", List.of(1, 2)));
    assertThatThrownBy(() -> s.knowledge().put("x", 1))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void referencesReturnNewSporesAndExpiryIsRelativeToCreation() {
    Spore s = valid().expiresIn(Duration.ofSeconds(30)).build();

    Spore withRefs = s.withKnowledgeReference("mem-1").withDataReference("s3://b/k");

    assertThat(s.knowledgeReferences()).isEmpty();
    assertThat(withRefs.knowledgeReferences()).containsExactly("mem-1");
    assertThat(withRefs.dataReferences()).containsExactly("s3://b/k");
    assertThat(withRefs.id()).isEqualTo(s.id());
    assertThat(Duration.between(s.createdAt(), s.expiresAt())).isEqualTo(Duration.ofSeconds(30));
    assertThatThrownBy(() -> s.withKnowledgeReference(" "))
        .isInstanceOf(SporeValidationException.class);
  }

  @Test
  void toStringLeavesOutTheKnowledge() {
    Spore s = valid().knowledge(Map.of("secret", "hunter2")).build();

    assertThat(s.toString()).contains(s.id()).doesNotContain("hunter2");
  }

  @Test
  void defaultCreationInstantHasMicrosecondPrecisionAsOnTheWire() {
    for (int i = 0; i < 100; i++) {
      assertThat(valid().build().createdAt().getNano() % 1000).isZero();
    }
  }
}
