package dev.reef.amqp;

import dev.reef.directory.AgentCard;
import dev.reef.directory.AgentDirectory;
import dev.reef.directory.DirectoryEntry;
import dev.reef.directory.DirectoryEventType;
import dev.reef.directory.DirectoryOptions;
import dev.reef.directory.DirectoryQuery;
import dev.reef.directory.Registration;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A directory process for {@link CrossJvmDirectoryIT}, launched as a separate JVM on the broker of
 * {@code REEF_AMQP_URI}. Usage: {@code CrossJvmDirectoryAgent <role> <channel> <leaseMillis>}.
 *
 * <ul>
 *   <li>{@code analyst}: registers {@code analyst} (kind {@code llm.analyst}, capability {@code
 *       risk}), prints {@code READY <instance>} and renews its lease until killed or told {@code
 *       quit};
 *   <li>{@code observer}: prints what discovery by kind {@code llm} and by capability {@code risk}
 *       finds ({@code KIND}, {@code CAP}, {@code CARD} lines), then {@code READY}, then one line
 *       per event of {@code analyst}: {@code JOINED <instance>} or {@code LEFT <instance>}.
 * </ul>
 */
public final class CrossJvmDirectoryAgent {
  private CrossJvmDirectoryAgent() {}

  /**
   * Runs one process.
   *
   * @param args role, channel and lease in milliseconds
   * @throws Exception on failure (the process exits non-zero)
   */
  public static void main(String[] args) throws Exception {
    String role = args[0];
    String channel = args[1];
    DirectoryOptions options =
        DirectoryOptions.withLease(Duration.ofMillis(Long.parseLong(args[2])));
    AmqpDirectoryStore store =
        AmqpDirectoryStore.builder().uri(System.getenv("REEF_AMQP_URI")).build();
    try (AgentDirectory directory = AgentDirectory.create(store, options)) {
      if (role.equals("analyst")) {
        Registration reg =
            directory.register(
                channel,
                AgentCard.builder("analyst")
                    .kind("llm.analyst")
                    .capabilities("risk")
                    .version("1.0")
                    .metadata(Map.of("jvm", ProcessHandle.current().pid()))
                    .build());
        print("READY " + reg.instanceId());
      } else if (role.equals("observer")) {
        print("KIND " + names(directory.discover(channel, DirectoryQuery.kind("llm"))));
        print("CAP " + names(directory.discover(channel, DirectoryQuery.capability("risk"))));
        directory
            .lookup(channel, "analyst")
            .ifPresent(
                e ->
                    print(
                        "CARD "
                            + e.card().kind()
                            + " "
                            + e.card().capabilities()
                            + " "
                            + e.state()
                            + " instances="
                            + e.instances().stream()
                                .map(i -> i.id())
                                .collect(Collectors.toList())));
        directory.watch(
            channel,
            e -> {
              if (e.agent().equals("analyst") && e.type() != DirectoryEventType.CHANGED) {
                print(e.type() + " " + e.instance().id());
              }
            });
        print("READY");
      } else {
        throw new IllegalArgumentException("unknown role " + role);
      }
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null && !line.equals("quit")) {
        // wait
      }
    }
    print("BYE");
  }

  private static List<String> names(List<DirectoryEntry> entries) {
    return entries.stream().map(DirectoryEntry::name).collect(Collectors.toList());
  }

  private static void print(String line) {
    synchronized (System.out) {
      System.out.println(line);
      System.out.flush();
    }
  }
}
