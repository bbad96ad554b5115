package dev.reef.examples.demo;

import java.io.File;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Starts a main class of this class path in a new JVM. */
final class JavaProcesses {
  private JavaProcesses() {}

  /**
   * This process's class path: the URLs of the context class loader when it has some (as under
   * {@code mvn exec:java}), otherwise {@code java.class.path}.
   */
  static String classPath() {
    ClassLoader cl = Thread.currentThread().getContextClassLoader();
    if (cl instanceof URLClassLoader u && u.getURLs().length > 0) {
      List<String> entries = new ArrayList<>();
      for (URL url : u.getURLs()) {
        try {
          entries.add(Path.of(url.toURI()).toString());
        } catch (URISyntaxException | IllegalArgumentException e) {
          entries.add(url.getPath());
        }
      }
      return String.join(File.pathSeparator, entries);
    }
    return System.getProperty("java.class.path");
  }

  static ProcessBuilder builder(
      Class<?> mainClass, List<String> args, Map<String, String> extraEnv) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // Small, quick-starting JVMs: the demo agents need little.
    command.add("-Xmx128m");
    command.add("-XX:+UseSerialGC");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-cp");
    command.add(classPath());
    command.add(mainClass.getName());
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().remove("REEF_READY_FILE");
    pb.environment().remove("REEF_DEMO_TRANSCRIPT");
    pb.environment().putAll(extraEnv);
    return pb;
  }
}
