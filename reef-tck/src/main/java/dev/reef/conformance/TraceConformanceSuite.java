package dev.reef.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reef.GatherOptions;
import dev.reef.Reef;
import dev.reef.ReefChannel;
import dev.reef.ReefOptions;
import dev.reef.Spore;
import dev.reef.SporeEvent;
import dev.reef.SporeType;
import dev.reef.observe.PublishContext;
import dev.reef.observe.ReefObservation;
import dev.reef.observe.ReefObserver;
import dev.reef.spi.BackendListener;
import dev.reef.spi.ReefBackend;
import dev.reef.trace.TraceContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The trace context propagation rules (docs/observability.md#tracing) every backend must keep: a
 * spore carries a W3C {@code traceparent}; a spore sent, replied or asked from a handler continues
 * the handled spore's trace with {@code trace_id}, {@code causation_id} and {@code correlation_id}
 * filled consistently; a spore sent outside any handler starts a new trace or continues the
 * bridge's context; a malformed {@code traceparent} from a foreign publisher starts a new trace, is
 * counted and never fails the delivery.
 *
 * <p>A backend module runs it by extending this class and implementing {@link #newBackend()}; every
 * backend of a test shares one transport, so that a second backend acts as a second process.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class TraceConformanceSuite {
  private static final Duration ASK = Duration.ofSeconds(10);

  private final List<Reef> reefs = new CopyOnWriteArrayList<>();
  private final List<ReefBackend> bareBackends = new CopyOnWriteArrayList<>();
  private String testId;

  /**
   * A new, unstarted backend on this test's shared transport.
   *
   * @return the backend
   */
  protected abstract ReefBackend newBackend();

  @BeforeEach
  void newTestId() {
    testId = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
  }

  @AfterEach
  void closeReefs() {
    reefs.forEach(r -> r.close(Duration.ofSeconds(2)));
    reefs.clear();
    bareBackends.forEach(b -> b.close(Duration.ofSeconds(2)));
    bareBackends.clear();
  }

  /**
   * A unique name for this test.
   *
   * @param prefix a readable prefix
   * @return {@code prefix-<random>}
   */
  protected String unique(String prefix) {
    return prefix + "-" + testId;
  }

  private ReefOptions.Builder options() {
    return ReefOptions.custom().defaultChannel(unique("tr")).closeTimeout(Duration.ofSeconds(2));
  }

  private Reef newReef(ReefOptions options) {
    Reef reef = Reef.create(newBackend(), options);
    reefs.add(reef);
    return reef;
  }

  private Reef newReef() {
    return newReef(options().build());
  }

  private static TraceContext context(Spore s) {
    TraceContext c = TraceContext.read(s);
    assertThat(c).as("trace context of %s", s).isNotNull();
    return c;
  }

  private static Spore only(Inbox inbox) {
    await().atMost(Duration.ofSeconds(10)).until(() -> inbox.size() >= 1);
    return inbox.spores().get(0);
  }

  // ---------------------------------------------------------------- tests

  @Test
  void aSporeSentOutsideAnyHandlerStartsANewTrace() {
    Reef sender = newReef();
    Reef receiver = newReef();
    Inbox inbox = new Inbox();
    receiver.subscribe("bob", inbox);
    sender.send("alice", "bob", Map.of("n", 1)).join();
    sender.send("alice", "bob", Map.of("n", 2)).join();
    await().atMost(Duration.ofSeconds(10)).until(() -> inbox.size() == 2);

    Spore first = inbox.spores().get(0);
    Spore second = inbox.spores().get(1);
    TraceContext c1 = context(first);
    TraceContext c2 = context(second);
    assertThat(c1.sampled()).isTrue();
    assertThat(first.traceId()).isEqualTo(c1.traceId());
    assertThat(second.traceId()).isEqualTo(c2.traceId());
    assertThat(c1.traceId()).isNotEqualTo(c2.traceId());
    assertThat(first.causationId()).isNull();
    assertThat(first.correlationId()).isNull();
  }

  @Test
  void aSporeSentFromAHandlerContinuesTheHandledSporesTrace() {
    Reef a = newReef();
    Reef b = newReef();
    Reef c = newReef();
    Inbox carol = new Inbox();
    c.subscribe("carol", carol);
    b.subscribe("bob", s -> b.send("bob", "carol", Map.of("seen", s.id())).join());
    Spore sent =
        a.channel(unique("tr"))
            .publish(
                Spore.builder()
                    .type(SporeType.KNOWLEDGE)
                    .fromAgent("alice")
                    .toAgent("bob")
                    .correlationId("conversation-7")
                    .build())
            .join();
    TraceContext root = context(sent);

    Spore forwarded = only(carol);
    TraceContext next = context(forwarded);
    assertThat(next.traceId()).isEqualTo(root.traceId());
    assertThat(next.spanId()).isNotEqualTo(root.spanId());
    assertThat(forwarded.traceId()).isEqualTo(root.traceId());
    assertThat(forwarded.causationId()).isEqualTo(sent.id());
    assertThat(forwarded.correlationId()).isEqualTo("conversation-7");
  }

  @Test
  void anAskAndItsReplyShareOneTraceAndAnAskFromAHandlerContinuesIt() {
    Reef a = newReef();
    Reef b = newReef();
    Reef c = newReef();
    c.subscribe("carol", req -> c.reply(req, "carol", Map.of("ok", true)).join());
    // bob asks carol from inside his handler, then replies to alice
    b.subscribeAsync(
        "bob",
        req ->
            b.ask("bob", "carol", Map.of("q", 2), ASK)
                .thenCompose(inner -> b.reply(req, "bob", Map.of("inner", inner.id()))));
    Inbox carolSaw = new Inbox();
    c.subscribe("carol", carolSaw);

    Spore reply = a.ask("alice", "bob", Map.of("q", 1), ASK).join();
    TraceContext replyCtx = context(reply);
    String trace = replyCtx.traceId();
    assertThat(reply.traceId()).isEqualTo(trace);
    assertThat(reply.causationId()).isEqualTo(reply.replyTo());

    Spore innerRequest = only(carolSaw);
    assertThat(context(innerRequest).traceId()).isEqualTo(trace);
    assertThat(innerRequest.traceId()).isEqualTo(trace);
    assertThat(innerRequest.causationId()).isEqualTo(reply.replyTo());
  }

  @Test
  void aReplyFromAnotherThreadContinuesTheRequestsTrace() {
    Reef a = newReef();
    Reef b = newReef();
    b.subscribeAsync(
        "bob",
        req ->
            java.util.concurrent.CompletableFuture.runAsync(
                    () -> {},
                    java.util.concurrent.CompletableFuture.delayedExecutor(
                        50, TimeUnit.MILLISECONDS))
                .thenCompose(v -> b.reply(req, "bob", Map.of("late", true))));
    Spore request =
        Spore.builder()
            .type(SporeType.REQUEST)
            .fromAgent("alice")
            .toAgent("bob")
            .expiresIn(ASK)
            .build();
    Spore reply = a.channel(unique("tr")).ask(request, ASK).join();
    assertThat(context(reply).traceId()).isEqualTo(reply.traceId());
    assertThat(reply.causationId()).isEqualTo(request.id());
    // the request was stamped when published: its trace is the reply's
    assertThat(reply.traceId()).isNotNull().matches("[0-9a-f]{32}");
  }

  @Test
  void aMalformedTraceparentFromAForeignPublisherStartsANewTraceIsCountedAndDelivered() {
    Reef b = newReef();
    Reef c = newReef();
    Inbox carol = new Inbox();
    c.subscribe("carol", carol);
    Inbox bobSaw = new Inbox();
    b.subscribe("bob", bobSaw);
    b.subscribe("bob", s -> b.send("bob", "carol", Map.of("from", s.id())).join());

    // a foreign publisher: straight to the backend, no reef to stamp or check it
    ReefBackend foreign = newBackend();
    foreign.start(BackendListener.NONE);
    bareBackends.add(foreign);
    Spore bad =
        Spore.builder()
            .type(SporeType.KNOWLEDGE)
            .fromAgent("stranger")
            .toAgent("bob")
            .metadata(Map.of("traceparent", "00-not-a-trace-context-at-all-01", "tracestate", "x"))
            .build();
    foreign.publish(unique("tr"), bad).join();

    Spore delivered = only(bobSaw);
    assertThat(delivered.id()).isEqualTo(bad.id());
    Spore next = only(carol);
    TraceContext ctx = context(next);
    assertThat(next.traceId()).isEqualTo(ctx.traceId());
    assertThat(next.causationId()).isEqualTo(bad.id());
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(b.stats().agent(unique("tr"), "bob", SporeEvent.TRACE_CONTEXT_MALFORMED))
                    .isEqualTo(1));
    assertThat(b.stats().agent(unique("tr"), "bob", SporeEvent.DEAD_LETTERED)).isZero();
    assertThat(b.stats().agent(unique("tr"), "bob", SporeEvent.HANDLED)).isEqualTo(1);
  }

  @Test
  void aSporeTraceIdThatCanBeAW3cTraceIdIsTheTraceOfItsContext() {
    Reef a = newReef();
    Reef b = newReef();
    Inbox inbox = new Inbox();
    b.subscribe("bob", inbox);
    a.channel(unique("tr"))
        .publish(
            Spore.builder()
                .type(SporeType.KNOWLEDGE)
                .fromAgent("alice")
                .toAgent("bob")
                .traceId("4BF92F35-77B3-4DA6-A3CE-929D0E0E4736")
                .build())
        .join();
    Spore got = only(inbox);
    assertThat(got.traceId()).isEqualTo("4BF92F35-77B3-4DA6-A3CE-929D0E0E4736");
    assertThat(context(got).traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
  }

  @Test
  void aSporeThatCarriesAValidContextKeepsIt() {
    Reef a = newReef();
    Reef b = newReef();
    Inbox inbox = new Inbox();
    b.subscribe("bob", inbox);
    TraceContext mine =
        TraceContext.parse("00-" + "ab".repeat(16) + "-" + "cd".repeat(8) + "-00", "v=1");
    a.channel(unique("tr"))
        .publish(
            mine.applyTo(
                Spore.builder()
                    .type(SporeType.KNOWLEDGE)
                    .fromAgent("alice")
                    .toAgent("bob")
                    .build()))
        .join();
    Spore got = only(inbox);
    assertThat(TraceContext.read(got)).isEqualTo(mine);
    assertThat(got.traceId()).isEqualTo(mine.traceId());
  }

  @Test
  void aBridgesCurrentContextIsContinued() {
    TraceContext current = TraceContext.newRoot();
    Reef a = newReef(options().traceContextSource(() -> current).build());
    Reef b = newReef();
    Inbox inbox = new Inbox();
    b.subscribe("bob", inbox);
    a.send("alice", "bob", Map.of()).join();
    Spore spore = only(inbox);
    TraceContext got = context(spore);
    assertThat(got.traceId()).isEqualTo(current.traceId());
    assertThat(spore.traceId()).isEqualTo(current.traceId());
    // with a bridge, the spore carries the bridge's context for its publish observer to replace
    // with the publish span (reef-opentelemetry); without such an observer it stays the parent's
    assertThat(got.spanId()).isEqualTo(current.spanId());
  }

  @Test
  void anObserversContextReplacesTheReefsAndTheTraceIdFollows() {
    TraceContext theirs = TraceContext.newRoot();
    ReefObserver injecting =
        new ReefObserver() {
          @Override
          public ReefObservation onPublish(PublishContext context) {
            context.setHeader(TraceContext.TRACEPARENT, theirs.traceparent());
            return ReefObservation.NOOP;
          }
        };
    Reef a = newReef(options().observer(injecting).build());
    Reef b = newReef();
    Inbox inbox = new Inbox();
    b.subscribe("bob", inbox);
    a.send("alice", "bob", Map.of()).join();
    Spore got = only(inbox);
    assertThat(TraceContext.read(got)).isEqualTo(theirs);
    assertThat(got.traceId()).isEqualTo(theirs.traceId());
  }

  @Test
  void aGatherIsOneTrace() {
    Reef a = newReef();
    Reef b = newReef();
    ReefChannel ch = b.channel(unique("tr"));
    ch.subscribe("bob", s -> ch.reply(s, "bob", Map.of()).join());
    ch.subscribe("carol", s -> ch.reply(s, "carol", Map.of()).join());
    var result =
        a.channel(unique("tr"))
            .gather(
                "alice",
                List.of("bob", "carol"),
                Map.of(),
                GatherOptions.custom().timeout(ASK).build())
            .join();
    assertThat(result.replies()).hasSize(2);
    assertThat(result.replies().stream().map(s -> context(s).traceId()).distinct()).hasSize(1);
  }

  @Test
  void offTheReefNeitherAddsNorReadsAContext() {
    Reef a = newReef(options().traceContext(false).build());
    Reef b = newReef(options().traceContext(false).build());
    Inbox inbox = new Inbox();
    b.subscribe("bob", inbox);
    a.send("alice", "bob", Map.of()).join();
    Spore got = only(inbox);
    assertThat(got.metadata()).doesNotContainKey(TraceContext.TRACEPARENT);
    assertThat(got.traceId()).isNull();
  }
}
