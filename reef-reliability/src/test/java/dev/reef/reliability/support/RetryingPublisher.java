package dev.reef.reliability.support;

import dev.reef.ReefChannel;
import dev.reef.Spore;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Publishes spores the way a careful application does: asynchronously with at most {@code inflight}
 * unconfirmed, republishing a spore (same id, so a copy that did reach the broker shows up as a
 * duplicate, never as a second spore) when its publish fails, with a growing pause, up to {@code
 * maxAttempts}. Thread-safe.
 */
public final class RetryingPublisher implements AutoCloseable {
  /** What happened to each publish. Called on backend or timer threads. */
  public interface Listener {
    /** A publish attempt was made. */
    void attempted(Spore spore, int attempt);

    /** The spore was confirmed. */
    void confirmed(Spore spore);

    /** An attempt failed; {@code willRetry} tells whether another follows. */
    void failed(Spore spore, int attempt, Throwable error, boolean willRetry);
  }

  private final ReefChannel channel;
  private final int inflight;
  private final int maxAttempts;
  private final Listener listener;
  private final Semaphore window;
  private final ScheduledExecutorService timer;

  /**
   * A publisher on {@code channel}.
   *
   * @param inflight most unconfirmed spores at once (publish blocks beyond), at least 1
   * @param maxAttempts attempts per spore, at least 1
   */
  public RetryingPublisher(ReefChannel channel, int inflight, int maxAttempts, Listener listener) {
    this.channel = channel;
    this.inflight = inflight;
    this.maxAttempts = maxAttempts;
    this.listener = listener;
    this.window = new Semaphore(inflight);
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "retrying-publisher");
              t.setDaemon(true);
              return t;
            });
  }

  /** Publishes {@code spore}, blocking while {@code inflight} spores are unconfirmed. */
  public void publish(Spore spore) {
    window.acquireUninterruptibly();
    attempt(spore, 1);
  }

  /**
   * Waits until no publish is outstanding.
   *
   * @return true if everything settled within {@code timeout}
   */
  public boolean awaitSettled(Duration timeout) {
    try {
      if (window.tryAcquire(inflight, timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        window.release(inflight);
        return true;
      }
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void attempt(Spore spore, int n) {
    listener.attempted(spore, n);
    CompletableFuture<Spore> f;
    try {
      f = channel.publish(spore);
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    f.whenComplete(
        (ok, error) -> {
          if (error == null) {
            listener.confirmed(spore);
            window.release();
            return;
          }
          boolean retry = n < maxAttempts;
          listener.failed(spore, n, error, retry);
          if (retry) {
            timer.schedule(
                () -> attempt(spore, n + 1), Math.min(1000, 50L * n), TimeUnit.MILLISECONDS);
          } else {
            window.release();
          }
        });
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
