package dev.reef.spring.autoconfigure;

import dev.reef.RetryPolicy;
import dev.reef.amqp.AmqpBackend;
import dev.reef.amqp.HeaderLayout;
import org.springframework.core.env.Environment;

/**
 * Builds the {@link AmqpBackend} from {@code reef.amqp.*} (or {@code spring.rabbitmq.*}, see {@link
 * BrokerSettings}). Loaded only when reef-amqp is on the class path.
 */
final class AmqpBackends {
  private AmqpBackends() {}

  static AmqpBackend amqp(ReefProperties p, Environment environment) {
    ReefProperties.Amqp a = p.getAmqp();
    AmqpBackend.Builder b = AmqpBackend.builder();
    BrokerSettings broker = BrokerSettings.resolve(a, environment);
    ValidatedProperties v = new ValidatedProperties("reef.amqp");
    if (broker != null) {
      ValidatedProperties source =
          new ValidatedProperties(
              broker.source().equals("reef.amqp.uri") ? "reef.amqp" : broker.source());
      String name = broker.source().equals("reef.amqp.uri") ? "uri" : "host";
      new ValidatedProperties(
              broker.source().equals("reef.amqp.uri") ? "reef.amqp" : broker.source())
          .set(name, broker.uri(), b::uri);
      if (!broker.addresses().isEmpty()) {
        source.set("addresses", broker.addresses(), l -> b.addresses(l.toArray(String[]::new)));
      }
    }
    v.set("prefetch", a.getPrefetch(), b::prefetch);
    v.set("persistent", a.getPersistent(), b::persistent);
    v.set("confirm-window", a.getConfirmWindow(), b::confirmWindow);
    v.set("publish-timeout", a.getPublishTimeout(), b::publishTimeout);
    v.set("confirm-timeout", a.getConfirmTimeout(), b::confirmTimeout);
    v.set("dead-letter-exchange", a.getDeadLetterExchange(), b::deadLetterExchange);
    v.set("dead-letter-queue", a.getDeadLetterQueue(), b::deadLetterQueue);
    a.getExchanges()
        .forEach(
            (channel, exchange) ->
                v.set("exchanges." + channel, exchange, e -> b.exchange(channel, e)));
    v.set(
        "header-layout",
        a.getHeaderLayout(),
        layout -> b.headerLayout(HeaderLayout.valueOf(layout.name())));
    a.getPravalChannels()
        .forEach(
            (channel, exchange) ->
                v.set("praval-channels." + channel, exchange, e -> b.pravalChannel(channel, e)));
    v.set("quorum-mailboxes", a.getQuorumMailboxes(), b::quorumMailboxes);
    v.set("max-body-bytes", a.getMaxBodyBytes(), b::maxBodyBytes);
    v.set("publisher-channels", a.getPublisherChannels(), b::publisherChannels);
    v.set("connection-name", a.getConnectionName(), b::connectionName);
    v.set("recovery-interval", a.getRecoveryInterval(), b::recoveryInterval);
    v.set("expiry-grace", a.getExpiryGrace(), b::expiryGrace);
    v.set("direct-replies", a.getDirectReplies(), b::directReplies);
    RetryPolicy retry = ReefBackends.retryPolicy(p.getRetry());
    if (retry != null) {
      b.retryPolicy(retry);
    }
    return v.build(b::build);
  }
}
