package dev.reef.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reef.amqp.MailboxType;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The cost-curve tables: medians, spread, ratio, missing readings (no broker, no timing). */
class CurveTableTest {

  @Test
  void aRowShowsMediansSpreadAndTheRatioOfTheMedians() {
    CurveTable t = new CurveTable();
    CurveTable.Row r = t.row("agents on one channel", 1000);
    r.add(false, new double[] {1400, 220, 700});
    r.add(true, new double[] {1000, 200, 650});
    r.add(true, new double[] {1600, 210, 640});
    r.add(false, new double[] {1500, 230, 720});
    r.add(false, new double[] {1475, 222, 714});
    r.add(true, new double[] {1250, 190, 600});

    assertThat(r.ratio()).isEqualTo(1475.0 / 1250);
    assertThat(Arrays.asList(t.markdown().split("\n")))
        .hasSize(3)
        .last()
        .isEqualTo(
            "| agents on one channel | 1,000 | 1,475 (1,400–1,500) | 1,250 (1,000–1,600) | 1.18"
                + " | 222 / 200 | 714 / 640 |");
  }

  @Test
  void missingSidesAndReadingsAreNotApplicableNotZero() {
    CurveTable t = new CurveTable();
    t.row("quorum mailbox, 1 agent", 1).add(false, new double[] {2470, 86, Double.NaN});
    assertThat(t.markdown())
        .contains("| quorum mailbox, 1 agent | 1 | 2,470 | n/a | n/a | 86 / n/a | n/a / n/a |");
  }

  @Test
  void theCurvesAreTheMediansByShapeInTheOrderOfTheRows() {
    CurveTable t = new CurveTable();
    for (int n : new int[] {1, 10, 100}) {
      CurveTable.Row r = t.row("channels", n);
      r.add(false, new double[] {n * 10, 1, 1});
      r.add(false, new double[] {n * 30, 1, 1});
      r.add(false, new double[] {n * 20, 1, 1});
      r.add(true, new double[] {n, 1, 1});
    }
    t.row("reef only", 1).add(false, new double[] {5, 1, 1});
    assertThat(t.curves(false))
        .containsExactly(
            Map.entry("channels", Map.of(1, 20.0, 10, 200.0, 100, 2000.0)),
            Map.entry("reef only", Map.of(1, 5.0)));
    assertThat(t.curves(false).get("channels").keySet()).containsExactly(1, 10, 100);
    assertThat(t.curves(true)).containsOnlyKeys("channels");
  }

  @Test
  void theBrokerListingGivesTheChannelsOfEachOfTheBackendsConnections() {
    String listing =
        String.join(
            "\n",
            "channels\tclient_properties",
            "1\t[{\"connection_name\",\"reef-bench-raw-pub\"},{\"product\",\"RabbitMQ\"}]",
            "33\t[{\"connection_name\",\"scale-footprint-ab-consumers\"},{\"version\",\"5\"}]",
            "4\t[{\"connection_name\",longstr,\"scale-footprint-ab\"}]",
            "garbage");
    assertThat(ScaleCurves.parseChannels(listing, "scale-footprint-ab"))
        .containsExactly(
            Map.entry("scale-footprint-ab-consumers", 33), Map.entry("scale-footprint-ab", 4));
  }

  @Test
  void multiJvmPointsAreParsedAndTabulated() {
    assertThat(MultiJvmCurves.parsePoints("1x1, 2x4"))
        .extracting(p -> p[0] + "x" + p[1])
        .containsExactly("1x1", "2x4");
    assertThatThrownBy(() -> MultiJvmCurves.parsePoints("5x1"))
        .isInstanceOf(IllegalArgumentException.class);
    Series s = new Series(true);
    s.add(900);
    s.add(1100);
    s.add(1000);
    String table =
        MultiJvmCurves.table(
            List.of(new MultiJvmCurves.Point("3-node cluster", MailboxType.QUORUM, 2, 4, s)));
    assertThat(table)
        .contains("| 3-node cluster | quorum | 2 | 4 | 1,000 (900–1,100) | 900 1,100 1,000 |");
  }
}
