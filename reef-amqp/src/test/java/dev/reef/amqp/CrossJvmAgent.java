package dev.reef.amqp;

import dev.reef.Reef;
import dev.reef.ReefOptions;
import dev.reef.Spore;
import dev.reef.SporeType;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * An agent process for {@link CrossJvmIT}, launched as a separate JVM. The broker comes from {@code
 * REEF_AMQP_URI} through {@link Reef#fromEnvironment(ReefOptions)} (so this also proves the backend
 * is picked by configuration). It prints {@code READY} once subscribed, one line per event, and
 * exits when its standard input says {@code quit} or closes.
 *
 * <p>Usage: {@code CrossJvmAgent <role> <channel>} with role {@code alice} (sends, broadcasts and
 * asks bob when told {@code go}), {@code bob} (answers requests, greets broadcasters back) or
 * {@code worker} (handles spores sent to the shared agent {@code worker}).
 */
public final class CrossJvmAgent {
  private CrossJvmAgent() {}

  /**
   * Runs one agent.
   *
   * @param args role and channel
   * @throws Exception on failure (the process exits non-zero)
   */
  public static void main(String[] args) throws Exception {
    String role = args[0];
    String channel = args[1];
    ReefOptions options = ReefOptions.custom().defaultChannel(channel).build();
    try (Reef reef = Reef.fromEnvironment(options)) {
      switch (role) {
        case "bob":
          reef.subscribe(
              "bob",
              s -> {
                print("RECV " + s.type().wireName() + " " + s.fromAgent() + " " + s.knowledge());
                if (s.type() == SporeType.REQUEST) {
                  int n = ((Number) s.knowledge().get("n")).intValue();
                  reef.reply(s, "bob", Map.of("answer", n * 2)).join();
                } else if (!s.isDirected() && s.fromAgent().equals("alice")) {
                  reef.broadcast("bob", Map.of("text", "hi-from-bob")).join();
                }
              });
          break;
        case "alice":
          reef.subscribe(
              "alice",
              s ->
                  print("RECV " + s.type().wireName() + " " + s.fromAgent() + " " + s.knowledge()));
          break;
        case "worker":
          reef.subscribe("worker", s -> print("HANDLED " + s.knowledge().get("n")));
          break;
        default:
          throw new IllegalArgumentException("unknown role " + role);
      }
      print("READY " + reef.getClass().getSimpleName());
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null && !line.equals("quit")) {
        if (line.equals("go") && role.equals("alice")) {
          for (int i = 0; i < 5; i++) {
            reef.send("alice", "bob", Map.of("text", "k" + i)).join();
          }
          reef.broadcast("alice", Map.of("text", "hello-from-alice")).join();
          Spore answer = reef.ask("alice", "bob", Map.of("n", 21), Duration.ofSeconds(20)).join();
          print("ASKED " + answer.knowledge().get("answer") + " replyTo=" + answer.replyTo());
        }
      }
      reef.awaitIdle(Duration.ofSeconds(5));
    }
    print("BYE");
  }

  private static void print(String line) {
    synchronized (System.out) {
      System.out.println(line);
      System.out.flush();
    }
  }
}
