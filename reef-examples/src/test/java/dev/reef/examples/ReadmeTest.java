package dev.reef.examples;

import static dev.reef.examples.DocExcerpts.between;
import static dev.reef.examples.DocExcerpts.dedent;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
}
