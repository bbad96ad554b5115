package dev.reef.bench;

import com.rabbitmq.client.AMQP;
import dev.reef.Spore;
import dev.reef.SporeType;
import dev.reef.amqp.HeaderLayout;
import dev.reef.amqp.internal.MalformedWireException;
import dev.reef.amqp.internal.SporeWireMapper;
import java.time.Duration;
import java.time.Instant;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The AMQP mapping of a spore: spore to message (routing key, properties, headers, JSON body) and
 * back, for both header layouts, with the 1 KB knowledge of the end-to-end benchmark, through
 * reef-amqp's internal (not API) {@link SporeWireMapper}, the backend's own mapper. Run with {@code
 * java -jar reef-benchmarks/target/reef-benchmarks.jar jmh AmqpCodec}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AmqpCodecBenchmark {
  /** The header layout written. */
  @Param({"REEF", "PRAVAL"})
  public HeaderLayout layout;

  private final SporeWireMapper mapper = new SporeWireMapper();
  private Spore spore;
  private Instant now;
  private String routingKey;
  private AMQP.BasicProperties properties;
  private byte[] body;

  /** Builds the spore and its encoded form. */
  @Setup
  public void setUp() {
    spore =
        Spore.builder()
            .type(SporeType.KNOWLEDGE)
            .fromAgent("tx")
            .toAgent("rx")
            .knowledge(knowledge())
            .expiresIn(Duration.ofMinutes(1))
            .build();
    now = Instant.now();
    SporeWireMapper.Outgoing out = mapper.encode(spore, layout, true, now);
    routingKey = out.routingKey();
    properties = out.properties();
    body = out.body();
  }

  static Map<String, Object> knowledge() {
    Map<String, Object> k = new LinkedHashMap<>();
    k.put("topic", "benchmark");
    k.put("confidence", 0.87);
    k.put("tags", List.of("alpha", "beta", "gamma"));
    k.put("count", 42);
    k.put("text", "The quick brown fox jumps over the lazy dog. ".repeat(20).substring(0, 900));
    return Collections.unmodifiableMap(k);
  }

  /**
   * Spore to AMQP message.
   *
   * @return the message
   */
  @Benchmark
  public Object encode() {
    return mapper.encode(spore, layout, true, now);
  }

  /**
   * AMQP message to spore.
   *
   * @return the spore
   * @throws MalformedWireException never for this message
   */
  @Benchmark
  public Spore decode() throws MalformedWireException {
    return mapper.read(routingKey, properties, body, Long.MAX_VALUE);
  }

  /**
   * Both ways.
   *
   * @return the spore
   * @throws MalformedWireException never for this message
   */
  @Benchmark
  public Spore roundTrip() throws MalformedWireException {
    SporeWireMapper.Outgoing out = mapper.encode(spore, layout, true, now);
    return mapper.read(out.routingKey(), out.properties(), out.body(), Long.MAX_VALUE);
  }
}
