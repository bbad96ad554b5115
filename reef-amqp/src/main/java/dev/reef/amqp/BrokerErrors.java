package dev.reef.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Method;
import com.rabbitmq.client.ShutdownSignalException;
import dev.reef.ReefException;
import dev.reef.UnauthorizedException;
import dev.reef.spi.support.Failures;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLHandshakeException;

/**
 * Turns what amqp-client throws into Reef's errors with the broker's reason in the top-level
 * message: a refusal with reply code 403 ({@code ACCESS_REFUSED}) becomes {@link
 * UnauthorizedException} carrying the broker's reply text (on publish, subscribe and declare), any
 * other channel or connection close names its reply text rather than a bare {@code IOException},
 * and a TLS handshake that failed on the certificate says so in plain words. The original is kept
 * as the cause.
 */
final class BrokerErrors {
  private BrokerErrors() {}

  /** The broker's close reason found in the cause chain (channel or connection close), or null. */
  static Method closeReason(Throwable t) {
    for (Throwable e = t; e != null; e = e.getCause()) {
      if (e instanceof ShutdownSignalException) {
        Object reason = ((ShutdownSignalException) e).getReason();
        if (reason instanceof Method) {
          return (Method) reason;
        }
      }
      if (e.getCause() == e) {
        break;
      }
    }
    return null;
  }

  /** The reply code and text of a channel or connection close. */
  private record Reply(int code, String text) {
    static final Reply NONE = new Reply(0, null);

    static Reply of(Throwable t) {
      Method m = closeReason(t);
      if (m instanceof AMQP.Channel.Close c) {
        return new Reply(c.getReplyCode(), c.getReplyText());
      }
      if (m instanceof AMQP.Connection.Close c) {
        return new Reply(c.getReplyCode(), c.getReplyText());
      }
      return NONE;
    }
  }

  /** The reply code of the broker's close reason in the chain, or 0 if none. */
  static int replyCode(Throwable t) {
    return Reply.of(t).code();
  }

  /** The broker's reply text (for example {@code ACCESS_REFUSED - access to ...}), or null. */
  static String replyText(Throwable t) {
    return Reply.of(t).text();
  }

  /**
   * Whether the broker's close reason names this queue ({@code ... queue 'q' ...}): the call that
   * failed was about it, not a bystander on a channel that another call's error closed.
   */
  static boolean concernsQueue(Throwable t, String queue) {
    String text = replyText(t);
    return text != null && text.contains("queue '" + queue + "'");
  }

  /**
   * Whether a call about this queue failed only because another call's channel error closed the
   * channel it used (a channel close whose reason does not name the queue; not a connection's
   * loss): it may be tried again on another channel.
   */
  static boolean isBystander(Throwable t, String queue) {
    boolean channelClosed = t instanceof AlreadyClosedException || closeReason(t) != null;
    return channelClosed && !concernsQueue(t, queue) && !isConnectionClose(t);
  }

  private static boolean isConnectionClose(Throwable t) {
    for (Throwable e = t; e != null && e.getCause() != e; e = e.getCause()) {
      if (e instanceof ShutdownSignalException && ((ShutdownSignalException) e).isHardError()) {
        return true;
      }
    }
    return false;
  }

  /** Whether the broker refused access (reply code 403). */
  static boolean isAccessRefused(Throwable t) {
    return replyCode(t) == AMQP.ACCESS_REFUSED;
  }

  /**
   * Whether the broker refused a publish whose {@code user_id} property was not the connection's
   * user (reply code 406, {@code PRECONDITION_FAILED - user_id property set to ...}).
   */
  static boolean isUserIdRefused(Throwable t) {
    Reply r = Reply.of(t);
    return r.code() == AMQP.PRECONDITION_FAILED && r.text() != null && r.text().contains("user_id");
  }

  /**
   * The failure as one line: the broker's reply text when it closed a channel or the connection,
   * otherwise {@link Failures#describe}.
   */
  static String describe(Throwable t) {
    String text = replyText(t);
    if (text != null) {
      return "the broker said " + text;
    }
    if (t instanceof AlreadyClosedException || t.getMessage() == null && t.getCause() != null) {
      return Failures.describe(t.getCause() != null ? t.getCause() : t);
    }
    return Failures.describe(t);
  }

  /**
   * The Reef error for a failed broker call.
   *
   * @param what what was attempted, for example {@code cannot declare the mailbox queue 'q'}
   * @param t what amqp-client threw
   * @return an {@link UnauthorizedException} for a 403, else a {@link ReefException}; the message
   *     is {@code what: <the broker's reason>}, the cause {@code t}
   */
  static ReefException map(String what, Throwable t) {
    if (t instanceof ReefException) {
      return (ReefException) t;
    }
    if (isAccessRefused(t)) {
      return unauthorized(what + ": the broker refused access: " + replyText(t), t);
    }
    return new ReefException(what + ": " + describe(t), t);
  }

  /** An {@link UnauthorizedException} with a cause. */
  static UnauthorizedException unauthorized(String message, Throwable cause) {
    UnauthorizedException e = new UnauthorizedException(message);
    e.initCause(cause);
    return e;
  }

  /**
   * Why a connection attempt failed, in plain words for TLS certificate failures: an untrusted
   * certificate ({@code the broker's certificate is not trusted by the configured SSLContext}) or
   * one for another name ({@code the certificate does not name host X (hostname verification is
   * on)}); otherwise the broker's reason or the failure's own text.
   */
  static String describeConnect(Throwable t, String host, boolean hostnameVerification) {
    SSLHandshakeException handshake = null;
    boolean untrusted = false;
    boolean wrongName = false;
    for (Throwable e = t; e != null && e.getCause() != e; e = e.getCause()) {
      if (e instanceof SSLHandshakeException && handshake == null) {
        handshake = (SSLHandshakeException) e;
      }
      String m = e.getMessage() == null ? "" : e.getMessage();
      if (e instanceof CertPathBuilderException
          || e instanceof CertPathValidatorException
          || m.contains("unable to find valid certification path")) {
        untrusted = true;
      }
      if (e instanceof CertificateException
          && (m.contains("No subject alternative") || m.contains("No name matching"))) {
        wrongName = true;
      }
    }
    if (handshake == null) {
      return describe(t);
    }
    String jdk = Failures.describe(handshake);
    if (wrongName) {
      return "TLS handshake failed: the certificate does not name host "
          + host
          + (hostnameVerification
              ? " (hostname verification is on) ["
              : " (hostname verification is off, yet the SSLContext checked the name) [")
          + jdk
          + "]";
    }
    if (untrusted) {
      return "TLS handshake failed: the broker's certificate is not trusted by the configured"
          + " SSLContext ["
          + jdk
          + "]";
    }
    return "TLS handshake failed [" + jdk + "]";
  }
}
