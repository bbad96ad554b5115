package dev.reef.amqp;

import dev.reef.amqp.test.RabbitMqBroker;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * A test agent in a separately launched JVM (same class path, the test broker in {@code
 * REEF_AMQP_URI}, standard error to a log file): the lines it prints, collected as they come, and
 * commands written to its standard input.
 */
public final class ChildJvm {
  public final Process process;
  public final List<String> lines = new CopyOnWriteArrayList<>();

  private ChildJvm(Process process) {
    this.process = process;
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
                // process ended
              }
            },
            "child-jvm-stdout");
    t.setDaemon(true);
    t.start();
  }

  /**
   * Launches {@code mainClass} with the given JVM options and arguments.
   *
   * @param jvmOptions such as {@code -Xmx96m}
   * @param log where its standard error goes
   */
  public static ChildJvm launch(
      List<String> jvmOptions, Class<?> mainClass, List<String> args, File log) throws IOException {
    return launch(jvmOptions, mainClass, args, log, RabbitMqBroker.uri());
  }

  /** As {@link #launch(List, Class, List, File)}, with {@code REEF_AMQP_URI} set to {@code uri}. */
  public static ChildJvm launch(
      List<String> jvmOptions, Class<?> mainClass, List<String> args, File log, String uri)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass.getName());
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).redirectError(log);
    pb.environment().put("REEF_AMQP_URI", uri);
    return new ChildJvm(pb.start());
  }

  public void tell(String line) throws IOException {
    OutputStream out = process.getOutputStream();
    out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  public boolean printed(String prefix) {
    return lines.stream().anyMatch(l -> l.startsWith(prefix));
  }

  public List<String> starting(String prefix) {
    return lines.stream().filter(l -> l.startsWith(prefix)).collect(Collectors.toList());
  }
}
