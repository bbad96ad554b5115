package dev.reef.bench.jmh;

import dev.reef.Spore;
import dev.reef.SporeType;
import dev.reef.codec.SporeCodec;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The JSON form of a whole spore ({@link SporeCodec}) and the cost of building (validating and
 * copying) a spore with 1 KB of knowledge. Run with {@code java -jar
 * reef-benchmarks/target/reef-benchmarks.jar jmh SporeJson}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SporeJsonBenchmark {
  private final SporeCodec codec = SporeCodec.ofDefaults();
  private Map<String, Object> knowledge;
  private Spore spore;
  private byte[] json;

  /** Builds the spore and its JSON. */
  @Setup
  public void setUp() {
    Map<String, Object> k = new LinkedHashMap<>();
    k.put("topic", "benchmark");
    k.put("confidence", 0.87);
    k.put("tags", List.of("alpha", "beta", "gamma"));
    k.put("count", 42);
    k.put("text", "The quick brown fox jumps over the lazy dog. ".repeat(20).substring(0, 900));
    knowledge = Collections.unmodifiableMap(k);
    spore = build();
    json = codec.encode(spore);
  }

  /**
   * Builds and validates a spore (what every send does before the backend sees it).
   *
   * @return the spore
   */
  @Benchmark
  public Spore build() {
    return Spore.builder()
        .type(SporeType.KNOWLEDGE)
        .fromAgent("tx")
        .toAgent("rx")
        .knowledge(knowledge)
        .expiresIn(Duration.ofMinutes(1))
        .build();
  }

  /**
   * Spore to JSON bytes.
   *
   * @return the JSON
   */
  @Benchmark
  public byte[] encode() {
    return codec.encode(spore);
  }

  /**
   * JSON bytes to spore.
   *
   * @return the spore
   */
  @Benchmark
  public Spore decode() {
    return codec.decode(json);
  }

  /**
   * Knowledge only, to JSON bytes (the AMQP body).
   *
   * @return the JSON
   */
  @Benchmark
  public byte[] encodeKnowledge() {
    return codec.encodeKnowledge(knowledge);
  }
}
