package dev.reef.bench;

import java.net.URI;
import java.nio.file.Path;

/**
 * The sizes and durations of one benchmark run. {@code --quick} shrinks every section so that the
 * whole run stays under about a minute.
 */
record BenchSettings(
    boolean quick,
    URI uri,
    Path outputDir,
    int rounds,
    int throughputMessages,
    int warmupMessages,
    int confirmWindow,
    int prefetch,
    int latencyRate,
    int latencySeconds,
    int askCalls,
    int askWarmup,
    int memoryMessages,
    int memoryLatencyRate,
    int memoryLatencySeconds,
    int memoryRounds) {

  static final String DEFAULT_URI = "amqp://guest:guest@127.0.0.1:5672";

  static BenchSettings of(boolean quick, URI uri, Path outputDir, Integer rounds) {
    if (quick) {
      return new BenchSettings(
          true,
          uri,
          outputDir,
          rounds != null ? rounds : 2,
          3_000,
          1_000,
          1_000,
          250,
          1_000,
          2,
          300,
          100,
          500_000,
          10_000,
          1,
          2);
    }
    return new BenchSettings(
        false,
        uri,
        outputDir,
        rounds != null ? rounds : 5,
        20_000,
        5_000,
        1_000,
        250,
        1_000,
        4,
        2_000,
        500,
        3_000_000,
        10_000,
        2,
        5);
  }
}
