package dev.reef.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CliArgsTest {
  private static final Set<String> OPTIONS = Set.of("channel", "count", "ttl");
  private static final Set<String> FLAGS = Set.of("full");

  @Test
  void readsOptionsInBothFormsFlagsAndPositionals() {
    CliArgs a =
        CliArgs.parse(
            List.of("--channel", "research", "--count=3", "--full", "extra"), OPTIONS, FLAGS);
    assertThat(a.get("channel", "main")).isEqualTo("research");
    assertThat(a.integer("count", 0, 0, 10)).isEqualTo(3);
    assertThat(a.flag("full")).isTrue();
    assertThat(a.positional()).containsExactly("extra");
    assertThat(a.get("ttl", "none")).isEqualTo("none");
  }

  @Test
  void parsesDurationsInShortAndIsoForms() {
    assertThat(duration("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(duration("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(duration("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(duration("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(duration("PT2S")).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void rejectsWhatItCannotUnderstandWithTheOptionsName() {
    assertThatThrownBy(() -> CliArgs.parse(List.of("--colour", "red"), OPTIONS, FLAGS))
        .isInstanceOf(UsageException.class)
        .hasMessage("unknown option --colour");
    assertThatThrownBy(() -> CliArgs.parse(List.of("--channel"), OPTIONS, FLAGS))
        .isInstanceOf(UsageException.class)
        .hasMessage("--channel needs a value");
    assertThatThrownBy(() -> duration("soon"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("--ttl must be a duration");
    assertThatThrownBy(() -> duration("0s"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("--ttl must be positive");
    CliArgs a = CliArgs.parse(List.of("--count", "11"), OPTIONS, FLAGS);
    assertThatThrownBy(() -> a.integer("count", 0, 0, 10))
        .isInstanceOf(UsageException.class)
        .hasMessage("--count must be 0..10, was 11");
  }

  @Test
  void theToolAnswersABadCommandLineWithExitCodeTwoAndTheUsage() throws Exception {
    Captured out = new Captured();
    Captured err = new Captured();
    int code =
        ReefCli.run(
            List.of("send", "--priority", "11"), java.util.Map.of(), out.stream(), err.stream());
    assertThat(code).isEqualTo(2);
    assertThat(err.text())
        .contains("--priority must be 1..10, was 11", "usage: java -jar reef-cli.jar");
    assertThat(ReefCli.run(List.of("frobnicate"), java.util.Map.of(), out.stream(), err.stream()))
        .isEqualTo(2);
    assertThat(err.text()).contains("unknown command 'frobnicate'");
    assertThat(
            ReefCli.run(
                List.of("send", "--knowledge", "[1,2]"),
                java.util.Map.of(),
                out.stream(),
                err.stream()))
        .isEqualTo(2);
    assertThat(err.text()).contains("--knowledge must be a JSON object");
  }

  private static Duration duration(String s) {
    return CliArgs.parse(List.of("--ttl", s), OPTIONS, FLAGS).duration("ttl", null);
  }
}
