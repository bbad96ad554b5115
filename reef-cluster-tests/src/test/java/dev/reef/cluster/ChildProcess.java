package dev.reef.cluster;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * A main class of the test class path in a separate JVM: its standard output collected line by
 * line, commands written to its standard input, standard error to a log file. {@link #close()}
 * kills it (by its own process handle) if it still runs.
 */
final class ChildProcess implements AutoCloseable {
  private final Process process;
  private final File log;
  private final List<String> lines = new CopyOnWriteArrayList<>();

  private ChildProcess(Process process, File log) {
    this.process = process;
    this.log = log;
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  lines.add(line);
                }
              } catch (IOException e) {
                // the process ended
              }
            },
            "child-stdout");
    t.setDaemon(true);
    t.start();
  }

  static ChildProcess launch(Class<?> mainClass, List<String> args, File log) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx256m");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(mainClass.getName());
    cmd.addAll(args);
    return new ChildProcess(new ProcessBuilder(cmd).redirectError(log).start(), log);
  }

  void tell(String line) {
    try {
      OutputStream out = process.getOutputStream();
      out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException e) {
      throw new AssertionError("cannot tell the child '" + line + "': " + e + "; " + this, e);
    }
  }

  /** Waits for the first line starting with the prefix; fails with the log if it does not come. */
  String await(String prefix, Duration timeout) {
    try {
      Awaitility.await(prefix)
          .atMost(timeout)
          .pollInterval(Duration.ofMillis(50))
          .until(() -> find(prefix).isPresent() || !process.isAlive());
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError("no '" + prefix + "' from the child in " + timeout + "; " + this, e);
    }
    return find(prefix)
        .orElseThrow(() -> new AssertionError("the child exited before '" + prefix + "'; " + this));
  }

  private Optional<String> find(String prefix) {
    return lines.stream().filter(l -> l.startsWith(prefix)).findFirst();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public String toString() {
    return "child pid " + process.pid() + ", output " + lines + ", log " + log;
  }
}
