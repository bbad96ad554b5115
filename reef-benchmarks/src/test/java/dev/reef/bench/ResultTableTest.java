package dev.reef.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The arithmetic and the verdicts of the results table (no broker, no timing). */
class ResultTableTest {

  private static Series of(boolean higherIsBetter, double... values) {
    Series s = new Series(higherIsBetter);
    for (double v : values) {
      s.add(v);
    }
    return s;
  }

  @Test
  void medianAndBestFollowTheDirectionOfTheMetric() {
    assertThat(of(true, 3, 1, 2).median()).isEqualTo(2);
    assertThat(of(true, 4, 1, 2, 3).median()).isEqualTo(2.5);
    assertThat(of(true, 3, 1, 2).best()).isEqualTo(3);
    assertThat(of(false, 3, 1, 2).best()).isEqualTo(1);
    assertThat(of(true).median()).isNaN();
  }

  @Test
  void ratioTargetsAreJudgedOnMediansInTheRightDirection() {
    ResultTable.Row throughput =
        new ResultTable.Row(
            "s",
            "m",
            "msg/s",
            "raw",
            of(true, 100, 100, 100),
            "reef",
            of(true, 89, 95, 91),
            "ratio >= 0.90",
            0.90,
            Double.NaN);
    assertThat(throughput.ratio()).isEqualTo(0.91);
    assertThat(throughput.verdict()).isEqualTo("yes");

    ResultTable.Row latency =
        new ResultTable.Row(
            "s",
            "p99",
            "ms",
            "raw",
            of(false, 1.0),
            "reef",
            of(false, 1.3),
            "ratio <= 1.25",
            1.25,
            Double.NaN);
    assertThat(latency.verdict()).isEqualTo("no");
  }

  @Test
  void absoluteTargetsAndMissingRunsAreReported() {
    ResultTable.Row memory =
        new ResultTable.Row(
            "in-memory",
            "directed",
            "spores/s",
            "-",
            null,
            "reef",
            of(true, 900_000, 1_100_000, 1_200_000),
            ">= 1,000,000/s",
            Double.NaN,
            1_000_000);
    assertThat(memory.verdict()).isEqualTo("yes");
    assertThat(memory.ratio()).isNaN();

    ResultTable.Row notRun =
        new ResultTable.Row(
            "s",
            "m",
            "msg/s",
            "raw",
            of(true, 1),
            "reef",
            of(true),
            "ratio >= 0.90",
            0.90,
            Double.NaN);
    assertThat(notRun.verdict()).isEqualTo("not run");
  }

  @Test
  void markdownAndCsvCarryEveryRowAndQuoteCommas() {
    ResultTable t = new ResultTable();
    t.add(
        new ResultTable.Row(
            "AMQP throughput",
            "1 KB, confirms",
            "msg/s",
            "raw",
            of(true, 10_000, 12_000),
            "reef",
            of(true, 11_000),
            "ratio >= 0.90",
            0.90,
            Double.NaN));
    t.note("machine", "2 cores");

    assertThat(t.markdown())
        .contains("| AMQP throughput | 1 KB, confirms | msg/s | raw | 11,000 (best 12,000) |")
        .contains("| 1.00 | ratio >= 0.90 | yes |")
        .contains("- machine: 2 cores");
    assertThat(t.csv().lines())
        .hasSize(2)
        .last()
        .asString()
        .startsWith("AMQP throughput,\"1 KB, confirms\",msg/s,raw,11000.000,12000.000,");
  }
}
