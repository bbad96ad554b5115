package dev.reef.typed;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Records for typed-knowledge round trips (nested records, lists, {@link Optional}, {@link
 * Instant}, {@link BigDecimal}, enums), shared with reef-amqp's tests through the test-jar.
 */
public final class OrderFixture {
  private OrderFixture() {}

  /** An order status. */
  public enum Status {
    NEW,
    PAID,
    SHIPPED
  }

  /** A nested record. */
  public record Customer(String name, Optional<String> email) {}

  /** A list element. */
  public record Line(String sku, int quantity, BigDecimal price) {}

  /** The root record. */
  public record Order(
      String id,
      Customer customer,
      List<Line> lines,
      Optional<String> note,
      Instant placedAt,
      BigDecimal total,
      Status status,
      List<Status> history) {}

  /** A reply. */
  public record Receipt(String orderId, Status status, Instant at) {}

  /**
   * An order with every kind of field filled.
   *
   * @return the order
   */
  public static Order sample() {
    return new Order(
        "o-1",
        new Customer("Ada", Optional.of("ada@example.com")),
        List.of(
            new Line("coral-1", 2, new BigDecimal("12.50")),
            new Line("kelp-7", 1, new BigDecimal("0.10"))),
        Optional.empty(),
        Instant.parse("2026-11-30T10:15:30.123456Z"),
        new BigDecimal("25.10"),
        Status.PAID,
        List.of(Status.NEW, Status.PAID));
  }

  /**
   * Asserts equal orders: a {@link BigDecimal} travels as a JSON number (a double), so its value
   * survives but not its scale ({@code 12.50} reads back as {@code 12.5}).
   *
   * @param actual the order read back
   * @param expected the order sent
   */
  public static void assertSameOrder(Order actual, Order expected) {
    assertThat(actual)
        .usingRecursiveComparison()
        .withComparatorForType(BigDecimal::compareTo, BigDecimal.class)
        .isEqualTo(expected);
  }
}
