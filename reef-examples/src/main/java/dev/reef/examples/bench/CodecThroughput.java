package dev.reef.examples.bench;

import dev.reef.Spore;
import dev.reef.SporeType;
import dev.reef.codec.SporeCodec;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Measures {@link SporeCodec} on one thread: whole spores (encode, decode) and knowledge bodies
 * (the AMQP message body: encode, decode) for a spore with about 1 KB of knowledge. Prints
 * operations per second after a warm-up; asserts nothing.
 *
 * <p>Run: {@code java -cp ... dev.reef.examples.bench.CodecThroughput [iterations]} (default
 * 200,000 per measurement).
 */
public final class CodecThroughput {
  private CodecThroughput() {}

  /**
   * Runs the benchmark.
   *
   * @param args optional: iterations per measurement
   */
  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    SporeCodec codec = SporeCodec.ofDefaults();
    Map<String, Object> knowledge = new LinkedHashMap<>();
    knowledge.put("question", "What is the state of the coral reef near station 7?");
    knowledge.put("n", 17);
    knowledge.put("score", 0.875);
    knowledge.put("tags", List.of("reef", "coral", "station-7", "survey"));
    knowledge.put("text", "Grüße aus Köln — ".repeat(40));
    knowledge.put("nested", Map.of("a", 1, "b", List.of(1.5, 2.5, 3.5), "c", true));
    Spore spore =
        Spore.builder()
            .type(SporeType.REQUEST)
            .fromAgent("alice")
            .toAgent("bob")
            .knowledge(knowledge)
            .expiresIn(Duration.ofMinutes(1))
            .priority(7)
            .traceId("4bf92f3577b34da6a3ce929d0e0e4736")
            .build();
    byte[] doc = codec.encode(spore);
    byte[] body = codec.encodeKnowledge(spore.knowledge());
    System.out.printf(
        Locale.ROOT,
        "codec throughput, one thread: spore document %d bytes, knowledge body %d bytes%n",
        doc.length,
        body.length);
    for (int round = 0; round < 2; round++) {
      String label = round == 0 ? "warm-up" : "measured";
      report(label, "encode spore", n, () -> codec.encode(spore));
      report(label, "decode spore", n, () -> codec.decode(doc));
      report(label, "encode body", n, () -> codec.encodeKnowledge(knowledge));
      report(label, "decode body", n, () -> codec.decodeKnowledge(body));
    }
  }

  private static void report(String label, String what, int n, Runnable op) {
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      op.run();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        Locale.ROOT,
        "%-8s %-13s %,12.0f ops/s  (%.2f µs/op)%n",
        label,
        what,
        n / seconds,
        seconds * 1e6 / n);
  }
}
