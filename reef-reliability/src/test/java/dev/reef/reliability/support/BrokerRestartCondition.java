package dev.reef.reliability.support;

import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** The condition behind {@link BrokerRestartable}. */
final class BrokerRestartCondition implements ExecutionCondition {
  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    Optional<String> reason = BrokerControl.cannotRestartReason(Brokers.uri());
    if (reason.isPresent()) {
      String message = "Broker restart case NOT RUN: " + reason.get();
      System.err.println("[reliability] " + message);
      return ConditionEvaluationResult.disabled(message);
    }
    return ConditionEvaluationResult.enabled("the local broker can be restarted with rabbitmqctl");
  }
}
