package dev.reef.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A main class of this benchmark's class path in a separate JVM: its standard output read line by
 * line (the protocol of {@link SporeWorker}), commands written to its standard input, standard
 * error to a log file. {@link #close()} kills it by its own process handle if it still runs.
 */
final class ChildJvm implements AutoCloseable {
  /** The child JVM's options: small, C1 only, so that eight children fit a 2-core machine. */
  static final List<String> JVM_OPTIONS =
      List.of("-Xmx160m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

  private static final String EXITED = "\u0000exited";

  private final Process process;
  private final Path log;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

  private ChildJvm(Process process, Path log) {
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
              lines.add(EXITED);
            },
            "child-jvm-stdout-" + process.pid());
    t.setDaemon(true);
    t.start();
  }

  static ChildJvm launch(Class<?> mainClass, List<String> args, Path log) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(JVM_OPTIONS);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(mainClass.getName());
    cmd.addAll(args);
    return new ChildJvm(new ProcessBuilder(cmd).redirectError(log.toFile()).start(), log);
  }

  void tell(String line) throws IOException {
    OutputStream out = process.getOutputStream();
    out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /**
   * The next line starting with {@code prefix}; lines before it are skipped.
   *
   * @throws TimeoutException if none comes in time, or the child exits first
   */
  String await(String prefix, Duration timeout) throws TimeoutException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (line == null || line.equals(EXITED)) {
        throw new TimeoutException(
            (line == null ? "no '" + prefix + "' in " + timeout : "exited before '" + prefix + "'")
                + " from child pid "
                + process.pid()
                + "; see "
                + log);
      }
      if (line.startsWith(prefix)) {
        return line;
      }
    }
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
}
