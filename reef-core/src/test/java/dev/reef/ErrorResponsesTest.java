package dev.reef;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ErrorResponsesTest {
  private final Spore request =
      Spore.builder()
          .type(SporeType.REQUEST)
          .fromAgent("alice")
          .toAgent("model")
          .knowledge(Map.of("secret", "prompt"))
          .correlationId("corr-1")
          .expiresIn(Duration.ofMinutes(1))
          .build();

  @Test
  void theErrorResponseAnswersTheRequestWithTypeAndMessageOnly() {
    Spore error = ErrorResponses.of(request, "handler_failed", "IllegalStateException: down", 2);

    assertThat(error.type()).isEqualTo(SporeType.RESPONSE);
    assertThat(error.fromAgent()).isEqualTo("model");
    assertThat(error.toAgent()).isEqualTo("alice");
    assertThat(error.replyTo()).isEqualTo(request.id());
    assertThat(error.correlationId()).isEqualTo("corr-1");
    assertThat(error.expiresAt()).isEqualTo(request.expiresAt());
    assertThat(error.knowledge())
        .isEqualTo(
            Map.of(
                "error",
                Map.of(
                    "type",
                    "handler_failed",
                    "message",
                    "IllegalStateException: down",
                    "attempts",
                    2)));

    RemoteFailureException f = ErrorResponses.failureOf(error).orElseThrow();
    assertThat(f.type()).isEqualTo("handler_failed");
    assertThat(f.errorMessage()).isEqualTo("IllegalStateException: down");
    assertThat(f.agent()).isEqualTo("model");
    assertThat(f.requestId()).isEqualTo(request.id());
    assertThat(f).isInstanceOf(ReefException.class);
  }

  @Test
  void longMessagesAreBounded() {
    Spore error = ErrorResponses.of(request, "handler_failed", "x".repeat(5000), 0);
    @SuppressWarnings("unchecked")
    Map<String, Object> body = (Map<String, Object>) error.knowledge().get("error");
    assertThat((String) body.get("message")).hasSize(ErrorResponses.MAX_MESSAGE_CHARS);
    assertThat(body).doesNotContainKey("attempts");
  }

  @Test
  void ordinaryResponsesAreNotErrorResponses() {
    assertThat(ErrorResponses.failureOf(response(Map.of("answer", 42)))).isEmpty();
    assertThat(ErrorResponses.failureOf(response(Map.of("error", "just a word")))).isEmpty();
    assertThat(ErrorResponses.failureOf(response(Map.of("error", Map.of("type", "x"))))).isEmpty();
    assertThat(
            ErrorResponses.failureOf(
                response(Map.of("error", Map.of("type", "x", "message", "y"), "more", 1))))
        .isEmpty();
    assertThat(
            ErrorResponses.failureOf(
                response(Map.of("error", Map.of("type", "quota", "message", "over")))))
        .hasValueSatisfying(f -> assertThat(f.type()).isEqualTo("quota"));
  }

  private Spore response(Map<String, ?> knowledge) {
    return Spore.builder()
        .type(SporeType.RESPONSE)
        .fromAgent("model")
        .toAgent("alice")
        .replyTo(request.id())
        .knowledge(knowledge)
        .build();
  }
}
