package dev.reef.spi.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class FailuresTest {

  @Test
  void unwrapRemovesNestedCompletionAndExecutionWrappers() {
    IllegalStateException root = new IllegalStateException("root");
    Throwable wrapped =
        new CompletionException(new ExecutionException(new CompletionException(root)));

    assertThat(Failures.unwrap(wrapped)).isSameAs(root);
    assertThat(Failures.unwrap(root)).isSameAs(root);
  }

  @Test
  void unwrapKeepsAWrapperWithoutCauseAndStopsAtOtherExceptions() {
    CompletionException bare = new CompletionException("no cause", null);
    RuntimeException other = new RuntimeException(new IOException("io"));

    assertThat(Failures.unwrap(bare)).isSameAs(bare);
    assertThat(Failures.unwrap(new CompletionException(other))).isSameAs(other);
  }

  @Test
  void describeNamesTheClassAndTheMessageOrTheCausesMessage() {
    assertThat(Failures.describe(new IllegalStateException("boom")))
        .isEqualTo("java.lang.IllegalStateException: boom");
    assertThat(Failures.describe(new NullPointerException()))
        .isEqualTo("java.lang.NullPointerException");
    RuntimeException noMessage = new RuntimeException((String) null, new IOException("refused"));
    assertThat(Failures.describe(noMessage)).isEqualTo("java.lang.RuntimeException (refused)");
  }

  @Test
  void boundedCutsLongTextWithAnEllipsis() {
    assertThat(Failures.bounded("abcdef", 6)).isEqualTo("abcdef");
    assertThat(Failures.bounded("abcdefg", 6)).isEqualTo("abc...");
    assertThatThrownBy(() -> Failures.bounded("abc", 3))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
