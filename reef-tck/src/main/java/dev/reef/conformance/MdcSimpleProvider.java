package dev.reef.conformance;

import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.simple.SimpleServiceProvider;
import org.slf4j.spi.MDCAdapter;

/**
 * slf4j-simple (whose MDC does nothing) with SLF4J's basic, working MDC, so that {@link
 * ObservationConformanceSuite} can see the MDC keys a handler runs with. Select it with the system
 * property {@code slf4j.provider=dev.reef.conformance.MdcSimpleProvider} (the reef-tck and
 * reef-amqp test runs do); needs slf4j-simple on the test class path.
 */
public class MdcSimpleProvider extends SimpleServiceProvider {
  private final MDCAdapter mdc = new BasicMDCAdapter();

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }
}
