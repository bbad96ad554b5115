package dev.reef.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A hand-built SVG of {@link ScaleCurves}: one line per curve, spores/s (linear) against N
 * (logarithmic), no plotting library needed.
 */
final class CostChart {
  private static final int W = 720;
  private static final int H = 420;
  private static final int LEFT = 80;
  private static final int RIGHT = 260;
  private static final int TOP = 40;
  private static final int BOTTOM = 50;
  private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"};

  private CostChart() {}

  static String svg(Map<String, Map<Integer, Double>> curves) {
    List<Map.Entry<String, Map<Integer, Double>>> lines = new ArrayList<>();
    double maxY = 1;
    int maxN = 10;
    for (Map.Entry<String, Map<Integer, Double>> e : curves.entrySet()) {
      if (e.getValue().size() < 2) {
        continue; // single points (classic vs quorum) are in the table
      }
      lines.add(e);
      for (Map.Entry<Integer, Double> p : e.getValue().entrySet()) {
        maxY = Math.max(maxY, p.getValue());
        maxN = Math.max(maxN, p.getKey());
      }
    }
    double logMax = Math.log10(maxN);
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
            "<text x=\"%d\" y=\"22\" font-size=\"15\">Reef over AMQP: spores/s as N grows</text>%n",
            LEFT));
    int plotW = W - LEFT - RIGHT;
    int plotH = H - TOP - BOTTOM;
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
      int x = LEFT + (int) (plotW * Math.log10(n) / logMax);
      s.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%,d</text>%n",
              x,
              TOP + plotH + 18,
              n));
    }
    s.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">N (log scale)</text>%n",
            LEFT + plotW / 2,
            H - 10));
    int c = 0;
    for (Map.Entry<String, Map<Integer, Double>> e : lines) {
      String color = COLORS[c % COLORS.length];
      StringBuilder pts = new StringBuilder();
      for (Map.Entry<Integer, Double> p : e.getValue().entrySet()) {
        int x = LEFT + (int) (plotW * Math.log10(p.getKey()) / logMax);
        int y = TOP + plotH - (int) (plotH * p.getValue() / maxY);
        pts.append(x).append(',').append(y).append(' ');
        s.append(
            String.format(
                Locale.ROOT, "<circle cx=\"%d\" cy=\"%d\" r=\"3\" fill=\"%s\"/>%n", x, y, color));
      }
      s.append(
          String.format(
              Locale.ROOT,
              "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>%n",
              pts.toString().trim(),
              color));
      int ly = TOP + 10 + 20 * c;
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
              escape(e.getKey())));
      c++;
    }
    s.append("</svg>\n");
    return s.toString();
  }

  private static String escape(String t) {
    return t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
