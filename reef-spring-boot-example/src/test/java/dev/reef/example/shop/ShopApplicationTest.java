package dev.reef.example.shop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reef.Reef;
import dev.reef.example.shop.Orders.Invoice;
import dev.reef.example.shop.Orders.Line;
import dev.reef.example.shop.Orders.Order;
import dev.reef.example.shop.Orders.Quote;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/** The shop application in memory: a typed ask gets a quote, and billing books the invoice. */
@SpringBootTest(properties = "shop.demo=false")
class ShopApplicationTest {
  @Autowired Reef reef;
  @Autowired BillingAgent billing;

  @Test
  void theShopQuotesAndBillingBooks() {
    reef.declareMailbox("tester");
    Order order =
        new Order(
            "t-1",
            "tester",
            List.of(
                new Line("coral", 2, new BigDecimal("12.50")),
                new Line("kelp", 1, new BigDecimal("0.25"))));

    Quote quote =
        reef.askTyped("tester", "shop", order, Quote.class, Duration.ofSeconds(10)).join();

    assertThat(quote.orderId()).isEqualTo("t-1");
    assertThat(quote.total()).isEqualByComparingTo("25.25");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(billing.booked())
                    .usingRecursiveFieldByFieldElementComparator()
                    .usingComparatorForType(BigDecimal::compareTo, BigDecimal.class)
                    .contains(new Invoice("t-1", "tester", new BigDecimal("25.25"))));
  }

  @Test
  void theDemoRunsAndStops() {
    ShopApplication.main(new String[] {"--spring.main.banner-mode=off"});
  }
}
