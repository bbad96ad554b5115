package dev.reef.bench;

import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.simple.SimpleServiceProvider;
import org.slf4j.spi.MDCAdapter;

/**
 * slf4j-simple with a working MDC ({@link BasicMDCAdapter}: a thread-local map, what Logback and
 * Log4j 2 users have in kind), for the in-memory child JVM: slf4j-simple's own MDC does nothing, so
 * with it the reef's per-delivery MDC keys (on by default) would cost nothing in the benchmark and
 * nothing like they cost an application with a real logging backend. Selected with {@code
 * -Dslf4j.provider=dev.reef.bench.BenchMdcProvider}.
 */
public final class BenchMdcProvider extends SimpleServiceProvider {
  private final MDCAdapter mdc = new BasicMDCAdapter();

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }
}
