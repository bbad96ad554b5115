package dev.reef.bench.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every published jar names its module in its manifest ({@code Automatic-Module-Name}), so that
 * modular applications can require it under a stable name. Runs after {@code package} (Failsafe),
 * in the module the reactor builds last (reef-benchmarks, last in the root POM's module list), and
 * reads the jars the build just made next to it ({@code ../<module>/target}): a missing jar or
 * entry fails.
 */
class AutomaticModuleNameIT {
  private static final Path ROOT = Path.of(property("reef.root"));
  private static final String VERSION = property("reef.version");

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "reef-core, dev.reef.core",
    "reef-tck, dev.reef.tck",
    "reef-amqp, dev.reef.amqp",
    "reef-micrometer, dev.reef.micrometer",
    "reef-examples, dev.reef.examples",
    "reef-console, dev.reef.console",
    "reef-spring-boot-starter, dev.reef.spring",
    "reef-opentelemetry, dev.reef.opentelemetry",
  })
  void theJarNamesItsModule(String module, String name) throws IOException {
    Path jar = ROOT.resolve(module).resolve("target").resolve(module + "-" + VERSION + ".jar");
    assertThat(jar).as("the jar `mvn package` builds for %s", module).isRegularFile();
    try (JarFile file = new JarFile(jar.toFile())) {
      Manifest manifest = file.getManifest();
      assertThat(manifest).as("manifest of %s", jar).isNotNull();
      assertThat(manifest.getMainAttributes().getValue("Automatic-Module-Name"))
          .as("Automatic-Module-Name of %s", jar)
          .isEqualTo(name);
    }
  }

  private static String property(String name) {
    return Objects.requireNonNull(
        System.getProperty(name), name + " (set by reef-benchmarks' Failsafe configuration)");
  }
}
