package dev.reef.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The rows of {@link ScaleCurves}: per shape (what, N) the rounds of Reef and of the raw client —
 * spores per second, client CPU and broker CPU per spore — printed as a Markdown table of medians
 * with their spread (min–max over the rounds) and the ratio of the medians, and handed to {@link
 * CostChart} as curves.
 */
final class CurveTable {
  /** One shape's measurements; a side's three series grow by one value per round. */
  static final class Row {
    final String what;
    final int n;
    final Series reefRate = new Series(true);
    final Series reefCpu = new Series(false);
    final Series reefBroker = new Series(false);
    final Series rawRate = new Series(true);
    final Series rawCpu = new Series(false);
    final Series rawBroker = new Series(false);

    Row(String what, int n) {
      this.what = what;
      this.n = n;
    }

    /** Adds a round of one side: [spores/s, client CPU µs/spore, broker CPU µs/spore]. */
    void add(boolean raw, double[] round) {
      (raw ? rawRate : reefRate).add(round[0]);
      (raw ? rawCpu : reefCpu).add(round[1]);
      (raw ? rawBroker : reefBroker).add(round[2]);
    }

    /** Reef's median rate over raw's, NaN without raw rounds. */
    double ratio() {
      return rawRate.isEmpty() ? Double.NaN : reefRate.median() / rawRate.median();
    }
  }

  private final List<Row> rows = new ArrayList<>();

  Row row(String what, int n) {
    Row r = new Row(what, n);
    rows.add(r);
    return r;
  }

  List<Row> rows() {
    return List.copyOf(rows);
  }

  /** The table: medians, spread and ratio; "n/a" where a side or a reading is missing. */
  String markdown() {
    StringBuilder s = new StringBuilder();
    s.append("| what | N | Reef spores/s: median (min–max) | raw spores/s: median (min–max) |")
        .append(
            " Reef/raw | client CPU µs/spore: Reef / raw | broker CPU µs/spore: Reef / raw |\n");
    s.append("|---|---:|---:|---:|---:|---:|---:|\n");
    for (Row r : rows) {
      s.append(
          String.format(
              Locale.ROOT,
              "| %s | %,d | %s | %s | %s | %s / %s | %s / %s |%n",
              r.what,
              r.n,
              rate(r.reefRate),
              rate(r.rawRate),
              Double.isNaN(r.ratio()) ? "n/a" : String.format(Locale.ROOT, "%.2f", r.ratio()),
              cpu(r.reefCpu),
              cpu(r.rawCpu),
              cpu(r.reefBroker),
              cpu(r.rawBroker)));
    }
    return s.toString();
  }

  static String rate(Series s) {
    if (s.isEmpty() || Double.isNaN(s.median())) {
      return "n/a";
    }
    if (s.size() == 1) {
      return String.format(Locale.ROOT, "%,.0f", s.median());
    }
    return String.format(Locale.ROOT, "%,.0f (%,.0f–%,.0f)", s.median(), s.min(), s.max());
  }

  private static String cpu(Series s) {
    return s.isEmpty() || Double.isNaN(s.median())
        ? "n/a"
        : String.format(Locale.ROOT, "%.0f", s.median());
  }

  /**
   * The median rates by shape, for the chart: {@code what → (N → spores/s)}, Reef's or raw's, in
   * the order the rows were added; a shape's point is left out when that side has no rounds.
   */
  Map<String, Map<Integer, Double>> curves(boolean raw) {
    Map<String, Map<Integer, Double>> c = new LinkedHashMap<>();
    for (Row r : rows) {
      Series s = raw ? r.rawRate : r.reefRate;
      if (!s.isEmpty()) {
        c.computeIfAbsent(r.what, k -> new LinkedHashMap<>()).put(r.n, s.median());
      }
    }
    return c;
  }
}
