package dev.reef;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reef.codec.SporeCodec;
import dev.reef.typed.OrderFixture;
import dev.reef.typed.OrderFixture.Order;
import dev.reef.typed.OrderFixture.Receipt;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TypedKnowledgeTest {

  /** A Praval agent's request: {@code {"q": "everything", "list": [1, 2]}} plus more. */
  record Query(String q, List<Integer> list) {}

  record Price(BigDecimal amount) {}

  @Test
  void recordBecomesPlainJsonKnowledge() {
    Map<String, Object> knowledge = KnowledgeMapper.defaults().toKnowledge(OrderFixture.sample());

    assertThat(knowledge)
        .containsEntry("id", "o-1")
        .containsEntry("placedAt", "2026-11-30T10:15:30.123456Z")
        .containsEntry("status", "PAID")
        .containsEntry("note", null)
        .containsEntry("history", List.of("NEW", "PAID"));
    assertThat(knowledge.get("customer"))
        .isEqualTo(Map.of("name", "Ada", "email", "ada@example.com"));
  }

  @Test
  void roundTripsThroughTheWireFormat() {
    Order order = OrderFixture.sample();
    Spore sent =
        Spore.builder()
            .type(SporeType.KNOWLEDGE)
            .fromAgent("a")
            .toAgent("b")
            .knowledge(KnowledgeMapper.defaults().toKnowledge(order))
            .build();
    SporeCodec codec = SporeCodec.ofDefaults();

    Spore received = codec.decode(codec.encode(sent));

    OrderFixture.assertSameOrder(received.knowledgeAs(Order.class), order);
    assertThat(received.knowledgeAs(new TypeReference<Map<String, Object>>() {}))
        .containsEntry("id", "o-1");
  }

  @Test
  void typedSendAndAskOnTheInMemoryReef() throws Exception {
    try (Reef reef = Reef.inMemory()) {
      CompletableFuture<Order> got = new CompletableFuture<>();
      reef.subscribe("shop", spore -> got.complete(spore.knowledgeAs(Order.class)));
      reef.subscribe(
          "billing",
          spore -> {
            Order o = spore.knowledgeAs(Order.class);
            reef.replyTyped(spore, "billing", new Receipt(o.id(), o.status(), o.placedAt()));
          });
      reef.declareMailbox("client");

      reef.sendTyped("client", "shop", OrderFixture.sample()).get(5, TimeUnit.SECONDS);
      Receipt receipt =
          reef.askTyped(
                  "client", "billing", OrderFixture.sample(), Receipt.class, Duration.ofSeconds(5))
              .get(5, TimeUnit.SECONDS);

      OrderFixture.assertSameOrder(got.get(5, TimeUnit.SECONDS), OrderFixture.sample());
      assertThat(receipt)
          .isEqualTo(
              new Receipt(
                  "o-1", OrderFixture.Status.PAID, Instant.parse("2026-11-30T10:15:30.123456Z")));
    }
  }

  @Test
  void aReplyThatDoesNotMapFailsTheTypedAsk() {
    try (Reef reef = Reef.inMemory()) {
      reef.subscribe("echo", spore -> reef.reply(spore, "echo", Map.of("amount", "lots")));
      reef.declareMailbox("client");

      CompletableFuture<Price> reply =
          reef.askTyped("client", "echo", Map.of("x", 1), Price.class, Duration.ofSeconds(5));

      assertThatThrownBy(() -> reply.get(5, TimeUnit.SECONDS))
          .hasCauseInstanceOf(KnowledgeMappingException.class)
          .cause()
          .hasMessage("knowledge.amount: cannot read \"lots\" as BigDecimal");
    }
  }

  @Test
  void aMismatchNamesTheJsonPath() {
    Map<String, Object> knowledge = KnowledgeMapper.defaults().toKnowledge(OrderFixture.sample());
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> lines = (List<Map<String, Object>>) knowledge.get("lines");
    Map<String, Object> bad = new java.util.LinkedHashMap<>(knowledge);
    List<Map<String, Object>> badLines = new java.util.ArrayList<>(lines);
    Map<String, Object> badLine = new java.util.LinkedHashMap<>(lines.get(1));
    badLine.put("price", "ten cents");
    badLines.set(1, badLine);
    bad.put("lines", badLines);
    Spore spore = Spore.builder().type(SporeType.BROADCAST).fromAgent("a").knowledge(bad).build();

    assertThatThrownBy(() -> spore.knowledgeAs(Order.class))
        .isInstanceOf(KnowledgeMappingException.class)
        .isInstanceOf(SporeValidationException.class)
        .hasMessage("knowledge.lines[1].price: cannot read \"ten cents\" as BigDecimal")
        .satisfies(
            e -> {
              KnowledgeMappingException k = (KnowledgeMappingException) e;
              assertThat(k.path()).isEqualTo("knowledge.lines[1].price");
              assertThat(k.targetType()).contains("Order");
            });
  }

  @Test
  void aWrongShapeNamesTheField() {
    Spore spore =
        Spore.builder()
            .type(SporeType.BROADCAST)
            .fromAgent("a")
            .knowledge(Map.of("q", "x", "list", "not a list"))
            .build();

    assertThatThrownBy(() -> spore.knowledgeAs(Query.class))
        .isInstanceOf(KnowledgeMappingException.class)
        .hasMessageStartingWith("knowledge.list: does not match ArrayList");
  }

  @Test
  void aValueThatIsNotAnObjectIsRefused() {
    assertThatThrownBy(() -> KnowledgeMapper.defaults().toKnowledge(List.of(1, 2)))
        .isInstanceOf(KnowledgeMappingException.class)
        .hasMessageStartingWith("knowledge: ");
    try (Reef reef = Reef.inMemory()) {
      assertThatThrownBy(() -> reef.sendTyped("a", "b", "text"))
          .isInstanceOf(KnowledgeMappingException.class);
    }
  }

  @Test
  void nullKnowledgeReadsAsNull() {
    assertThat(
            Spore.builder()
                .type(SporeType.BROADCAST)
                .fromAgent("a")
                .build()
                .knowledgeAs(Query.class))
        .isNull();
  }

  @Test
  void aPravalAgentsJsonReadsIntoARecord() throws IOException {
    Spore spore = SporeCodec.ofDefaults().decode(fixture("json-full.json"));

    assertThat(spore.knowledgeAs(Query.class)).isEqualTo(new Query("everything", List.of(1, 2)));
  }

  @Test
  void theReefsObjectMapperIsUsedAndCustomisable() throws Exception {
    ObjectMapper strict =
        KnowledgeMapper.defaultObjectMapper()
            .copy()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    ReefOptions options = ReefOptions.custom().objectMapper(strict).build();
    try (Reef reef = Reef.create(dev.reef.memory.InMemoryBackend.builder().build(), options)) {
      CompletableFuture<Throwable> failure = new CompletableFuture<>();
      reef.subscribe(
          "strict",
          spore -> {
            try {
              spore.knowledgeAs(Query.class, reef.knowledgeMapper());
            } catch (KnowledgeMappingException e) {
              failure.complete(e);
            }
          });

      reef.send("a", "strict", Map.of("q", "x", "list", List.of(), "extra", true))
          .get(5, TimeUnit.SECONDS);

      assertThat(reef.knowledgeMapper().objectMapper()).isSameAs(strict);
      assertThat(reef.channel("other").knowledgeMapper()).isSameAs(reef.knowledgeMapper());
      assertThat(failure.get(5, TimeUnit.SECONDS)).hasMessage("knowledge.extra: unknown field");
    }
  }

  @Test
  void optionalAndMissingFields() {
    Map<String, Object> knowledge = Map.of("name", "Bo");
    OrderFixture.Customer c =
        KnowledgeMapper.defaults().fromKnowledge(knowledge, OrderFixture.Customer.class);
    assertThat(c).isEqualTo(new OrderFixture.Customer("Bo", Optional.empty()));
  }

  @Test
  void aBigDecimalWrittenAsTextKeepsItsScaleAndDigits() {
    Price exact = new Price(new BigDecimal("12345678901234567890.10"));
    ObjectMapper asText = KnowledgeMapper.defaultObjectMapper();
    asText
        .configOverride(BigDecimal.class)
        .setFormat(
            com.fasterxml.jackson.annotation.JsonFormat.Value.forShape(
                com.fasterxml.jackson.annotation.JsonFormat.Shape.STRING));
    KnowledgeMapper mapper = KnowledgeMapper.of(asText);
    SporeCodec codec = SporeCodec.ofDefaults();
    Spore sent =
        Spore.builder()
            .type(SporeType.BROADCAST)
            .fromAgent("a")
            .knowledge(mapper.toKnowledge(exact))
            .build();

    assertThat(codec.decode(codec.encode(sent)).knowledgeAs(Price.class, mapper)).isEqualTo(exact);
  }

  private static String fixture(String name) throws IOException {
    try (InputStream in = TypedKnowledgeTest.class.getResourceAsStream("/praval/" + name)) {
      if (in == null) {
        throw new IOException("missing fixture " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
