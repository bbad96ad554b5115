package dev.reef.reliability.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the annotated test only where the broker under test can be restarted by the test (see {@link
 * BrokerControl#cannotRestartReason}); elsewhere JUnit reports it as <em>disabled</em> with the
 * reason, which is also printed to standard error. Nothing else is skipped.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(BrokerRestartCondition.class)
public @interface BrokerRestartable {}
