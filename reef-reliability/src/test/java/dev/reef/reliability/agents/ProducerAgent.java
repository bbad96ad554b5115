package dev.reef.reliability.agents;

import dev.reef.Reef;
import dev.reef.ReefChannel;
import dev.reef.ReefOptions;
import dev.reef.Spore;
import dev.reef.SporeType;
import dev.reef.reliability.support.Brokers;
import dev.reef.reliability.support.Paced;
import dev.reef.reliability.support.Reefs;
import dev.reef.reliability.support.RetryingPublisher;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A child-JVM producer: for {@code seconds} it sends directed spores {@code <prefix>-<seq>} from
 * {@code from} to {@code to} on {@code channel} at {@code rate} per second, with at most {@code
 * inflight} unconfirmed, republishing (same id) any whose publish fails, up to 20 attempts. Reports
 * {@code P <confirmed>} each second, {@code GAVEUP <id>} for a spore never confirmed, and finally
 * {@code DONE sent=<attempts> confirmed=<n> failures=<n> count=<spores> settled=<true|false>}; with
 * {@code settled=true}, spores {@code 0..count-1} not reported as given up were confirmed.
 * Arguments ({@code key=value}): {@code channel}, {@code from}, {@code to}, {@code prefix}, {@code
 * seconds} (default 10), {@code rate} (default 500), {@code inflight} (default 256), {@code
 * padBytes} (default 256), {@code dlx}/{@code dlq}; the broker comes from {@code REEF_AMQP_URI}.
 */
public final class ProducerAgent {
  private static final int MAX_ATTEMPTS = 20;

  private ProducerAgent() {}

  /** Entry point; see the class comment for arguments. */
  public static void main(String[] argv) {
    Args args = new Args(argv);
    String prefix = args.get("prefix");
    String from = args.get("from");
    String to = args.get("to");
    long seconds = args.getLong("seconds", 10);
    long rate = args.getLong("rate", 500);
    int inflight = args.getInt("inflight", 256);
    String pad = "x".repeat(args.getInt("padBytes", 256));

    Reef reef =
        Reefs.amqp(
            Brokers.uri(),
            Reefs.Settings.defaults().withDeadLetters(args.get("dlx", null), args.get("dlq", null)),
            ReefOptions.ofDefaults());
    ReefChannel channel = reef.channel(args.get("channel"));
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "producer-timer");
              t.setDaemon(true);
              return t;
            });
    AtomicLong attempts = new AtomicLong();
    AtomicLong confirmed = new AtomicLong();
    AtomicLong failures = new AtomicLong();
    RetryingPublisher publisher =
        new RetryingPublisher(
            channel,
            inflight,
            MAX_ATTEMPTS,
            new RetryingPublisher.Listener() {
              @Override
              public void attempted(Spore spore, int attempt) {
                attempts.incrementAndGet();
              }

              @Override
              public void confirmed(Spore spore) {
                confirmed.incrementAndGet();
              }

              @Override
              public void failed(Spore spore, int attempt, Throwable error, boolean willRetry) {
                failures.incrementAndGet();
                if (!willRetry) {
                  ChildIo.emit("GAVEUP " + spore.id() + " " + error);
                }
              }
            });
    timer.scheduleAtFixedRate(() -> ChildIo.emit("P " + confirmed.get()), 1, 1, TimeUnit.SECONDS);
    ChildIo.emit("READY");

    long count = seconds * rate;
    Paced.run(
        count,
        rate,
        seq ->
            publisher.publish(
                Spore.builder()
                    .id(prefix + "-" + seq)
                    .type(SporeType.KNOWLEDGE)
                    .fromAgent(from)
                    .toAgent(to)
                    .knowledge(Map.of("seq", seq, "pad", pad))
                    .build()));
    boolean settled = publisher.awaitSettled(Duration.ofSeconds(120));
    publisher.close();
    timer.shutdownNow();
    ChildIo.emit(
        "DONE sent="
            + attempts.get()
            + " confirmed="
            + confirmed.get()
            + " failures="
            + failures.get()
            + " count="
            + count
            + " settled="
            + settled);
    reef.close(Duration.ofSeconds(10));
    System.exit(0);
  }
}
