package dev.reef.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The chart is a well-formed SVG with a solid Reef and a dashed raw curve per multi-point shape.
 */
class CostChartTest {

  private static Map<Integer, Double> curve(double... rates) {
    Map<Integer, Double> c = new LinkedHashMap<>();
    int n = 1;
    for (double r : rates) {
      c.put(n, r);
      n *= 10;
    }
    return c;
  }

  private static Document parse(String svg) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    return f.newDocumentBuilder()
        .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
  }

  private static List<Element> elements(Document d, String tag) {
    NodeList l = d.getElementsByTagName(tag);
    List<Element> out = new ArrayList<>();
    for (int i = 0; i < l.getLength(); i++) {
      out.add((Element) l.item(i));
    }
    return out;
  }

  @Test
  void everyMultiPointShapeHasASolidReefAndADashedRawCurveInTheSameColor() throws Exception {
    Map<String, Map<Integer, Double>> reef = new LinkedHashMap<>();
    Map<String, Map<Integer, Double>> raw = new LinkedHashMap<>();
    reef.put("agents on one channel", curve(1800, 2400, 2900, 1500));
    raw.put("agents on one channel", curve(2000, 2500, 3000, 900));
    reef.put("broadcast <fan-out> & more", curve(4500, 7000, 8200));
    raw.put("broadcast <fan-out> & more", curve(4400, 7500, 8000));
    reef.put("quorum mailbox, 1 agent", curve(8000)); // a single point: table only
    raw.put("quorum mailbox, 1 agent", curve(7000));

    Document d = parse(CostChart.svg(reef, raw));

    assertThat(d.getDocumentElement().getTagName()).isEqualTo("svg");
    List<Element> lines = elements(d, "polyline");
    assertThat(lines)
        .extracting(e -> e.getAttribute("class"))
        .containsExactly("reef", "raw", "reef", "raw");
    assertThat(lines.get(0).getAttribute("stroke-dasharray")).isEmpty();
    assertThat(lines.get(1).getAttribute("stroke-dasharray")).isEqualTo(CostChart.RAW_DASH);
    assertThat(lines.get(0).getAttribute("stroke")).isEqualTo(lines.get(1).getAttribute("stroke"));
    assertThat(lines.get(2).getAttribute("stroke"))
        .isNotEqualTo(lines.get(0).getAttribute("stroke"));
    assertThat(lines.get(0).getAttribute("points").split(" ")).hasSize(4);
    assertThat(lines.get(2).getAttribute("points").split(" ")).hasSize(3);
    assertThat(elements(d, "circle")).hasSize(14);
    assertThat(elements(d, "text"))
        .extracting(Element::getTextContent)
        .contains("agents on one channel", "broadcast <fan-out> & more", "Reef", "1,000")
        .doesNotContain("quorum mailbox, 1 agent");
  }

  @Test
  void higherRatesArePlottedHigherAndTheAxisEndsOnARoundNumber() throws Exception {
    Document d =
        parse(CostChart.svg(Map.of("s", curve(1000, 4000)), Map.of("s", curve(3000, 2000))));
    List<Element> lines = elements(d, "polyline");
    int[] reefY = ys(lines.get(0));
    int[] rawY = ys(lines.get(1));
    assertThat(reefY[1]).as("4,000 above 1,000 (SVG y grows downwards)").isLessThan(reefY[0]);
    assertThat(rawY[0]).isLessThan(reefY[0]).isGreaterThan(reefY[1]);
    assertThat(CostChart.niceCeiling(4000)).isEqualTo(5000);
    assertThat(CostChart.niceCeiling(8211)).isEqualTo(10000);
    assertThat(CostChart.niceCeiling(1500)).isEqualTo(2000);
    assertThat(CostChart.niceCeiling(2000)).isEqualTo(2000);
  }

  private static int[] ys(Element polyline) {
    String[] pts = polyline.getAttribute("points").split(" ");
    int[] y = new int[pts.length];
    for (int i = 0; i < pts.length; i++) {
      y[i] = Integer.parseInt(pts[i].split(",")[1]);
    }
    return y;
  }

  @Test
  void aShapeWithoutRawRoundsHasOnlyItsReefCurve() throws Exception {
    Document d = parse(CostChart.svg(Map.of("s", curve(1000, 4000)), Map.of()));
    assertThat(elements(d, "polyline"))
        .extracting(e -> e.getAttribute("class"))
        .containsExactly("reef");
  }
}
