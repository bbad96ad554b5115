package dev.reef.amqp;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.impl.ForgivingExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * amqp-client's forgiving handler, but a lost connection is one WARN line instead of an ERROR with
 * a stack trace per failed write (recovery follows; {@link AmqpBackend} logs it).
 */
final class QuietExceptionHandler extends ForgivingExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(QuietExceptionHandler.class);

  @Override
  public void handleUnexpectedConnectionDriverException(Connection conn, Throwable exception) {
    log.warn("AMQP connection driver error: {}", exception.toString());
  }
}
