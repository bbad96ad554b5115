package dev.reef.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A hand-built SVG of {@link ScaleCurves}: spores/s (linear) against N (logarithmic), one color per
 * shape, Reef's curve solid and the raw client's dashed; no plotting library needed. Shapes with a
 * single point (classic against quorum) are left to the table.
 */
final class CostChart {
  private static final int W = 860;
  private static final int H = 440;
  private static final int LEFT = 80;
  private static final int RIGHT = 400;
  private static final int TOP = 40;
  private static final int BOTTOM = 50;
  private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"};

  /** The dash pattern of the raw client's curves. */
  static final String RAW_DASH = "6,4";

  private CostChart() {}

  /**
   * The chart.
   *
   * @param reef Reef's median rates by shape: {@code what → (N → spores/s)}
   * @param raw the raw client's, same keys (a shape missing here has no dashed curve)
   * @return a standalone SVG document
   */
  static String svg(Map<String, Map<Integer, Double>> reef, Map<String, Map<Integer, Double>> raw) {
    List<String> shapes = new ArrayList<>();
    double maxY = 1;
    int maxN = 10;
    for (Map.Entry<String, Map<Integer, Double>> e : reef.entrySet()) {
      if (e.getValue().size() < 2) {
        continue;
      }
      shapes.add(e.getKey());
      for (Map<Integer, Double> curve :
          List.of(e.getValue(), raw.getOrDefault(e.getKey(), Map.of()))) {
        for (Map.Entry<Integer, Double> p : curve.entrySet()) {
          maxY = Math.max(maxY, p.getValue());
          maxN = Math.max(maxN, p.getKey());
        }
      }
    }
    maxY = niceCeiling(maxY);
    double logMax = Math.log10(maxN);
    int plotW = W - LEFT - RIGHT;
    int plotH = H - TOP - BOTTOM;
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " font-family=\"sans-serif\" font-size=\"12\">%n",
            W,
            H));
    s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    s.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"22\" font-size=\"15\">Reef (solid) and the raw amqp-client"
                + " (dashed): spores/s as N grows</text>%n",
            LEFT));
    s.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n"
                + "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n",
            LEFT,
            TOP,
            LEFT,
            TOP + plotH,
            LEFT,
            TOP + plotH,
            LEFT + plotW,
            TOP + plotH));
    for (int i = 0; i <= 4; i++) {
      double v = maxY * i / 4;
      int y = TOP + plotH - (int) (plotH * i / 4.0);
      s.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%,.0f</text>"
                  + "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#ddd\"/>%n",
              LEFT - 6,
              y + 4,
              v,
              LEFT,
              y,
              LEFT + plotW,
              y));
    }
    for (int n = 1; n <= maxN; n *= 10) {
      s.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%,d</text>%n",
              x(n, plotW, logMax),
              TOP + plotH + 18,
              n));
    }
    s.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">N (log scale)</text>%n",
            LEFT + plotW / 2,
            H - 10));
    s.append(
        String.format(
            Locale.ROOT,
            "<text x=\"16\" y=\"%d\" transform=\"rotate(-90 16 %d)\" text-anchor=\"middle\">"
                + "spores/s (median of the rounds)</text>%n",
            TOP + plotH / 2,
            TOP + plotH / 2));
    int c = 0;
    for (String shape : shapes) {
      String color = COLORS[c % COLORS.length];
      curve(s, "reef", reef.get(shape), color, null, plotW, plotH, logMax, maxY);
      Map<Integer, Double> r = raw.getOrDefault(shape, Map.of());
      if (r.size() >= 2) {
        curve(s, "raw", r, color, RAW_DASH, plotW, plotH, logMax, maxY);
      }
      int ly = TOP + 10 + 22 * c;
      s.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                  + "<text x=\"%d\" y=\"%d\">%s</text>%n",
              LEFT + plotW + 12,
              ly - 10,
              color,
              LEFT + plotW + 30,
              ly,
              escape(shape)));
      c++;
    }
    int ly = TOP + 10 + 22 * c + 10;
    s.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\" stroke-width=\"2\"/>"
                + "<text x=\"%d\" y=\"%d\">Reef</text>%n"
                + "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\" stroke-width=\"2\""
                + " stroke-dasharray=\"%s\"/><text x=\"%d\" y=\"%d\">raw amqp-client, same"
                + " shape</text>%n",
            LEFT + plotW + 12,
            ly - 4,
            LEFT + plotW + 26,
            ly - 4,
            LEFT + plotW + 30,
            ly,
            LEFT + plotW + 12,
            ly + 18,
            LEFT + plotW + 26,
            ly + 18,
            RAW_DASH,
            LEFT + plotW + 30,
            ly + 22));
    s.append("</svg>\n");
    return s.toString();
  }

  private static void curve(
      StringBuilder s,
      String side,
      Map<Integer, Double> points,
      String color,
      String dash,
      int plotW,
      int plotH,
      double logMax,
      double maxY) {
    StringBuilder pts = new StringBuilder();
    for (Map.Entry<Integer, Double> p : points.entrySet()) {
      int x = x(p.getKey(), plotW, logMax);
      int y = TOP + plotH - (int) (plotH * p.getValue() / maxY);
      pts.append(x).append(',').append(y).append(' ');
      s.append(
          String.format(
              Locale.ROOT, "<circle cx=\"%d\" cy=\"%d\" r=\"3\" fill=\"%s\"/>%n", x, y, color));
    }
    s.append(
        String.format(
            Locale.ROOT,
            "<polyline class=\"%s\" points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s/>%n",
            side,
            pts.toString().trim(),
            color,
            dash == null ? "" : " stroke-dasharray=\"" + dash + "\""));
  }

  private static int x(int n, int plotW, double logMax) {
    return LEFT + (int) (plotW * Math.log10(n) / logMax);
  }

  /** The next 1, 2 or 5 × 10^k at or above v, so that the axis labels are round. */
  static double niceCeiling(double v) {
    double p = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * p >= v) {
        return m * p;
      }
    }
    return 10 * p;
  }

  private static String escape(String t) {
    return t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
