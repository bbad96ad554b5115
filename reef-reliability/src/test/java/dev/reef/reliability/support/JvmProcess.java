package dev.reef.reliability.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A separate JVM running one of the test-classpath mains (a real process: killing it is a real
 * crash). Its standard output is read line by line on a daemon thread and handed to a listener; its
 * standard error goes to {@code target/child-logs/<name>.log}. Commands can be written to its
 * standard input. The child gets the broker URI as {@code REEF_AMQP_URI}. {@link #close()} kills it
 * if it is still alive.
 */
public final class JvmProcess implements AutoCloseable {
  private static final int TAIL = 40;

  private final String name;
  private final Process process;
  private final Thread reader;
  private final Deque<String> tail = new ArrayDeque<>();
  private final Writer stdin;
  private final Path log;

  private JvmProcess(String name, Process process, Consumer<String> listener, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    this.reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  synchronized (tail) {
                    tail.addLast(line);
                    if (tail.size() > TAIL) {
                      tail.removeFirst();
                    }
                  }
                  listener.accept(line);
                }
              } catch (IOException | RuntimeException e) {
                synchronized (tail) {
                  tail.addLast("[reader failed: " + e + "]");
                }
              }
            },
            "jvm-" + name + "-stdout");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts {@code mainClass} in a new JVM with this JVM's class path.
   *
   * @param name a short unique name for logs
   * @param maxHeapMb the child's -Xmx in MiB
   * @param listener receives every line of the child's standard output, on the reader thread
   * @throws UncheckedIOException if the process cannot be started
   */
  public static JvmProcess start(
      String name, Class<?> mainClass, int maxHeapMb, Consumer<String> listener, String... args) {
    Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    List<String> cmd = new ArrayList<>();
    cmd.add(java.toString());
    cmd.add("-Xmx" + maxHeapMb + "m");
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-Xshare:auto");
    cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=info");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(mainClass.getName());
    cmd.addAll(List.of(args));
    Path logDir = Paths.get("target", "child-logs");
    Path log = logDir.resolve(name + ".log");
    try {
      Files.createDirectories(logDir);
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(log.toFile());
      // The broker URI may carry credentials: hand it over in the environment, not the command
      // line.
      pb.environment().put("REEF_AMQP_URI", Brokers.uri().toString());
      return new JvmProcess(name, pb.start(), listener, log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start JVM " + name, e);
    }
  }

  /** The short name. */
  public String name() {
    return name;
  }

  /** The OS process id. */
  public long pid() {
    return process.pid();
  }

  /** True while the process runs. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** Writes one command line to the child's standard input. */
  public void send(String command) {
    try {
      stdin.write(command);
      stdin.write('\n');
      stdin.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write to " + name, e);
    }
  }

  /**
   * Kills the process as {@code kill -9} would (SIGKILL through its {@link ProcessHandle}), waits
   * for it to be gone, and then for the reader to take every line the process wrote before it died.
   * ({@link Process#destroyForcibly()} is not used: it also closes our end of the pipes, which
   * would throw away lines the child wrote but we had not read yet.)
   */
  public void kill() {
    process.toHandle().destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
      reader.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Waits for the process to exit and for its output to be read.
   *
   * @return the exit code
   * @throws IllegalStateException if it did not exit in time (it is killed then)
   */
  public int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.toHandle().destroyForcibly();
        throw new IllegalStateException(name + " did not exit within " + timeout + "\n" + tail());
      }
      reader.join(timeout.toMillis());
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The last lines of standard output and of the error log, for failure messages. */
  public String tail() {
    StringBuilder sb = new StringBuilder("--- " + name + " stdout (tail) ---\n");
    synchronized (tail) {
      tail.forEach(l -> sb.append(l).append('\n'));
    }
    sb.append("--- ")
        .append(name)
        .append(" stderr: ")
        .append(log.toAbsolutePath())
        .append(" ---\n");
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      lines
          .subList(Math.max(0, lines.size() - TAIL), lines.size())
          .forEach(l -> sb.append(l).append('\n'));
    } catch (IOException e) {
      sb.append("(unreadable: ").append(e).append(")\n");
    }
    return sb.toString();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
    }
  }
}
