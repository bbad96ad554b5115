package dev.reef.amqp.test;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A RabbitMQ cluster of extra local nodes ({@link LocalRabbitNode}s, beside the machine's broker,
 * which it never touches), as a JUnit 5 extension: before the class's tests it starts the nodes at
 * once, then joins every other node to the first ({@code rabbitmqctl stop_app; reset; join_cluster;
 * start_app}); after them it stops every node it started, by process id, also when a test failed.
 * Tests kill ({@code kill -9} of the beam) and restart single nodes with {@link #kill(int)} and
 * {@link #restart(int)}; a restarted node rejoins the cluster by itself (it keeps its data).
 *
 * <p>Use {@code @RegisterExtension static final LocalRabbitCluster CLUSTER =
 * LocalRabbitCluster.of("hare", 3);}. Not thread-safe: one test thread drives it.
 */
public final class LocalRabbitCluster implements BeforeAllCallback, AfterAllCallback {
  private final List<LocalRabbitNode> nodes;
  private final LocalRabbitNodes all;

  private LocalRabbitCluster(List<LocalRabbitNode> nodes) {
    this.nodes = List.copyOf(nodes);
    this.all = new LocalRabbitNodes(nodes.toArray(new LocalRabbitNode[0]));
  }

  /**
   * A cluster (not started yet) of nodes named {@code <prefix>1}, {@code <prefix>2}, ...
   *
   * @param prefix letters and digits, e.g. {@code hare}
   * @param size 1 to 5 nodes
   * @return the cluster
   */
  public static LocalRabbitCluster of(String prefix, int size) {
    if (size < 1 || size > 5) {
      throw new IllegalArgumentException("1..5 nodes, was " + size);
    }
    List<LocalRabbitNode> nodes = new ArrayList<>();
    for (int i = 1; i <= size; i++) {
      nodes.add(LocalRabbitNode.named(prefix + i));
    }
    return new LocalRabbitCluster(nodes);
  }

  /**
   * The nodes, in order (the first is the one the others joined).
   *
   * @return the nodes
   */
  public List<LocalRabbitNode> nodes() {
    return nodes;
  }

  /**
   * One node.
   *
   * @param index 0-based
   * @return the node
   */
  public LocalRabbitNode node(int index) {
    return nodes.get(index);
  }

  /**
   * Every node's AMQP address, for {@code AmqpBackend.Builder.addresses(...)}.
   *
   * @return {@code 127.0.0.1:<port>} per node
   */
  public String[] addresses() {
    return nodes.stream().map(n -> "127.0.0.1:" + n.port()).toArray(String[]::new);
  }

  /** Starts every node at once and clusters them with the first; see the class comment. */
  public void start() {
    all.startAll();
    for (int i = 1; i < nodes.size(); i++) {
      nodes.get(i).joinCluster(nodes.get(0));
    }
  }

  /** Stops every node (never throws; reports failures on standard error). */
  public void stop() {
    all.stopAll();
  }

  /**
   * Kills a node's beam process with SIGKILL (a crash).
   *
   * @param index 0-based
   */
  public void kill(int index) {
    nodes.get(index).kill();
  }

  /**
   * Restarts a killed or stopped node and waits until it has booted (and rejoined).
   *
   * @param index 0-based
   */
  public void restart(int index) {
    nodes.get(index).start();
  }

  /**
   * Waits until a running node reports every node of the cluster running (a restarted node is
   * booted before the others count it; a quorum queue declared before then gets fewer members).
   *
   * @param timeout how long to wait
   * @throws IllegalStateException if they are not all running in time
   */
  public void awaitAllRunning(java.time.Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      for (LocalRabbitNode n : nodes) {
        if (n.isRunning()) {
          last = n.ctl("cluster_status", "--formatter", "json");
          int at = last.indexOf("\"running_nodes\"");
          String running = at < 0 ? "" : last.substring(at, last.indexOf(']', at) + 1);
          if (nodes.stream().allMatch(m -> running.contains("\"" + m.node() + "\""))) {
            return;
          }
          break;
        }
      }
      try {
        Thread.sleep(500); // test support: the cluster's view has no event to wait on
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
    throw new IllegalStateException("not every node of " + this + " runs: " + last);
  }

  /**
   * The members of a quorum queue, asked of a running node.
   *
   * @param queue the queue name
   * @return how many nodes hold a replica (0 if unknown)
   */
  public int membersOf(String queue) {
    for (LocalRabbitNode n : nodes) {
      if (!n.isRunning()) {
        continue;
      }
      String out = n.ctl("list_queues", "--quiet", "--no-table-headers", "name", "members");
      for (String line : out.split("\n")) {
        if (line.trim().startsWith(queue + "\t") || line.trim().startsWith(queue + " ")) {
          return (int) nodes.stream().filter(m -> line.contains(m.node())).count();
        }
      }
      return 0;
    }
    return 0;
  }

  /**
   * The index of the node that runs a queue's leader (quorum) or the queue itself (classic), asked
   * of a running node.
   *
   * @param queue the queue name
   * @return 0-based index, or -1 if no running node knows the queue
   */
  public int leaderOf(String queue) {
    for (LocalRabbitNode n : nodes) {
      if (!n.isRunning()) {
        continue;
      }
      String out = n.ctl("list_queues", "--quiet", "--no-table-headers", "name", "leader", "pid");
      for (String line : out.split("\n")) {
        String[] cols = line.trim().split("\\s+");
        if (cols.length >= 2 && cols[0].equals(queue)) {
          return indexOfNodeIn(line.substring(cols[0].length()));
        }
      }
      return -1;
    }
    return -1;
  }

  /**
   * The index of the node a client connection with this client-provided name is connected to.
   *
   * @param connectionName the name the client gave (e.g. {@code AmqpBackend}'s connectionName)
   * @return 0-based index, or -1 if no running node lists it
   */
  public int nodeOfConnection(String connectionName) {
    String port = connectionInfo(connectionName, "port");
    for (int i = 0; i < nodes.size(); i++) {
      if (Integer.toString(nodes.get(i).port()).equals(port)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * One item of {@code rabbitmqctl list_connections} for the client connection with this
   * client-provided name, asked of a running node.
   *
   * @param connectionName the name the client gave
   * @param item an item without spaces in its value, e.g. {@code port} or {@code channels}
   * @return the value, or null if no running node lists the connection
   */
  public String connectionInfo(String connectionName, String item) {
    for (LocalRabbitNode n : nodes) {
      if (!n.isRunning()) {
        continue;
      }
      String out =
          n.ctl("list_connections", "--quiet", "--no-table-headers", item, "client_properties");
      for (String line : out.split("\n")) {
        if (line.contains("\"" + connectionName + "\"")) {
          return line.trim().split("\\s+")[0];
        }
      }
      return null;
    }
    return null;
  }

  private int indexOfNodeIn(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    for (int i = 0; i < nodes.size(); i++) {
      if (lower.contains(nodes.get(i).node().toLowerCase(Locale.ROOT))) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    try {
      start();
    } catch (RuntimeException e) {
      stop();
      throw e;
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    stop();
  }

  @Override
  public String toString() {
    return "LocalRabbitCluster" + nodes;
  }
}
