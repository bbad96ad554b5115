package dev.reef.example.shop;

import dev.reef.Reef;
import dev.reef.example.shop.Orders.Line;
import dev.reef.example.shop.Orders.Order;
import dev.reef.example.shop.Orders.Quote;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * A Spring Boot application with two Reef agents, {@code shop} and {@code billing}
 * ({@code @ReefHandler} beans). On start a customer asks the shop for three quotes (typed asks),
 * prints them, and the application stops. In memory by default; on RabbitMQ with {@code
 * --spring.rabbitmq.host=localhost} (or {@code --reef.amqp.uri=amqp://...}).
 */
@SpringBootApplication
public class ShopApplication {

  /**
   * Runs the demo and stops.
   *
   * @param args Spring Boot arguments, such as {@code --reef.amqp.uri=amqp://localhost}
   */
  public static void main(String[] args) {
    try (ConfigurableApplicationContext context =
        SpringApplication.run(ShopApplication.class, args)) {
      System.out.println(
          "booked by billing: " + context.getBean(BillingAgent.class).booked().size());
    }
  }

  /**
   * The customer: asks the shop for quotes when the application has started.
   *
   * @param reef the auto-configured reef
   * @return the runner
   */
  @Bean
  @ConditionalOnBooleanProperty(name = "shop.demo", matchIfMissing = true)
  ApplicationRunner customer(Reef reef) {
    return args -> {
      reef.declareMailbox("customer");
      List<Order> orders =
          List.of(
              new Order("o-1", "ada", List.of(new Line("coral", 2, new BigDecimal("12.50")))),
              new Order(
                  "o-2",
                  "ada",
                  List.of(
                      new Line("kelp", 3, new BigDecimal("1.20")),
                      new Line("sponge", 1, new BigDecimal("4.00")))),
              new Order("o-3", "ada", List.of(new Line("pearl", 1, new BigDecimal("99.99")))));
      for (Order order : orders) {
        Quote quote =
            reef.askTyped("customer", "shop", order, Quote.class, Duration.ofSeconds(30)).join();
        System.out.println("quote " + quote.orderId() + ": " + quote.total());
      }
      reef.awaitIdle(Duration.ofSeconds(10));
    };
  }
}
