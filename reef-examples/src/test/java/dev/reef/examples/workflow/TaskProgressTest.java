package dev.reef.examples.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TaskProgressTest {

  @Test
  void theBarFillsInProportionAndStaysInsideItsBrackets() {
    assertThat(TaskProgress.bar(0, 10)).isEqualTo("[..........]");
    assertThat(TaskProgress.bar(0.5, 10)).isEqualTo("[#####.....]");
    assertThat(TaskProgress.bar(1, 10)).isEqualTo("[##########]");
    assertThat(TaskProgress.bar(1.7, 4)).isEqualTo("[####]");
    assertThat(TaskProgress.bar(-1, 4)).isEqualTo("[....]");
  }

  @Test
  void aSummarysClaimsAreItsSentencesAndTheItemsOfItsLists() {
    assertThat(
            Coordinator.claims(
                "On x: the researcher found that a; b; c. The analyst rates it (80%) and says d."))
        .containsExactly(
            "On x: the researcher found that a",
            "b",
            "c.",
            "The analyst rates it (80%) and says d.");
  }

  @Test
  void onATerminalProgressLinesReplaceEachOtherAndTheNextLineStartsOnItsOwn() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Conversation c = Conversation.printingToTerminal(out)) {
      c.progress("a [#...] 25%");
      c.progress("a [##..] 50%");
      c.say("done");
    }
    String printed = bytes.toString(StandardCharsets.UTF_8);
    // Each progress line starts with a carriage return and erases the rest of the line;
    // the narration after them starts on a new line.
    assertThat(printed)
        .containsPattern(
            "^\\r\\S+  a \\[#\\.\\.\\.\\] 25%\\u001b\\[K\\r\\S+  a \\[##\\.\\.\\] 50%\\u001b\\[K")
        .containsPattern("50%\\u001b\\[K\\R\\S+  done\\R$");
    assertThat(printed.chars().filter(ch -> ch == '\n')).hasSize(2);
  }

  @Test
  void elsewhereEachProgressReportIsALineOfItsOwn() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Conversation c = Conversation.printingTo(out)) {
      c.progress("a 25%");
      c.progress("a 50%");
      c.say("done");
    }
    String printed = bytes.toString(StandardCharsets.UTF_8);
    assertThat(printed).doesNotContain("\r").doesNotContain("\u001b");
    assertThat(printed.lines()).hasSize(3);
  }
}
