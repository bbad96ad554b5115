package dev.reef.example.shop;

import dev.reef.example.shop.Orders.Invoice;
import dev.reef.spring.ReefHandler;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** The {@code billing} agent: books the invoices the shop sends. */
@Component
public class BillingAgent {
  private static final Logger LOG = LoggerFactory.getLogger(BillingAgent.class);

  private final List<Invoice> booked = new CopyOnWriteArrayList<>();

  /**
   * Books an invoice.
   *
   * @param invoice the invoice, read from the spore's knowledge
   */
  @ReefHandler(agent = "billing")
  public void book(Invoice invoice) {
    booked.add(invoice);
    LOG.info(
        "billing booked {} for {}: {}", invoice.orderId(), invoice.customer(), invoice.amount());
  }

  /**
   * The invoices booked so far.
   *
   * @return a snapshot
   */
  public List<Invoice> booked() {
    return List.copyOf(booked);
  }
}
