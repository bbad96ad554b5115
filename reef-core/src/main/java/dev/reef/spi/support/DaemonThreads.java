package dev.reef.spi.support;

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
}
