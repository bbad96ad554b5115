package dev.reef.reliability.support;

import dev.reef.Reef;
import dev.reef.ReefOptions;
import dev.reef.RetryPolicy;
import dev.reef.amqp.AmqpBackend;
import java.net.URI;
import java.time.Duration;

/** Builds the AMQP-backed {@link Reef}s of the suite (test JVM and child JVMs alike). */
public final class Reefs {
  private Reefs() {}

  /**
   * The backend settings a case varies.
   *
   * @param prefetch unacknowledged deliveries per mailbox consumer
   * @param retry handler retry policy
   * @param deadLetterExchange dead-letter exchange name, or null for the backend's default
   * @param deadLetterQueue dead-letter queue name, or null for the backend's default
   * @param maxBodyBytes largest body the consumer accepts, or 0 for the backend's default
   */
  public record Settings(
      int prefetch,
      RetryPolicy retry,
      String deadLetterExchange,
      String deadLetterQueue,
      long maxBodyBytes) {
    /** Prefetch 100, three attempts 20 ms apart, default dead-letter names and body limit. */
    public static Settings defaults() {
      return new Settings(
          100,
          RetryPolicy.custom()
              .maxAttempts(3)
              .initialBackoff(Duration.ofMillis(20))
              .maxBackoff(Duration.ofMillis(200))
              .build(),
          null,
          null,
          0);
    }

    /** These settings with another prefetch. */
    public Settings withPrefetch(int prefetch) {
      return new Settings(prefetch, retry, deadLetterExchange, deadLetterQueue, maxBodyBytes);
    }

    /** These settings with another retry policy. */
    public Settings withRetry(RetryPolicy retry) {
      return new Settings(prefetch, retry, deadLetterExchange, deadLetterQueue, maxBodyBytes);
    }

    /** These settings with other dead-letter names (null keeps the backend's defaults). */
    public Settings withDeadLetters(String exchange, String queue) {
      return new Settings(prefetch, retry, exchange, queue, maxBodyBytes);
    }

    /** These settings with another body limit. */
    public Settings withMaxBodyBytes(long bytes) {
      return new Settings(prefetch, retry, deadLetterExchange, deadLetterQueue, bytes);
    }
  }

  /**
   * A reef on the AMQP backend at {@code uri}, recovering a lost connection every 500 ms (the
   * backend's default is 2 s; shorter keeps the fault cases quick).
   */
  public static Reef amqp(URI uri, Settings settings, ReefOptions options) {
    AmqpBackend.Builder b =
        AmqpBackend.builder()
            .uri(uri)
            .connectionName("reef-reliability")
            .recoveryInterval(Duration.ofMillis(500))
            .prefetch(settings.prefetch())
            .retryPolicy(settings.retry());
    if (settings.maxBodyBytes() > 0) {
      b.maxBodyBytes(settings.maxBodyBytes());
    }
    if (settings.deadLetterExchange() != null) {
      b.deadLetterExchange(settings.deadLetterExchange());
    }
    if (settings.deadLetterQueue() != null) {
      b.deadLetterQueue(settings.deadLetterQueue());
    }
    return Reef.create(b.build(), options);
  }
}
