package dev.reef.example.shop;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** The typed knowledge the shop's agents exchange (plain JSON on the wire). */
public final class Orders {
  private Orders() {}

  /** An order line. */
  public record Line(String sku, int quantity, BigDecimal unitPrice) {}

  /** An order, asked of the shop. */
  public record Order(String id, String customer, List<Line> lines) {}

  /** The shop's answer. */
  public record Quote(String orderId, BigDecimal total, Instant quotedAt) {}

  /** What the shop sends billing for each quote. */
  public record Invoice(String orderId, String customer, BigDecimal amount) {}
}
