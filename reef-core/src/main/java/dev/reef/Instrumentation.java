package dev.reef;

import dev.reef.observe.AskContext;
import dev.reef.observe.ConnectionState;
import dev.reef.observe.HandlerContext;
import dev.reef.observe.ObservationScope;
import dev.reef.observe.Outcome;
import dev.reef.observe.PublishContext;
import dev.reef.observe.ReefListener;
import dev.reef.observe.ReefObservation;
import dev.reef.observe.ReefObserver;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reef's side of {@link ReefObserver} and {@link ReefListener}: calls every registered one,
 * logs (throttled) and swallows what they throw, and combines the observations of several
 * observers. The reef's parts ask {@link #observing()} / {@link #listening()} first, so a reef with
 * neither calls and allocates nothing here. Thread-safe.
 */
final class Instrumentation {
  private static final Logger LOG = LoggerFactory.getLogger(Instrumentation.class);

  /** At most one log line per callback and failure class in this interval. */
  static final Duration FAILURE_LOG_INTERVAL = Duration.ofSeconds(10);

  private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private final ReefObserver[] observers;
  private final ReefListener[] listeners;
  private final LogThrottle failureLog = new LogThrottle(FAILURE_LOG_INTERVAL);

  Instrumentation(List<ReefObserver> observers, List<ReefListener> listeners) {
    this.observers = observers.toArray(new ReefObserver[0]);
    this.listeners = listeners.toArray(new ReefListener[0]);
  }

  /** Whether any observer is registered. */
  boolean observing() {
    return observers.length > 0;
  }

  /** Whether any listener is registered. */
  boolean listening() {
    return listeners.length > 0;
  }

  // ---- observers ----

  void started(Reef reef) {
    for (ReefObserver o : observers) {
      safely(o, "onStart", () -> o.onStart(reef));
    }
  }

  void closed(Reef reef) {
    for (ReefObserver o : observers) {
      safely(o, "onClose", () -> o.onClose(reef));
    }
  }

  /** Reports a counted event to observers and, where it concerns them, listeners. */
  void event(SporeEvent event, String channel, String agent, Spore spore, Throwable error) {
    for (ReefObserver o : observers) {
      try {
        o.onSporeEvent(event, channel, agent, spore, error); // no lambda: this runs per event
      } catch (Exception e) {
        logFailure(o, "onSporeEvent", e);
      }
    }
    if (listeners.length > 0) {
      listen(event, channel, agent, spore, error);
    }
  }

  ReefObservation publish(PublishContext context) {
    if (observers.length == 1) {
      ReefObserver o = observers[0];
      try {
        return orNoop(o.onPublish(context));
      } catch (Exception e) {
        logFailure(o, "onPublish", e);
        return ReefObservation.NOOP;
      }
    }
    return start(o -> o.onPublish(context), "onPublish");
  }

  ReefObservation handle(HandlerContext context) {
    if (observers.length == 1) {
      ReefObserver o = observers[0];
      try {
        return orNoop(o.onHandle(context));
      } catch (Exception e) {
        logFailure(o, "onHandle", e);
        return ReefObservation.NOOP;
      }
    }
    return start(o -> o.onHandle(context), "onHandle");
  }

  ReefObservation ask(AskContext context) {
    return start(o -> o.onAsk(context), "onAsk");
  }

  private static ReefObservation orNoop(ReefObservation r) {
    return r == null ? ReefObservation.NOOP : r;
  }

  /** Opens an observation's scope; a failing one opens nothing. */
  ObservationScope open(ReefObservation observation) {
    try {
      ObservationScope s = observation.openScope();
      return s == null ? ObservationScope.NOOP : s;
    } catch (Exception e) {
      logFailure(observation, "openScope", e);
      return ObservationScope.NOOP;
    }
  }

  /** Closes a scope; a failure is logged. */
  void close(ObservationScope scope) {
    try {
      scope.close();
    } catch (Exception e) {
      logFailure(scope, "close", e);
    }
  }

  /** Stops an observation with the outcome that {@code error} implies. */
  void stop(ReefObservation observation, Throwable error) {
    Outcome outcome =
        error == null
            ? Outcome.SUCCESS
            : error instanceof RequestTimeoutException ? Outcome.TIMEOUT : Outcome.FAILURE;
    try {
      observation.stop(outcome, error);
    } catch (Exception e) {
      logFailure(observation, "stop", e);
    }
  }

  private ReefObservation start(Function<ReefObserver, ReefObservation> call, String method) {
    if (observers.length == 1) {
      return started(observers[0], call, method);
    }
    ReefObservation[] all = new ReefObservation[observers.length];
    for (int i = 0; i < observers.length; i++) {
      all[i] = started(observers[i], call, method);
    }
    return new Composite(this, all);
  }

  private ReefObservation started(
      ReefObserver o, Function<ReefObserver, ReefObservation> call, String m) {
    try {
      return orNoop(call.apply(o));
    } catch (Exception e) {
      logFailure(o, m, e);
      return ReefObservation.NOOP;
    }
  }

  /** The observations of several observers as one; scopes open in order and close in reverse. */
  private static final class Composite implements ReefObservation {
    private final Instrumentation owner;
    private final ReefObservation[] parts;

    Composite(Instrumentation owner, ReefObservation[] parts) {
      this.owner = owner;
      this.parts = parts;
    }

    @Override
    public ObservationScope openScope() {
      ObservationScope[] scopes = new ObservationScope[parts.length];
      for (int i = 0; i < parts.length; i++) {
        scopes[i] = owner.open(parts[i]);
      }
      return () -> {
        for (int i = scopes.length - 1; i >= 0; i--) {
          owner.close(scopes[i]);
        }
      };
    }

    @Override
    public void stop(Outcome outcome, Throwable error) {
      for (ReefObservation p : parts) {
        try {
          p.stop(outcome, error);
        } catch (Exception e) {
          owner.logFailure(p, "stop", e);
        }
      }
    }
  }

  // ---- listeners ----

  void connectionState(ConnectionState state, String connection, String detail) {
    for (ReefListener l : listeners) {
      safely(
          l,
          "onConnectionStateChanged",
          () -> l.onConnectionStateChanged(state, connection, detail));
    }
  }

  void askTimedOut(String channel, String asker, String requestId, Duration timeout) {
    for (ReefListener l : listeners) {
      safely(l, "onAskTimedOut", () -> l.onAskTimedOut(channel, asker, requestId, timeout));
    }
  }

  private void listen(
      SporeEvent event, String channel, String agent, Spore spore, Throwable error) {
    Consumer<ReefListener> call;
    switch (event) {
      case RETRIED:
        call = l -> l.onSporeRetried(channel, agent, spore, error);
        break;
      case DEAD_LETTERED:
        call = l -> l.onSporeDeadLettered(channel, agent, spore, error);
        break;
      case EXPIRED:
        call = l -> l.onSporeExpired(channel, agent, spore);
        break;
      case REJECTED:
      case DROPPED_OLDEST:
        call = l -> l.onSporeRejected(channel, agent, spore, error);
        break;
      case MALFORMED:
        call = l -> l.onSporeMalformed(channel, agent, error);
        break;
      case MAILBOX_DELETED:
        call = l -> l.onMailboxDeleted(channel, agent);
        break;
      default:
        return; // BROKER_BLOCKED comes as a connection state, with its reason
    }
    for (ReefListener l : listeners) {
      safely(l, event.name(), () -> call.accept(l));
    }
  }

  // ---- failures ----

  private void safely(Object target, String method, Runnable call) {
    try {
      call.run();
    } catch (Exception e) {
      logFailure(target, method, e);
    }
  }

  void logFailure(Object target, String method, Exception e) {
    String who = target.getClass().getName();
    long suppressed = failureLog.admit(who + '.' + method + ' ' + e.getClass().getName(), nanos());
    if (suppressed >= 0) {
      LOG.warn(
          "{}.{} failed (ignored){}",
          who,
          method,
          suppressed == 0 ? "" : " (" + suppressed + " similar failures not logged before this)",
          e);
    }
  }

  private static long nanos() {
    return System.nanoTime();
  }

  // ---- contexts ----

  /** A publish given to observers: collects the headers they add. Used on one thread. */
  static final class Publish implements PublishContext {
    private final String channel;
    private final Spore spore;
    private final boolean askRequest;
    private Map<String, String> headers;

    Publish(String channel, Spore spore, boolean askRequest) {
      this.channel = channel;
      this.spore = spore;
      this.askRequest = askRequest;
    }

    @Override
    public String channel() {
      return channel;
    }

    @Override
    public Spore spore() {
      return spore;
    }

    @Override
    public boolean isAskRequest() {
      return askRequest;
    }

    @Override
    public String header(String name) {
      if (headers != null && headers.containsKey(name)) {
        return headers.get(name);
      }
      Object v = spore.metadata().get(name);
      return v instanceof String ? (String) v : null;
    }

    @Override
    public void setHeader(String name, String value) {
      requireHeader(name, value);
      if (headers == null) {
        headers = new LinkedHashMap<>();
      }
      headers.put(name, value);
    }

    /** The spore to publish: the original, or a copy whose metadata carries the headers. */
    Spore result() {
      if (headers == null) {
        return spore;
      }
      Map<String, Object> metadata = new LinkedHashMap<>(spore.metadata());
      metadata.putAll(headers);
      return spore.toBuilder().metadata(metadata).build();
    }
  }

  static void requireHeader(String name, String value) {
    if (name == null || !HEADER_NAME.matcher(name).matches() || name.startsWith("praval.")) {
      throw new IllegalArgumentException(
          "header name must be 1.."
              + PublishContext.MAX_HEADER_NAME_LENGTH
              + " characters of [A-Za-z0-9._-] not starting with 'praval.', was "
              + (name == null ? "null" : "'" + name + "'"));
    }
    if (value == null || value.length() > PublishContext.MAX_HEADER_VALUE_LENGTH) {
      throw new IllegalArgumentException(
          "header '"
              + name
              + "' needs a value of at most "
              + PublishContext.MAX_HEADER_VALUE_LENGTH
              + " characters, was "
              + (value == null ? "null" : value.length() + " characters"));
    }
  }

  /** A delivery given to observers. */
  static final class Delivery implements HandlerContext {
    private final String channel;
    private final String agent;
    private final Spore spore;
    private final int attempt;

    Delivery(String channel, String agent, Spore spore, int attempt) {
      this.channel = channel;
      this.agent = agent;
      this.spore = spore;
      this.attempt = attempt;
    }

    @Override
    public String channel() {
      return channel;
    }

    @Override
    public String agent() {
      return agent;
    }

    @Override
    public Spore spore() {
      return spore;
    }

    @Override
    public int attempt() {
      return attempt;
    }
  }

  /** An ask given to observers. */
  static final class Ask implements AskContext {
    private final String channel;
    private final Spore request;
    private final Duration timeout;

    Ask(String channel, Spore request, Duration timeout) {
      this.channel = channel;
      this.request = request;
      this.timeout = timeout;
    }

    @Override
    public String channel() {
      return channel;
    }

    @Override
    public Spore request() {
      return request;
    }

    @Override
    public Duration timeout() {
      return timeout;
    }
  }
}
