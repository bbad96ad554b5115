package dev.reef.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The figures of a run: printed as a table, written as markdown and CSV. */
final class ResultTable {

  /**
   * One line of the table: a measurement of Reef against a baseline (raw client, or nothing).
   *
   * @param section benchmark section
   * @param metric what is measured
   * @param unit the unit of the values
   * @param baselineName what the baseline is ("raw", "-")
   * @param baseline the baseline's values, or null
   * @param reefName which Reef configuration
   * @param reef Reef's values
   * @param target the target, in words, or ""
   * @param targetRatio the ratio reef/baseline the target asks for, or NaN
   * @param absoluteTarget an absolute target for Reef's median, or NaN
   */
  record Row(
      String section,
      String metric,
      String unit,
      String baselineName,
      Series baseline,
      String reefName,
      Series reef,
      String target,
      double targetRatio,
      double absoluteTarget) {

    double ratio() {
      if (baseline == null || baseline.isEmpty() || reef.isEmpty()) {
        return Double.NaN;
      }
      return reef.median() / baseline.median();
    }

    /** Whether the target is met by the medians: "yes", "no" or "" when there is no target. */
    String verdict() {
      if (reef.isEmpty()) {
        return "not run";
      }
      boolean higher = reef.higherIsBetter();
      if (!Double.isNaN(targetRatio)) {
        double r = ratio();
        if (Double.isNaN(r)) {
          return "";
        }
        return (higher ? r >= targetRatio : r <= targetRatio) ? "yes" : "no";
      }
      if (!Double.isNaN(absoluteTarget)) {
        double m = reef.median();
        return (higher ? m >= absoluteTarget : m <= absoluteTarget) ? "yes" : "no";
      }
      return "";
    }
  }

  private final List<Row> rows = new ArrayList<>();
  private final Map<String, String> notes = new LinkedHashMap<>();

  void add(Row row) {
    rows.add(row);
  }

  void note(String key, String value) {
    notes.put(key, value);
  }

  List<Row> rows() {
    return rows;
  }

  private static String fmt(double v, String unit) {
    if (Double.isNaN(v)) {
      return "-";
    }
    if (unit.equals("count")) {
      return String.format(Locale.ROOT, "%.2f", v);
    }
    if (unit.equals("us")) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    if (unit.equals("ms")) {
      return String.format(Locale.ROOT, "%.3f", v);
    }
    if (unit.equals("MB")) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    return String.format(Locale.ROOT, "%,.0f", v);
  }

  private static String cell(Series s, String unit) {
    if (s == null || s.isEmpty()) {
      return "-";
    }
    if (s.size() == 1) {
      return fmt(s.median(), unit);
    }
    return fmt(s.median(), unit) + " (best " + fmt(s.best(), unit) + ")";
  }

  private static String ratio(Row r) {
    double v = r.ratio();
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f", v);
  }

  String markdown() {
    StringBuilder sb = new StringBuilder();
    sb.append(
        "| Section | Metric | Unit | Baseline | Baseline median (best) | Reef | Reef median (best)"
            + " | Ratio reef/baseline | Target | Met |\n");
    sb.append("|---|---|---|---|---:|---|---:|---:|---|---|\n");
    for (Row r : rows) {
      sb.append("| ")
          .append(
              String.join(
                  " | ",
                  r.section(),
                  r.metric(),
                  r.unit(),
                  r.baselineName(),
                  cell(r.baseline(), r.unit()),
                  r.reefName(),
                  cell(r.reef(), r.unit()),
                  ratio(r),
                  r.target().isEmpty() ? "-" : r.target(),
                  r.verdict().isEmpty() ? "-" : r.verdict()))
          .append(" |\n");
    }
    if (!notes.isEmpty()) {
      sb.append('\n');
      for (Map.Entry<String, String> e : notes.entrySet()) {
        sb.append("- ").append(e.getKey()).append(": ").append(e.getValue()).append('\n');
      }
    }
    return sb.toString();
  }

  String csv() {
    StringBuilder sb = new StringBuilder();
    sb.append(
        "section,metric,unit,baseline,baseline_median,baseline_best,baseline_rounds,reef,"
            + "reef_median,reef_best,reef_rounds,ratio,target,met\n");
    for (Row r : rows) {
      Series b = r.baseline();
      sb.append(
              String.join(
                  ",",
                  q(r.section()),
                  q(r.metric()),
                  q(r.unit()),
                  q(r.baselineName()),
                  num(b == null ? Double.NaN : b.median()),
                  num(b == null ? Double.NaN : b.best()),
                  q(b == null ? "" : b.rounds("%.3f")),
                  q(r.reefName()),
                  num(r.reef().median()),
                  num(r.reef().best()),
                  q(r.reef().rounds("%.3f")),
                  num(r.ratio()),
                  q(r.target()),
                  q(r.verdict())))
          .append('\n');
    }
    return sb.toString();
  }

  private static String num(double v) {
    return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.3f", v);
  }

  private static String q(String s) {
    if (s.contains(",") || s.contains("\"")) {
      return '"' + s.replace("\"", "\"\"") + '"';
    }
    return s;
  }

  /** A fixed-width table for the console. */
  String console() {
    List<String[]> lines = new ArrayList<>();
    lines.add(
        new String[] {
          "section",
          "metric",
          "unit",
          "baseline",
          "median (best)",
          "reef",
          "median (best)",
          "ratio",
          "target",
          "met"
        });
    for (Row r : rows) {
      lines.add(
          new String[] {
            r.section(),
            r.metric(),
            r.unit(),
            r.baselineName(),
            cell(r.baseline(), r.unit()),
            r.reefName(),
            cell(r.reef(), r.unit()),
            ratio(r),
            r.target(),
            r.verdict()
          });
    }
    int[] widths = new int[lines.get(0).length];
    for (String[] l : lines) {
      for (int i = 0; i < l.length; i++) {
        widths[i] = Math.max(widths[i], l[i].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (String[] l : lines) {
      for (int i = 0; i < l.length; i++) {
        sb.append(String.format(Locale.ROOT, "%-" + widths[i] + "s", l[i]));
        sb.append(i + 1 < l.length ? "  " : "\n");
      }
    }
    for (Map.Entry<String, String> e : notes.entrySet()) {
      sb.append("  ").append(e.getKey()).append(": ").append(e.getValue()).append('\n');
    }
    return sb.toString();
  }

  void write(Path dir, String header) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(
        dir.resolve("benchmark-results.md"), header + "\n" + markdown(), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("benchmark-results.csv"), csv(), StandardCharsets.UTF_8);
  }
}
