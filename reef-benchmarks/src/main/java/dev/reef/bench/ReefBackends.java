package dev.reef.bench;

import dev.reef.amqp.AmqpBackend;
import dev.reef.amqp.HeaderLayout;
import dev.reef.spi.ReefBackend;
import java.net.URI;

/** Builds the AMQP backends the benchmark compares. */
final class ReefBackends {
  private ReefBackends() {}

  /** The header layouts of docs/design.md#header-layouts. */
  enum Layout {
    LEAN("reef (lean headers)"),
    PRAVAL("reef (Praval headers)");

    final String label;

    Layout(String label) {
      this.label = label;
    }
  }

  /** Whether the AMQP backend on the class path offers this layout. */
  static boolean supports(Layout layout) {
    return true;
  }

  static ReefBackend amqp(URI uri, Layout layout, int prefetch, int confirmWindow, String name) {
    return AmqpBackend.builder()
        .uri(uri)
        .prefetch(prefetch)
        .confirmWindow(confirmWindow)
        .headerLayout(layout == Layout.PRAVAL ? HeaderLayout.PRAVAL : HeaderLayout.REEF)
        .connectionName(name)
        .build();
  }
}
