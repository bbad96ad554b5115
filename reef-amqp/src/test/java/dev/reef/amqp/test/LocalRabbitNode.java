package dev.reef.amqp.test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An extra RabbitMQ node on this machine, beside the machine's own broker (which it never touches),
 * run by {@code .ci/rabbit-node.sh}: its own node name ({@code <name>-<suffix>@localhost}, the
 * suffix distinct per working copy), its own free ports (AMQP, Erlang distribution, optionally TLS)
 * on 127.0.0.1, its own data and logs under {@code target/rabbit-nodes/}. The first start of a node
 * in a JVM wipes what an earlier run left; later starts (after {@link #kill()} or {@link #stop()})
 * keep the node's data, as a restarted broker would.
 *
 * <p>As a JUnit 5 extension ({@code @RegisterExtension static final LocalRabbitNode NODE = ...}) it
 * starts the node before the class's tests and stops it after them, also when they fail; a node
 * that cannot start fails the tests (never skips them) with the script's output. Several nodes
 * started at once: {@link LocalRabbitNodes}. A JVM shutdown hook stops whatever is still running.
 *
 * <p>Needs {@code rabbitmq-server} installed (as {@code .ci/broker.sh} does) and, when run as root,
 * the {@code rabbitmq} user; the script's path can be set with the system property {@value
 * #SCRIPT_PROPERTY}. Not thread-safe: one test thread drives a node.
 */
public final class LocalRabbitNode implements BeforeAllCallback, AfterAllCallback {
  /** System property with the path of {@code rabbit-node.sh}; default: found upwards from here. */
  public static final String SCRIPT_PROPERTY = "reef.rabbitNodeScript";

  private static final long SCRIPT_TIMEOUT_SECONDS = 180;
  private static final int CLI_DIST_PORT_MIN = 35672;
  private static final int CLI_DIST_PORT_MAX = 35682;
  private static final Set<LocalRabbitNode> RUNNING = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  for (LocalRabbitNode n : RUNNING) {
                    n.stop();
                  }
                },
                "local-rabbit-node-stop"));
  }

  private final String name;
  private final Path baseDir;
  private Supplier<Path> tlsDir;
  private int port;
  private int distPort;
  private int tlsPort;
  private boolean startedOnce;

  private LocalRabbitNode(String name) {
    this.baseDir = Path.of("target", "rabbit-nodes").toAbsolutePath();
    // Node names are global on the machine (epmd): two working copies must not share one.
    this.name = name + "-" + Integer.toHexString(baseDir.toString().hashCode() & 0xffff);
  }

  /**
   * A node (not started yet) named {@code <name>-<suffix>@localhost}.
   *
   * @param name letters, digits, {@code _} and {@code -}; not {@code rabbit}
   * @return the node
   */
  public static LocalRabbitNode named(String name) {
    if (!name.matches("[A-Za-z0-9_-]+")) {
      throw new IllegalArgumentException("bad node name " + name);
    }
    return new LocalRabbitNode(name);
  }

  /**
   * Gives the node a TLS listener (verify_none: clients need no certificate) whose files come from
   * the folder the supplier returns, called once when the node first starts: {@code ca.pem}, {@code
   * server.pem}, {@code server.key} (as {@link TestCa#issueServer(String)} writes them).
   *
   * @param tlsDir the folder's supplier
   * @return this node
   */
  public LocalRabbitNode withTls(Supplier<Path> tlsDir) {
    this.tlsDir = Objects.requireNonNull(tlsDir, "tlsDir");
    return this;
  }

  /**
   * The Erlang node name.
   *
   * @return e.g. {@code reeftls-1a2b@localhost}
   */
  public String node() {
    return name + "@localhost";
  }

  /**
   * The AMQP port on 127.0.0.1 (chosen at the first start).
   *
   * @return the port
   */
  public int port() {
    return port;
  }

  /**
   * The TLS port on 127.0.0.1, 0 without {@link #withTls(Supplier)}.
   *
   * @return the port
   */
  public int tlsPort() {
    return tlsPort;
  }

  /**
   * The plain AMQP URI (guest/guest, which the node allows from loopback only).
   *
   * @return {@code amqp://guest:guest@127.0.0.1:<port>/%2F}
   */
  public String amqpUri() {
    return "amqp://guest:guest@127.0.0.1:" + port + "/%2F";
  }

  /**
   * The TLS URI for a host name that resolves to this machine.
   *
   * @param host e.g. {@code localhost}
   * @return {@code amqps://guest:guest@<host>:<tls port>/%2F}
   */
  public String amqpsUri(String host) {
    if (tlsPort == 0) {
      throw new IllegalStateException(node() + " has no TLS listener");
    }
    return "amqps://guest:guest@" + host + ":" + tlsPort + "/%2F";
  }

  /**
   * Starts the node and waits until it has booted; does nothing if it runs.
   *
   * @throws IllegalStateException with the script's output if it cannot start
   */
  public void start() {
    boolean fresh = !startedOnce;
    List<String> args = new ArrayList<>();
    try {
      if (fresh) {
        port = freePort();
        distPort = freePort();
        if (tlsDir != null) {
          tlsPort = freePort();
        }
      }
      args.addAll(List.of("--port", "" + port, "--dist-port", "" + distPort));
      if (tlsDir != null) {
        Path dir = Objects.requireNonNull(tlsDir.get(), "the TLS folder");
        args.addAll(List.of("--tls-port", "" + tlsPort, "--tls-dir", dir.toString()));
      }
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("cannot prepare the extra RabbitMQ node " + node(), e);
    }
    if (fresh) {
      args.add("--fresh");
    }
    RUNNING.add(this);
    String out = run("start", args);
    startedOnce = true;
    System.out.print(out);
  }

  /** Stops the node ({@code rabbitmqctl stop}, else by its process id); does nothing if stopped. */
  public void stop() {
    try {
      System.out.print(run("stop", List.of()));
      RUNNING.remove(this);
    } catch (IllegalStateException e) {
      System.err.println(e.getMessage());
    }
  }

  /**
   * Clusters this running node with another running node: {@code rabbitmqctl stop_app; reset;
   * join_cluster <other>; start_app} (this node's own data is dropped). Idempotent.
   *
   * @param other a node of this harness, running
   * @throws IllegalStateException with the script's output if it fails
   */
  public void joinCluster(LocalRabbitNode other) {
    System.out.print(run("join", List.of("--to", other.name)));
  }

  /** Kills the node's beam process with SIGKILL (a crash); {@link #start()} restarts it. */
  public void kill() {
    System.out.print(run("kill", List.of()));
  }

  /**
   * Whether the node's beam process runs.
   *
   * @return true if it runs
   */
  public boolean isRunning() {
    return script("status", List.of()).exitCode == 0;
  }

  /**
   * Runs {@code rabbitmqctl -n <node> args...} as the node's user.
   *
   * @param ctlArgs e.g. {@code "list_queues"}
   * @return its output
   * @throws IllegalStateException if it fails
   */
  public String ctl(String... ctlArgs) {
    List<String> args = new ArrayList<>(List.of("--"));
    args.addAll(List.of(ctlArgs));
    return run("ctl", args);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    stop();
  }

  @Override
  public String toString() {
    return node() + "{amqp=" + port + (tlsPort == 0 ? "" : ", amqps=" + tlsPort) + "}";
  }

  private String run(String command, List<String> args) {
    Result r = script(command, args);
    if (r.exitCode != 0) {
      throw new IllegalStateException(
          "rabbit-node.sh "
              + command
              + " "
              + name
              + " failed (exit "
              + r.exitCode
              + "); the extra RabbitMQ node "
              + node()
              + " is needed by this test, its files are in "
              + baseDir.resolve(name)
              + ":\n"
              + r.output);
    }
    return r.output;
  }

  private Result script(String command, List<String> args) {
    List<String> cmd = new ArrayList<>(List.of("bash", script().toString(), command, name));
    cmd.addAll(List.of("--dir", baseDir.toString()));
    cmd.addAll(args);
    try {
      Files.createDirectories(baseDir);
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      // The script's output is small; read it all, then wait (bounded).
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(SCRIPT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(-1, "timed out after " + SCRIPT_TIMEOUT_SECONDS + " s");
      }
      return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      return new Result(-1, "cannot run " + cmd + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, "interrupted");
    }
  }

  private static Path script() {
    String configured = System.getProperty(SCRIPT_PROPERTY);
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path s = d.resolve(".ci").resolve("rabbit-node.sh");
      if (Files.isRegularFile(s)) {
        return s;
      }
    }
    throw new IllegalStateException(
        "no .ci/rabbit-node.sh above "
            + Path.of("").toAbsolutePath()
            + "; set the system property "
            + SCRIPT_PROPERTY);
  }

  /**
   * A free port on the loopback address, outside the range RabbitMQ's CLI tools take for their own
   * Erlang distribution ({@value #CLI_DIST_PORT_MIN}..{@value #CLI_DIST_PORT_MAX}: the default
   * distribution port 25672 + 10000): a node listening there can fail to restart its listener after
   * {@code rabbitmqctl} borrowed the port.
   */
  private static int freePort() throws IOException {
    for (int attempt = 0; ; attempt++) {
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        int p = s.getLocalPort();
        if (p < CLI_DIST_PORT_MIN || p > CLI_DIST_PORT_MAX || attempt > 20) {
          return p;
        }
      }
    }
  }

  private record Result(int exitCode, String output) {}
}
