package dev.reef.example.shop;

import dev.reef.ReefChannel;
import dev.reef.example.shop.Orders.Invoice;
import dev.reef.example.shop.Orders.Order;
import dev.reef.example.shop.Orders.Quote;
import dev.reef.spring.ReefHandler;
import dev.reef.spring.ReefHeader;
import java.math.BigDecimal;
import java.time.Instant;
import org.springframework.stereotype.Component;

/**
 * The {@code shop} agent: answers an order with a quote (the return value is the reply) and sends
 * billing an invoice.
 */
@Component
public class ShopAgent {

  /**
   * Quotes an order.
   *
   * @param order the order, read from the request's knowledge
   * @param from who asked
   * @param channel the channel, to notify billing
   * @return the quote, sent back as the reply
   */
  @ReefHandler(agent = "shop")
  public Quote quote(Order order, @ReefHeader("from_agent") String from, ReefChannel channel) {
    BigDecimal total =
        order.lines().stream()
            .map(l -> l.unitPrice().multiply(BigDecimal.valueOf(l.quantity())))
            .reduce(BigDecimal.ZERO, BigDecimal::add);
    channel.sendTyped("shop", "billing", new Invoice(order.id(), from, total)).join();
    return new Quote(order.id(), total, Instant.now());
  }
}
