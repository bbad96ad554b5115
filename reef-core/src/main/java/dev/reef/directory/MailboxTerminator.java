package dev.reef.directory;

import dev.reef.ErrorResponses;
import dev.reef.ReceiveTimeoutException;
import dev.reef.Spore;
import dev.reef.SporeType;
import dev.reef.spi.DeadLetterException;
import dev.reef.spi.DeadLetterReason;
import dev.reef.spi.MailboxReceiver;
import dev.reef.spi.ReefBackend;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Terminates an agent for good: writes the termination to the directory, then empties its mailbox
 * through a backend, answering every waiting request with a termination response (so each asker
 * fails at once rather than at its timeout) and dead-lettering every other spore with reason {@code
 * terminated} ({@link DeadLetterReason#TERMINATED}).
 *
 * <p>A termination response is an error response ({@link ErrorResponses}) to the request, from the
 * terminated agent, with knowledge {@code {"error": {"type": "agent_terminated", "message": ...}}}.
 * {@link #terminatedBy(Spore, String)} recognises one, so that the asking side fails its ask with
 * {@link AgentTerminatedException}.
 */
public final class MailboxTerminator {
  private static final Logger LOG = LoggerFactory.getLogger(MailboxTerminator.class);

  /** The error type of a termination response: {@value}. */
  public static final String ERROR = "agent_terminated";

  /**
   * What a drain did.
   *
   * @param answered requests answered with a termination response
   * @param deadLettered other spores dead-lettered as {@code terminated} ({@link
   *     DeadLetterReason#TERMINATED})
   */
  public record Result(int answered, int deadLettered) {}

  private MailboxTerminator() {}

  /**
   * Terminates an agent in the directory, then drains its mailbox through the backend.
   *
   * @param directory the directory
   * @param backend a started backend on the same transport
   * @param channel the channel
   * @param agent the agent
   * @param quiet the drain ends when no spore came for this long
   * @return what the drain did
   */
  public static Result terminate(
      AgentDirectory directory, ReefBackend backend, String channel, String agent, Duration quiet) {
    directory.terminate(channel, agent);
    return drain(backend, channel, agent, quiet);
  }

  /**
   * Empties a terminated agent's mailbox: requests are answered with a termination response, the
   * rest are dead-lettered as {@code terminated} ({@link DeadLetterReason#TERMINATED}).
   *
   * @param backend a started backend
   * @param channel the channel
   * @param agent the agent
   * @param quiet the drain ends when no spore came for this long
   * @return what it did
   */
  public static Result drain(ReefBackend backend, String channel, String agent, Duration quiet) {
    int answered = 0;
    int dead = 0;
    try (MailboxReceiver receiver = backend.receiver(channel, agent)) {
      while (true) {
        MailboxReceiver.Received r;
        try {
          r = receiver.receive(quiet);
        } catch (ReceiveTimeoutException e) {
          break;
        }
        Spore s = r.spore();
        if (s.type() == SporeType.REQUEST && !s.fromAgent().equals(agent)) {
          try {
            backend.publish(channel, response(channel, agent, s)).get(10, TimeUnit.SECONDS);
            r.ack();
            answered++;
            continue;
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            r.nack(e);
            break;
          } catch (Exception e) {
            LOG.warn(
                "could not answer request {} of terminated '{}', dead-lettering it: {}",
                s.id(),
                agent,
                e.toString());
          }
        }
        dead++;
        r.nack(
            new DeadLetterException(
                DeadLetterReason.TERMINATED, "agent '" + agent + "' was terminated"));
      }
    }
    return new Result(answered, dead);
  }

  /** The termination response to a request: an error response of type {@value #ERROR}. */
  static Spore response(String channel, String agent, Spore request) {
    return ErrorResponses.of(
        request, ERROR, "agent '" + agent + "' on channel '" + channel + "' was terminated", 0);
  }

  /**
   * Whether a response says its agent was terminated, and the exception the asker should see.
   *
   * @param response a response spore
   * @param channel the channel it came on
   * @return the exception, or empty for any other response
   */
  public static Optional<AgentTerminatedException> terminatedBy(Spore response, String channel) {
    return ErrorResponses.failureOf(response)
        .filter(f -> ERROR.equals(f.type()))
        .map(f -> new AgentTerminatedException(channel, response.fromAgent()));
  }
}
