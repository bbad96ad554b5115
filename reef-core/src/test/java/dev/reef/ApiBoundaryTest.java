package dev.reef;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** What the API package may depend on, and what users may build. */
class ApiBoundaryTest {
  private static final Path API_SOURCES = Path.of("src/main/java/dev/reef");

  @Test
  void theApiImportsNoBackend() throws IOException {
    List<String> offenders;
    try (Stream<Path> files = Files.list(API_SOURCES)) {
      offenders =
          files
              .filter(f -> f.toString().endsWith(".java"))
              .filter(ApiBoundaryTest::mentionsTheInMemoryBackend)
              .map(f -> f.getFileName().toString())
              .collect(Collectors.toList());
    }
    assertThat(offenders).as("dev.reef files that import or name dev.reef.memory").isEmpty();
  }

  private static boolean mentionsTheInMemoryBackend(Path file) {
    try {
      return Files.readAllLines(file).stream()
          .filter(line -> !line.trim().startsWith("*") && !line.trim().startsWith("//"))
          .anyMatch(line -> line.contains("dev.reef.memory"));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void theInMemoryBackendIsFoundThroughItsProvider() {
    try (Reef reef = Reef.inMemory()) {
      reef.declareMailbox("bob");
      assertThat(reef.agents()).contains("bob");
    }
    assertThat(Reef.backendFor(URI.create("memory:any")).getClass().getName())
        .isEqualTo("dev.reef.memory.InMemoryBackend");
  }

  @Test
  void typesOnlyTheLibraryBuildsHaveNoPublicConstructor() {
    assertThat(ReefStats.class.getConstructors()).isEmpty();
    assertThat(GatherResult.class.getConstructors()).isEmpty();
  }
}
