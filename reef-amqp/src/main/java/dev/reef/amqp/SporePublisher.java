package dev.reef.amqp;

import com.rabbitmq.client.AMQP;
import dev.reef.PublishException;
import dev.reef.ReefException;
import dev.reef.Spore;
import dev.reef.SporeEvent;
import dev.reef.UnknownAgentException;
import dev.reef.spi.DeadLetterReason;
import dev.reef.spi.support.DeadLetterHeaders;
import dev.reef.spi.support.Failures;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a spore: encodes it in its channel's layout and sends it where it goes. An expired
 * spore is dead-lettered instead; a response to a request this backend delivered with a direct
 * reply address goes straight back to the asker; an ask's request goes out on the ask channel;
 * everything else goes to the channel's exchange on a publishing channel, and a directed spore the
 * broker returns fails with {@link UnknownAgentException}. Thread-safe.
 */
final class SporePublisher {
  private static final Logger log = LoggerFactory.getLogger(SporePublisher.class);

  private final AmqpSettings settings;
  private final AmqpSporeMapper mapper;
  private final Topology topology;
  private final PublisherPool pool;
  private final DirectReplies directReplies;
  private final BackendEvents events;

  SporePublisher(
      AmqpSettings settings,
      AmqpSporeMapper mapper,
      Topology topology,
      PublisherPool pool,
      DirectReplies directReplies,
      BackendEvents events) {
    this.settings = settings;
    this.mapper = mapper;
    this.topology = topology;
    this.pool = pool;
    this.directReplies = directReplies;
    this.events = events;
  }

  /**
   * Publishes a spore; see {@link AmqpBackend#publish(String, Spore)}.
   *
   * @param askDirect whether it is the request of an ask answered by direct reply-to
   */
  CompletableFuture<Spore> publish(String channel, Spore spore, boolean askDirect) {
    Instant now = Instant.now();
    if (spore.isExpired(now)) {
      return expiredAtPublish(channel, spore, now);
    }
    DirectReplyRoutes.Route route = directReplies.takeRoute(channel, spore);
    if (route != null) {
      return directReplies.reply(channel, spore, route, now);
    }
    String exchange;
    try {
      exchange = topology.ensureExchange(channel);
    } catch (ReefException e) {
      return CompletableFuture.failedFuture(e);
    }
    // The request of a direct ask is transient: its response can only reach this connection, so
    // after a broker restart (which ends the connection and fails the ask) it would be answered
    // in vain; and a persistent publish costs the broker a disk write before its confirm.
    AmqpSporeMapper.Outgoing out =
        mapper.encode(
            channel,
            spore,
            settings.layoutFor(channel),
            settings.persistent() && !askDirect,
            now,
            settings.expiryGraceMillis());
    CompletableFuture<Boolean> published =
        askDirect
            ? directReplies.publishAsk(exchange, out.routingKey(), out.properties(), out.body())
            : pool.publish(exchange, out.routingKey(), out.properties(), out.body());
    return outcome(channel, spore, published);
  }

  /**
   * Publishes a batch; see {@link AmqpBackend#publishAll(String, List)}. Spores bound for the
   * channel's exchange go out together on one publishing channel ({@link
   * PublisherPool#publishAll}); an expired spore or a direct reply takes its own path.
   */
  List<CompletableFuture<Spore>> publishAll(String channel, List<Spore> spores) {
    List<CompletableFuture<Spore>> results = new ArrayList<>(spores.size());
    String exchange;
    try {
      exchange = topology.ensureExchange(channel);
    } catch (ReefException e) {
      for (int i = 0; i < spores.size(); i++) {
        results.add(CompletableFuture.failedFuture(e));
      }
      return results;
    }
    Instant now = Instant.now();
    HeaderLayout layout = settings.layoutFor(channel);
    List<ConfirmingPublisher.Message> batch = new ArrayList<>(spores.size());
    List<Integer> slots = new ArrayList<>(spores.size());
    for (Spore spore : spores) {
      CompletableFuture<Spore> own = null;
      if (spore.isExpired(now)) {
        own = expiredAtPublish(channel, spore, now);
      } else {
        DirectReplyRoutes.Route route = directReplies.takeRoute(channel, spore);
        if (route != null) {
          own = directReplies.reply(channel, spore, route, now);
        }
      }
      if (own == null) {
        AmqpSporeMapper.Outgoing out =
            mapper.encode(
                channel, spore, layout, settings.persistent(), now, settings.expiryGraceMillis());
        slots.add(results.size());
        batch.add(
            new ConfirmingPublisher.Message(
                exchange, out.routingKey(), out.properties(), out.body()));
      }
      results.add(own);
    }
    if (!batch.isEmpty()) {
      List<CompletableFuture<Boolean>> published = pool.publishAll(batch);
      for (int i = 0; i < slots.size(); i++) {
        int slot = slots.get(i);
        results.set(slot, outcome(channel, spores.get(slot), published.get(i)));
      }
    }
    return results;
  }

  /** The spore's outcome from its confirm: typed failure, unroutable directed spore, or done. */
  private CompletableFuture<Spore> outcome(
      String channel, Spore spore, CompletableFuture<Boolean> published) {
    CompletableFuture<Spore> result = new CompletableFuture<>();
    published.whenComplete(
        (routed, err) -> {
          if (err != null) {
            Throwable cause = Failures.unwrap(err);
            ReefException e =
                cause instanceof ReefException
                    ? (ReefException) cause
                    : new PublishException("publish failed: " + cause, cause);
            result.completeExceptionally(e);
          } else if (!routed && spore.isDirected()) {
            UnknownAgentException e = new UnknownAgentException(channel, spore.toAgent());
            events.event(SporeEvent.UNROUTABLE, channel, spore.toAgent(), spore, e);
            result.completeExceptionally(e);
          } else {
            result.complete(spore);
          }
        });
    return result;
  }

  /**
   * A spore already expired when published reaches no mailbox: it is counted {@link
   * SporeEvent#EXPIRED} (for its recipient, or its sender when undirected) and dead-lettered with
   * reason {@code expired}; the future completes with the spore once the dead letter is confirmed
   * (or at once if the dead-letter publish fails, which is logged).
   */
  private CompletableFuture<Spore> expiredAtPublish(String channel, Spore spore, Instant now) {
    events.event(
        SporeEvent.EXPIRED,
        channel,
        spore.isDirected() ? spore.toAgent() : spore.fromAgent(),
        spore,
        null);
    AmqpSporeMapper.Outgoing out =
        mapper.encode(channel, spore, settings.layoutFor(channel), settings.persistent(), now, 0);
    Map<String, Object> headers =
        DeadLetterHeaders.of(
            out.properties().getHeaders(),
            DeadLetterReason.EXPIRED,
            "expired at " + spore.expiresAt() + " before publishing",
            0,
            channel,
            null,
            settings.exchangeFor(channel),
            out.routingKey());
    AMQP.BasicProperties props =
        out.properties().builder().headers(headers).expiration(null).build();
    String deadLetters;
    try {
      deadLetters = topology.ensureDeadLetters(channel);
    } catch (RuntimeException e) {
      log.warn("could not dead-letter expired spore {}: {}", spore.id(), e.toString());
      return CompletableFuture.completedFuture(spore);
    }
    return pool.publish(deadLetters, out.routingKey(), props, out.body())
        .handle(
            (routed, err) -> {
              if (err != null) {
                log.warn("could not dead-letter expired spore {}: {}", spore.id(), err.toString());
              }
              return spore;
            });
  }
}
