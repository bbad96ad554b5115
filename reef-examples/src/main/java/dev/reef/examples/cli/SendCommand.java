package dev.reef.examples.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reef.Reef;
import dev.reef.ReefException;
import dev.reef.Spore;
import dev.reef.SporeType;
import dev.reef.SporeValidationException;
import dev.reef.UnknownAgentException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** {@code send}: publishes one spore through Reef's own API and waits for the broker's confirm. */
final class SendCommand {
  static final Set<String> OPTIONS =
      Set.of(
          "uri",
          "channel",
          "from",
          "to",
          "type",
          "priority",
          "ttl",
          "knowledge",
          "timeout",
          "dead-letters");

  private SendCommand() {}

  static int run(CliArgs a, Map<String, String> env, PrintStream out) throws InterruptedException {
    Broker broker = Broker.from(a, env);
    String channel = a.get("channel", "main");
    String to = a.get("to", null);
    SporeType type = parseType(a.get("type", to == null ? "broadcast" : "knowledge"));
    Duration timeout = a.duration("timeout", Duration.ofSeconds(10));
    Spore spore;
    try {
      Spore.Builder b =
          Spore.builder()
              .type(type)
              .fromAgent(a.get("from", "operator"))
              .toAgent(to)
              .priority(a.integer("priority", Spore.DEFAULT_PRIORITY, 1, 10))
              .knowledge(parseKnowledge(a.get("knowledge", "{}")));
      Duration ttl = a.duration("ttl", null);
      if (ttl != null) {
        b.expiresIn(ttl);
      }
      spore = b.build();
    } catch (SporeValidationException e) {
      throw new UsageException(e.getMessage());
    }
    try (Reef reef = Reef.create(broker.backend())) {
      Spore sent =
          reef.channel(channel).publish(spore).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      out.printf(
          Locale.ROOT,
          "sent %s %s: %s -> %s on channel '%s' (p%d) via %s%n",
          sent.type().wireName(),
          sent.id(),
          sent.fromAgent(),
          sent.toAgent() == null ? "*" : sent.toAgent(),
          channel,
          sent.priority(),
          broker.display());
      return 0;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof UnknownAgentException) {
        throw new CliFailure(
            4,
            "no mailbox for agent '" + to + "' on channel '" + channel + "': " + cause.getMessage(),
            cause);
      }
      throw new CliFailure(3, "send failed: " + cause, cause);
    } catch (TimeoutException e) {
      throw new CliFailure(3, "the broker did not confirm the spore within " + timeout, e);
    } catch (ReefException e) {
      throw new CliFailure(3, "send failed: " + e.getMessage(), e);
    }
  }

  private static SporeType parseType(String s) {
    try {
      return SporeType.fromWireName(s.toLowerCase(Locale.ROOT));
    } catch (SporeValidationException e) {
      throw new UsageException(
          "--type must be one of "
              + List.of("knowledge", "request", "response", "broadcast", "notification")
              + ", was '"
              + s
              + "'");
    }
  }

  private static Map<String, Object> parseKnowledge(String json) {
    try {
      return new ObjectMapper().readValue(json, new TypeReference<Map<String, Object>>() {});
    } catch (JsonProcessingException e) {
      throw new UsageException(
          "--knowledge must be a JSON object, e.g. '{\"note\":\"hi\"}': " + e.getOriginalMessage());
    }
  }
}
