package dev.reef.spi.support;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Thread factories for backend pools: daemon threads, numbered from 1. SPI support. */
public final class DaemonThreads {
  private DaemonThreads() {}

  /**
   * A factory of daemon threads named {@code <prefix>-1}, {@code <prefix>-2}, ...
   *
   * @param prefix the name prefix, for example {@code reef-mem-1-worker}
   * @return a new factory with its own numbering
   */
  public static ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * A factory of daemon fork-join worker threads named {@code <prefix>-1}, {@code <prefix>-2}, ...
   *
   * @param prefix the name prefix, for example {@code reef-mem-1-worker}
   * @return a new factory with its own numbering
   */
  public static ForkJoinPool.ForkJoinWorkerThreadFactory forkJoin(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return pool -> {
      ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
      t.setName(prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
