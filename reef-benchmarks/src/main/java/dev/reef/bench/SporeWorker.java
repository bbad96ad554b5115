package dev.reef.bench;

import dev.reef.Reef;
import dev.reef.ReefOptions;
import dev.reef.amqp.AmqpBackend;
import dev.reef.amqp.MailboxType;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One producer or consumer JVM of {@link MultiJvmCurves}, driven line by line on standard input; it
 * answers on standard output (logs go to standard error).
 *
 * <pre>
 * SporeWorker consumer URI ADDRESSES|- CHANNEL TYPE CONNECTION AGENT
 *   prints READY once AGENT is subscribed (a mailbox of TYPE, classic or quorum);
 *   EXPECT n   prints "DONE epoch-ms" once n spores in all have been handled (at once if so)
 *   STOP       closes the reef, prints BYE and exits
 * SporeWorker producer URI ADDRESSES|- CHANNEL TYPE CONNECTION AGENT[,AGENT...]
 *   prints READY once connected;
 *   GO n       sends n spores round-robin to the agents, waits for every confirm, prints "SENT n"
 *   STOP       as above
 * </pre>
 */
public final class SporeWorker {
  private SporeWorker() {}

  /**
   * Runs one worker.
   *
   * @param args see the class comment
   * @throws Exception on failure (the coordinator sees the JVM exit)
   */
  public static void main(String[] args) throws Exception {
    BenchmarkMain.quietLogging();
    if (args.length != 7) {
      throw new IllegalArgumentException("usage: see the class comment");
    }
    String role = args[0];
    String channel = args[3];
    MailboxType type = MailboxType.valueOf(args[4]);
    AmqpBackend.Builder b =
        AmqpBackend.builder()
            .uri(URI.create(args[1]))
            .connectionName(args[5])
            .mailboxType(channel, type);
    if (!args[2].equals("-")) {
      b.addresses(args[2].split(","));
    }
    if (type == MailboxType.QUORUM) {
      b.deadLetterQueueType(
          MailboxType.QUORUM); // a classic one dies with its node (reliability.md)
    }
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    try (Reef reef = Reef.create(b.build(), ReefOptions.custom().defaultChannel(channel).build())) {
      if (role.equals("consumer")) {
        consume(reef, args[6], in);
      } else if (role.equals("producer")) {
        produce(reef, Arrays.asList(args[6].split(",")), in);
      } else {
        throw new IllegalArgumentException("role: consumer or producer, not " + role);
      }
    }
    System.out.println("BYE");
    System.out.flush();
  }

  private static void consume(Reef reef, String agent, BufferedReader in) throws Exception {
    AtomicLong handled = new AtomicLong();
    AtomicLong expected = new AtomicLong(Long.MAX_VALUE);
    AtomicLong reported = new AtomicLong(Long.MAX_VALUE);
    reef.subscribe(
        agent,
        s -> {
          handled.incrementAndGet();
          maybeDone(handled, expected, reported);
        });
    System.out.println("READY");
    System.out.flush();
    String line;
    while ((line = in.readLine()) != null && !line.equals("STOP")) {
      if (line.startsWith("EXPECT ")) {
        expected.set(Long.parseLong(line.substring(7).trim()));
        maybeDone(handled, expected, reported);
      }
    }
  }

  /** Prints DONE once per expected count, when the handled spores reach it. */
  private static void maybeDone(AtomicLong handled, AtomicLong expected, AtomicLong reported) {
    long e = expected.get();
    if (handled.get() >= e && reported.getAndSet(e) != e) {
      System.out.println("DONE " + System.currentTimeMillis());
      System.out.flush();
    }
  }

  private static void produce(Reef reef, List<String> agents, BufferedReader in) throws Exception {
    System.out.println("READY");
    System.out.flush();
    String line;
    int seq = 0;
    while ((line = in.readLine()) != null && !line.equals("STOP")) {
      if (line.startsWith("GO ")) {
        int n = Integer.parseInt(line.substring(3).trim());
        List<CompletableFuture<?>> sent = new ArrayList<>(n);
        for (int i = 0; i < n; i++, seq++) {
          sent.add(reef.send("producer", agents.get(i % agents.size()), Map.of("i", seq)));
        }
        CompletableFuture.allOf(sent.toArray(new CompletableFuture<?>[0])).get(5, TimeUnit.MINUTES);
        System.out.println("SENT " + n);
        System.out.flush();
      }
    }
  }
}
