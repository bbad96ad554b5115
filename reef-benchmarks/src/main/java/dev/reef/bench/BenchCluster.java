package dev.reef.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A three-node RabbitMQ cluster of extra local nodes for {@link MultiJvmCurves}, started and
 * clustered through {@code .ci/rabbit-node.sh} (which never touches the machine's own node on 5672:
 * other node names, ports, data and configuration). Each node gets free AMQP and Erlang
 * distribution ports and its data under a folder of this run; {@link #close()} stops every node it
 * started (the script's stop, by the node's pid), then kills by the pid recorded at start any that
 * still runs.
 */
final class BenchCluster implements AutoCloseable {
  private final Path script;
  private final Path dir;
  private final List<String> names = new ArrayList<>();
  private final List<Integer> ports = new ArrayList<>();
  private final List<Long> pids = new ArrayList<>();

  private BenchCluster(Path script, Path dir) {
    this.script = script;
    this.dir = dir;
  }

  /**
   * Starts {@code size} nodes named {@code <prefix>1..} and joins them to the first.
   *
   * @param script {@code .ci/rabbit-node.sh}
   * @param prefix node names' prefix (letters and digits, unique to the run)
   */
  static BenchCluster start(Path script, String prefix, int size) throws Exception {
    Path dir = Files.createTempDirectory("reef-bench-nodes-");
    dir.toFile().setExecutable(true, false); // the rabbitmq user must reach its node's folder
    dir.toFile().setReadable(true, false);
    BenchCluster c = new BenchCluster(script, dir);
    try {
      Set<Integer> taken = new HashSet<>();
      for (int i = 1; i <= size; i++) {
        String name = prefix + i;
        int port = freePort(taken);
        int dist = freePort(taken);
        c.run("start", name, "--port", "" + port, "--dist-port", "" + dist, "--fresh");
        c.names.add(name);
        c.ports.add(port);
        c.pids.add(c.pid(name).orElse(-1L));
      }
      for (int i = 1; i < size; i++) {
        c.run("join", c.names.get(i), "--to", c.names.get(0));
      }
      return c;
    } catch (Exception e) {
      c.close();
      throw e;
    }
  }

  /** A URI of node i (0-based). */
  String uri(int i) {
    return "amqp://guest:guest@127.0.0.1:" + ports.get(i) + "/%2F";
  }

  /** {@code 127.0.0.1:<port>} of every node, node i first. */
  String addresses(int first) {
    List<String> a = new ArrayList<>();
    for (int k = 0; k < ports.size(); k++) {
      a.add("127.0.0.1:" + ports.get((first + k) % ports.size()));
    }
    return String.join(",", a);
  }

  int size() {
    return ports.size();
  }

  /** A random free port in 40000–49999, avoiding those taken and rabbitmqctl's 35672–35682. */
  private static int freePort(Set<Integer> taken) throws IOException {
    for (int attempt = 0; attempt < 200; attempt++) {
      int p = 40_000 + ThreadLocalRandom.current().nextInt(10_000);
      if (taken.contains(p)) {
        continue;
      }
      try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getLoopbackAddress())) {
        taken.add(s.getLocalPort());
        return p;
      } catch (IOException e) {
        // in use
      }
    }
    throw new IOException("no free port in 40000-49999");
  }

  private Optional<Long> pid(String name) throws Exception {
    String out = run(false, "status", name);
    int at = out.indexOf("pid=");
    if (at < 0) {
      return Optional.empty();
    }
    return Optional.of(Long.parseLong(out.substring(at + 4).split("\\s")[0]));
  }

  private String run(String... args) throws Exception {
    return run(true, args);
  }

  private String run(boolean check, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("bash", script.toString()));
    cmd.add(args[0]);
    cmd.add(args[1]);
    cmd.add("--dir");
    cmd.add(dir.toString());
    for (int i = 2; i < args.length; i++) {
      cmd.add(args[i]);
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(3, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", cmd) + " did not finish");
    }
    if (check && p.exitValue() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed: " + out);
    }
    return out;
  }

  /** Stops the nodes; idempotent (a second call finds them stopped). */
  @Override
  public synchronized void close() {
    for (int i = names.size() - 1; i >= 0; i--) {
      try {
        run("stop", names.get(i));
      } catch (Exception e) {
        System.err.println("stopping " + names.get(i) + ": " + e.getMessage());
      }
    }
    for (long pid : pids) {
      ProcessHandle.of(pid)
          .filter(h -> h.info().command().orElse("").endsWith("beam.smp"))
          .ifPresent(
              h -> {
                System.err.println("node pid " + pid + " still runs: killing it");
                h.destroyForcibly();
              });
    }
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("left the nodes' data in " + dir + ": " + e.getMessage());
    }
  }
}
