package dev.reef.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Keeps the README honest: its code is the compiled example, its test command is what CI runs. */
class ReadmeTest {
  private static final Path ROOT = Path.of("..");

  @Test
  void helloWorldInTheReadmeIsTheCompiledExample() throws IOException {
    String readme = Files.readString(ROOT.resolve("README.md"));
    String source = Files.readString(Path.of("src/main/java/dev/reef/examples/HelloReef.java"));

    String inReadme = between(readme, "<!-- hello:start -->\n```java\n", "```\n<!-- hello:end -->");
    String inSource = between(source, "// README:hello:start\n", "    // README:hello:end");

    assertThat(dedent(inReadme)).isEqualTo(dedent(inSource));
  }

  @Test
  void theDirectoryExampleInTheReadmeIsTheCompiledExample() throws IOException {
    String readme = Files.readString(ROOT.resolve("README.md"));
    String source =
        Files.readString(
            Path.of("src/main/java/dev/reef/examples/directory/FindByCapability.java"));

    String inReadme =
        between(readme, "<!-- directory:start -->\n```java\n", "```\n<!-- directory:end -->");
    String inSource =
        between(source, "// README:directory:start\n", "      // README:directory:end");

    assertThat(dedent(inReadme)).isEqualTo(dedent(inSource));
  }

  @Test
  void ciRunsTheReadmesTestCommand() throws IOException {
    String readme = Files.readString(ROOT.resolve("README.md"));
    String ci = Files.readString(ROOT.resolve(".ci/run"));
    String testCommand = "mvn -B verify";

    assertThat(readme).contains("\n" + testCommand + " ");
    assertThat(ci.lines().map(String::strip)).contains(testCommand);
  }

  private static String between(String text, String start, String end) {
    int from = text.indexOf(start);
    assertThat(from).as("marker %s", start).isNotNegative();
    int to = text.indexOf(end, from + start.length());
    assertThat(to).as("marker %s", end).isNotNegative();
    return text.substring(from + start.length(), to);
  }

  private static String dedent(String block) {
    List<String> lines =
        Arrays.stream(block.split("\n")).filter(l -> !l.isBlank()).collect(Collectors.toList());
    int indent =
        lines.stream().mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
    return lines.stream().map(l -> l.substring(indent)).collect(Collectors.joining("\n"));
  }
}
