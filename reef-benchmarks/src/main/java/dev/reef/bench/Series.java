package dev.reef.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** The values one side of one measurement took over the rounds of a run. */
final class Series {
  private final boolean higherIsBetter;
  private final List<Double> values = new ArrayList<>();

  Series(boolean higherIsBetter) {
    this.higherIsBetter = higherIsBetter;
  }

  void add(double value) {
    values.add(value);
  }

  boolean isEmpty() {
    return values.isEmpty();
  }

  int size() {
    return values.size();
  }

  double median() {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  double best() {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    return higherIsBetter ? Collections.max(values) : Collections.min(values);
  }

  double min() {
    return values.isEmpty() ? Double.NaN : Collections.min(values);
  }

  double max() {
    return values.isEmpty() ? Double.NaN : Collections.max(values);
  }

  boolean higherIsBetter() {
    return higherIsBetter;
  }

  String rounds(String format) {
    List<String> parts = new ArrayList<>();
    for (double v : values) {
      parts.add(String.format(Locale.ROOT, format, v));
    }
    return String.join(" ", parts);
  }
}
