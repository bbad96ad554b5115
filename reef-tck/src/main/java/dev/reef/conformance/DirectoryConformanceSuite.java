package dev.reef.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.reef.GatherOptions;
import dev.reef.GatherResult;
import dev.reef.ReceiveTimeoutException;
import dev.reef.Reef;
import dev.reef.ReefClosedException;
import dev.reef.ReefException;
import dev.reef.Spore;
import dev.reef.SporeEvent;
import dev.reef.SporeValidationException;
import dev.reef.Subscription;
import dev.reef.directory.AgentCard;
import dev.reef.directory.AgentDirectory;
import dev.reef.directory.AgentState;
import dev.reef.directory.AgentStatus;
import dev.reef.directory.AgentTerminatedException;
import dev.reef.directory.CapabilityGather;
import dev.reef.directory.DirectoryEntry;
import dev.reef.directory.DirectoryEvent;
import dev.reef.directory.DirectoryEventType;
import dev.reef.directory.DirectoryOptions;
import dev.reef.directory.DirectoryQuery;
import dev.reef.directory.MailboxTerminator;
import dev.reef.directory.Registration;
import dev.reef.spi.DirectoryStore;
import dev.reef.spi.MailboxReceiver;
import dev.reef.spi.ReefBackend;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The rules of the agent directory ({@link AgentDirectory}, docs/directory.md) as tests every
 * {@link DirectoryStore} must pass unchanged.
 *
 * <p>A backend module runs it by extending this class: {@link #newStore()} returns a new store on
 * the test's shared transport (one hub, one broker), so that each directory made from it acts as a
 * separate process; {@link #newBackend()} a backend on the same transport, for mailboxes. Tests use
 * unique channel names and close what they create.
 *
 * <p>Over 450 lines because, like {@link ReefConformanceSuite}, it is one class a backend extends
 * to run every directory rule.
 *
 * <p>Why this file is long: a conformance suite is one abstract class so that a backend runs all of
 * its rules by subclassing it once; each test is one rule of docs/directory.md.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class DirectoryConformanceSuite {
  /** The lease of the suite's directories: short, so that expiry tests are quick. */
  protected static final Duration LEASE = Duration.ofMillis(1500);

  private final List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();
  private String testId;

  /**
   * A new store on the test's shared transport, as a new process would open.
   *
   * @return the store
   */
  protected abstract DirectoryStore newStore();

  /**
   * A new, unstarted backend on the test's shared transport.
   *
   * @return the backend
   */
  protected abstract ReefBackend newBackend();

  @BeforeEach
  void newTestId() {
    testId = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  /**
   * A name unique to this test.
   *
   * @param prefix the prefix
   * @return the name
   */
  protected String unique(String prefix) {
    return prefix + "-" + testId;
  }

  /**
   * A directory, as one process, with the suite's lease; closed after the test.
   *
   * @return the directory
   */
  protected AgentDirectory directory() {
    return directory(newStore());
  }

  private AgentDirectory directory(DirectoryStore store) {
    AgentDirectory d = AgentDirectory.create(store, DirectoryOptions.withLease(LEASE));
    closeables.add(d);
    return d;
  }

  private Reef reef() {
    Reef reef = Reef.create(newBackend());
    closeables.add(reef);
    return reef;
  }

  private static AgentCard analyst() {
    return AgentCard.builder("analyst")
        .kind("llm.analyst")
        .capabilities("risk", "markets")
        .version("1.2.0")
        .description("weighs risks")
        .metadata(Map.of("model", "m-7", "limits", Map.of("tokens", 4096)))
        .build();
  }

  private static List<String> names(List<DirectoryEntry> entries) {
    return entries.stream().map(DirectoryEntry::name).collect(Collectors.toList());
  }

  @Test
  void discoveryFindsCardsByKindWithSubKindsAndByCapability() {
    String ch = unique("dir");
    AgentDirectory a = directory();
    a.register(ch, analyst());
    a.register(
        ch, AgentCard.builder("summarizer").kind("llm.summarizer").capabilities("text").build());
    a.register(ch, AgentCard.builder("clock").kind("tool").capabilities("time").build());

    AgentDirectory b = directory();
    assertThat(names(b.discover(ch, DirectoryQuery.kind("llm"))))
        .containsExactly("analyst", "summarizer");
    assertThat(names(b.discover(ch, DirectoryQuery.capability("risk")))).containsExactly("analyst");
    assertThat(names(b.discover(ch, DirectoryQuery.kind("llm").withCapability("text"))))
        .containsExactly("summarizer");
    assertThat(b.discover(ch, DirectoryQuery.exactKind("llm"))).isEmpty();
    assertThat(names(b.discover(ch, DirectoryQuery.exactKind("llm.analyst"))))
        .containsExactly("analyst");
    assertThat(b.discover(ch, DirectoryQuery.kind("ll"))).as("a prefix is not a kind").isEmpty();
    assertThat(names(b.discover(ch, DirectoryQuery.all())))
        .containsExactly("analyst", "clock", "summarizer");
    assertThat(b.discover(unique("other"), DirectoryQuery.all()))
        .as("channels are separate")
        .isEmpty();
  }

  @Test
  void aProcessStartedLaterSeesTheCardEveryFieldAndTheInstance() {
    String ch = unique("dir");
    Registration reg = directory().register(ch, analyst());

    DirectoryEntry e = directory().lookup(ch, "analyst").orElseThrow();
    assertThat(e.card()).isEqualTo(analyst());
    assertThat(e.card().metadata())
        .isEqualTo(Map.of("model", "m-7", "limits", Map.of("tokens", 4096L)));
    assertThat(e.state()).isEqualTo(AgentState.ACTIVE);
    assertThat(e.instances()).hasSize(1);
    assertThat(e.instances().get(0).id()).isEqualTo(reg.instanceId());
    assertThat(e.instances().get(0).host()).isNotBlank();
    assertThat(e.instances().get(0).pid()).isEqualTo(ProcessHandle.current().pid());
    assertThat(e.instances().get(0).startedAt()).isBeforeOrEqualTo(Instant.now());
    assertThat(e.instances().get(0).lastSeen())
        .isAfterOrEqualTo(e.instances().get(0).startedAt().minusSeconds(1));
  }

  @Test
  void aNewRegistrationOrAnUpdateReplacesTheCardEverywhere() {
    String ch = unique("dir");
    AgentDirectory a = directory();
    AgentDirectory b = directory();
    Registration reg = a.register(ch, analyst());
    List<DirectoryEvent> events = new CopyOnWriteArrayList<>();
    closeables.add(b.watch(ch, events::add));

    reg.update(analyst().toBuilder().version("2.0.0").build());
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(b.lookup(ch, "analyst").orElseThrow().card().version())
                    .isEqualTo("2.0.0"));
    assertThat(a.lookup(ch, "analyst").orElseThrow().card().version())
        .as("read your own write")
        .isEqualTo("2.0.0");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                events.stream()
                    .anyMatch(
                        e ->
                            e.type() == DirectoryEventType.CHANGED
                                && e.entry().card().version().equals("2.0.0")));

    directory().register(ch, AgentCard.builder("analyst").kind("llm.risk").build());
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(b.lookup(ch, "analyst").orElseThrow().card().kind())
                    .isEqualTo("llm.risk"));
    assertThatThrownBy(() -> reg.update(AgentCard.minimal("other")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void severalInstancesOfOneAgentAreListedAsInstances() {
    String ch = unique("dir");
    Registration r1 = directory().register(ch, analyst());
    Registration r2 = directory().register(ch, analyst());
    AgentDirectory c = directory();
    DirectoryEntry e = c.lookup(ch, "analyst").orElseThrow();
    assertThat(e.instances())
        .extracting(i -> i.id())
        .containsExactlyInAnyOrder(r1.instanceId(), r2.instanceId());
    assertThat(c.discover(ch, DirectoryQuery.all())).hasSize(1);
    assertThat(c.status(ch, "analyst").liveInstances()).isEqualTo(2);
  }

  @Test
  void aCleanCloseIsSeenAtOnceAndTheCardStays() {
    String ch = unique("dir");
    AgentDirectory a = directory();
    AgentDirectory b = directory();
    Registration reg = a.register(ch, analyst());
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> b.lookup(ch, "analyst").map(e -> e.state() == AgentState.ACTIVE).orElse(false));

    long start = System.nanoTime();
    reg.close();
    await()
        .atMost(LEASE.dividedBy(2))
        .until(() -> b.lookup(ch, "analyst").orElseThrow().state() == AgentState.IDLE);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(LEASE);
    assertThat(b.discover(ch, DirectoryQuery.all().liveOnly())).isEmpty();
    assertThat(b.discover(ch, DirectoryQuery.all())).hasSize(1);
  }

  @Test
  void aCrashedInstanceIsSeenGoneWithinTheLease() {
    String ch = unique("dir");
    KillableStore killable = new KillableStore(newStore());
    AgentDirectory crashing = directory(killable);
    AgentDirectory b = directory();
    crashing.register(ch, analyst());
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> b.lookup(ch, "analyst").map(e -> e.state() == AgentState.ACTIVE).orElse(false));
    // Still live over two leases: renewals keep it.
    await()
        .during(LEASE.multipliedBy(2))
        .atMost(LEASE.multipliedBy(3))
        .until(() -> b.lookup(ch, "analyst").orElseThrow().state() == AgentState.ACTIVE);

    killable.kill();
    long start = System.nanoTime();
    await()
        .atMost(LEASE.plusSeconds(2))
        .until(() -> b.lookup(ch, "analyst").orElseThrow().state() == AgentState.IDLE);
    Duration detected = Duration.ofNanos(System.nanoTime() - start);
    assertThat(detected).isLessThanOrEqualTo(LEASE.plusMillis(1000));
  }

  @Test
  void watchersSeeJoinedLeftAndChangedAndTheLiveInstancesWhenTheyStart() {
    String ch = unique("dir");
    AgentDirectory a = directory();
    AgentDirectory b = directory();
    Registration early = a.register(ch, AgentCard.minimal("early"));
    List<DirectoryEvent> events = new CopyOnWriteArrayList<>();
    closeables.add(b.watch(ch, events::add));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> has(events, DirectoryEventType.JOINED, "early"));

    Registration reg = a.register(ch, analyst());
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> has(events, DirectoryEventType.JOINED, "analyst"));
    DirectoryEvent joined =
        events.stream()
            .filter(e -> e.type() == DirectoryEventType.JOINED && e.agent().equals("analyst"))
            .findFirst()
            .orElseThrow();
    assertThat(joined.instance().id()).isEqualTo(reg.instanceId());
    assertThat(joined.channel()).isEqualTo(ch);

    a.terminate(ch, "early");
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> has(events, DirectoryEventType.CHANGED, "early"));
    reg.close();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> has(events, DirectoryEventType.LEFT, "analyst"));
    assertThat(early.terminated()).isTrue();
  }

  private static void refused(ThrowingCallable call, String... fragments) {
    var thrown = assertThatThrownBy(call).isInstanceOf(SporeValidationException.class);
    for (String f : fragments) {
      thrown.hasMessageContaining(f);
    }
  }

  private static boolean has(List<DirectoryEvent> events, DirectoryEventType type, String agent) {
    return events.stream().anyMatch(e -> e.type() == type && e.agent().equals(agent));
  }

  @Test
  void invalidKindsCapabilitiesAndOversizeCardsAreRefused() {
    refused(() -> AgentCard.builder("a").kind("llm..x").build(), "kind");
    refused(() -> AgentCard.builder("a").kind("llm.sum marizer").build(), "kind");
    refused(() -> AgentCard.builder("a").kind(".llm").build());
    refused(() -> AgentCard.builder("a").kind("x".repeat(129)).build(), "128");
    refused(() -> AgentCard.builder("a").kind("a.b.c.d.e.f.g.h.i").build(), "segments");
    refused(() -> AgentCard.builder("a").capabilities("r isk").build(), "capabilities");
    refused(() -> AgentCard.builder("a").capabilities("").build());
    refused(() -> AgentCard.builder("a").capabilities("c".repeat(65)).build(), "64");
    refused(() -> AgentCard.builder("bad name").build(), "name");
    refused(() -> AgentCard.builder("a").metadata(Map.of("x", new Object())).build(), "metadata");
    refused(() -> AgentCard.builder("a").version("v".repeat(65)).build(), "version", "64");
    refused(() -> AgentCard.builder("a").description("d".repeat(2049)).build(), "description");
    refused(() -> AgentCard.builder("a").version("1\u0000").build(), "version", "control");
    assertThatThrownBy(
            () ->
                AgentCard.builder("a")
                    .metadata(Map.of("blob", "x".repeat(AgentCard.MAX_CARD_BYTES)))
                    .build())
        .isInstanceOf(SporeValidationException.class)
        .hasMessageContaining("card")
        .hasMessageContaining(Integer.toString(AgentCard.MAX_CARD_BYTES));
    refused(() -> DirectoryQuery.kind("a b"));
    refused(() -> DirectoryQuery.capability("a b"));
    // A card just under the limit passes.
    AgentCard big =
        AgentCard.builder("a")
            .metadata(Map.of("blob", "x".repeat(AgentCard.MAX_CARD_BYTES - 200)))
            .build();
    String ch = unique("dir");
    directory().register(ch, big);
    assertThat(directory().lookup(ch, "a").orElseThrow().card()).isEqualTo(big);
  }

  @Test
  void malformedRecordsFromAForeignProcessAreIgnoredAndCounted() {
    String ch = unique("dir");
    DirectoryStore foreign = newStore();
    closeables.add(foreign);
    String[] bad = {
      "not json",
      "[1,2]",
      "{}",
      "{\"format\":\"reef.directory/1\",\"op\":\"card\",\"agent\":\"x\",\"at\":\"yesterday\"}",
      "{\"format\":\"reef.directory/1\",\"op\":\"card\",\"agent\":\"bad name\","
          + "\"instance\":\"i\",\"at\":\"2026-01-01T00:00:00Z\",\"started_at\":"
          + "\"2026-01-01T00:00:00Z\",\"card\":{\"name\":\"bad name\"}}",
      "{\"format\":\"reef.directory/1\",\"op\":\"card\",\"agent\":\"x\",\"instance\":\"i\","
          + "\"at\":\"2026-01-01T00:00:00Z\",\"started_at\":\"2026-01-01T00:00:00Z\","
          + "\"card\":{\"name\":\"x\",\"kind\":\"a..b\"}}",
      "{\"format\":\"reef.directory/1\",\"op\":\"lease\",\"agent\":\"x\",\"instance\":\"i\","
          + "\"at\":\"2026-01-01T00:00:00Z\",\"started_at\":\"2026-01-01T00:00:00Z\","
          + "\"lease_ms\":-5}",
    };
    for (String b : bad) {
      foreign.append(ch, DirectoryStore.Log.RECORDS, b.getBytes(StandardCharsets.UTF_8)).join();
    }
    foreign.append(ch, DirectoryStore.Log.LEASES, new byte[] {(byte) 0xff, 0}).join();
    // A record of a newer format or an unknown op is skipped, not malformed.
    foreign
        .append(
            ch,
            DirectoryStore.Log.RECORDS,
            "{\"format\":\"reef.directory/1\",\"op\":\"future-op\"}"
                .getBytes(StandardCharsets.UTF_8))
        .join();
    // A foreign but valid card is read.
    foreign
        .append(
            ch,
            DirectoryStore.Log.RECORDS,
            ("{\"format\":\"reef.directory/1\",\"op\":\"card\",\"agent\":\"py\",\"instance\":\"p1\","
                    + "\"at\":\"2026-01-01T00:00:00+00:00\",\"host\":\"h\",\"pid\":7,"
                    + "\"started_at\":\"2026-01-01T00:00:00+00:00\",\"card\":{\"name\":\"py\","
                    + "\"kind\":\"llm.python\",\"capabilities\":[\"risk\"]}}")
                .getBytes(StandardCharsets.UTF_8))
        .join();

    AgentDirectory d = directory();
    d.register(ch, analyst());
    assertThat(d.malformedRecords()).isEqualTo(bad.length + 1);
    assertThat(names(d.discover(ch, DirectoryQuery.capability("risk"))))
        .containsExactly("analyst", "py");
  }

  @Test
  void statusIsUnknownIdleActiveOrTerminatedWithTheMailboxDepthAndConsumers() {
    String ch = unique("dir");
    AgentDirectory d = directory();
    assertThat(d.status(ch, "nobody")).isEqualTo(new AgentStatus(AgentState.UNKNOWN, -1, -1, 0));

    Reef reef = reef();
    reef.channel(ch).declareMailbox("worker");
    reef.channel(ch).send("boss", "worker", Map.of("n", 1)).join();
    reef.channel(ch).send("boss", "worker", Map.of("n", 2)).join();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(d.status(ch, "worker"))
                    .isEqualTo(new AgentStatus(AgentState.IDLE, 2, 0, 0)));

    Registration reg = directory().register(ch, AgentCard.minimal("worker"));
    List<Spore> got = new CopyOnWriteArrayList<>();
    reef.channel(ch).subscribe("worker", got::add);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(d.status(ch, "worker"))
                    .isEqualTo(new AgentStatus(AgentState.ACTIVE, 0, 1, 1)));
    assertThat(got).hasSize(2);

    reg.close();
    d.terminate(ch, "worker");
    assertThat(d.status(ch, "worker").state()).isEqualTo(AgentState.TERMINATED);
  }

  @Test
  void terminationIsDurableStopsTheLeaseAndRefusesReRegistrationUntilRevived() {
    String ch = unique("dir");
    AgentDirectory a = directory();
    Registration reg = a.register(ch, analyst());
    directory().terminate(ch, "analyst");
    await().atMost(Duration.ofSeconds(5)).until(reg::terminated);
    assertThat(a.isTerminated(ch, "analyst")).isTrue();

    AgentDirectory later = directory();
    assertThat(later.lookup(ch, "analyst").orElseThrow().state()).isEqualTo(AgentState.TERMINATED);
    assertThat(later.lookup(ch, "analyst").orElseThrow().instances()).isEmpty();
    assertThat(later.discover(ch, DirectoryQuery.kind("llm").liveOnly())).isEmpty();
    assertThatThrownBy(() -> later.register(ch, analyst()))
        .isInstanceOf(AgentTerminatedException.class)
        .hasMessageContaining("analyst");
    assertThatThrownBy(() -> reg.update(analyst())).isInstanceOf(AgentTerminatedException.class);
    // The terminated instance no longer renews: it does not come back over a lease.
    await()
        .during(LEASE)
        .atMost(LEASE.multipliedBy(2))
        .until(() -> later.status(ch, "analyst").liveInstances() == 0);

    later.revive(ch, "analyst");
    Registration again = later.register(ch, analyst());
    // Another process sees the revived agent live once it has read a lease younger than LEASE;
    // on a loaded machine its first read of the history may find only older ones.
    AgentDirectory other = directory();
    await()
        .atMost(LEASE.multipliedBy(4))
        .untilAsserted(
            () ->
                assertThat(other.lookup(ch, "analyst").orElseThrow().state())
                    .isEqualTo(AgentState.ACTIVE));
    assertThat(again.terminated()).isFalse();
  }

  @Test
  void closingADirectoryLeavesItsRegistrationsButNeverTerminates() {
    String ch = unique("dir");
    AgentDirectory a = AgentDirectory.create(newStore(), DirectoryOptions.withLease(LEASE));
    a.register(ch, analyst());
    AgentDirectory b = directory();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> b.lookup(ch, "analyst").map(e -> e.state() == AgentState.ACTIVE).orElse(false));
    a.close();
    await()
        .atMost(LEASE.dividedBy(2))
        .until(() -> b.lookup(ch, "analyst").orElseThrow().state() == AgentState.IDLE);
    assertThat(b.isTerminated(ch, "analyst")).isFalse();
    b.close();
    // Every process is gone: one started now still finds the card, without instances.
    DirectoryEntry later = directory().lookup(ch, "analyst").orElseThrow();
    assertThat(later.state()).isEqualTo(AgentState.IDLE);
    assertThat(later.card()).isEqualTo(analyst());
    directory().register(ch, analyst());
  }

  @Test
  void receiveTakesTheNextSporeOrThrowsATypedTimeout() {
    String ch = unique("pull");
    ReefBackend backend = newBackend();
    Reef reef = Reef.create(backend);
    closeables.add(reef);
    reef.channel(ch).declareMailbox("puller");
    reef.channel(ch).send("boss", "puller", Map.of("n", 1)).join();
    reef.channel(ch).send("boss", "puller", Map.of("n", 2)).join();
    try (MailboxReceiver receiver = backend.receiver(ch, "puller")) {
      MailboxReceiver.Received first = receiver.receive(Duration.ofSeconds(10));
      assertThat(n(first.spore())).isEqualTo(1);
      assertThat(first.attempt()).isEqualTo(1);
      first.ack();
      assertThat(n(receiver.take(Duration.ofSeconds(10)))).isEqualTo(2);
      long start = System.nanoTime();
      assertThatThrownBy(() -> receiver.receive(Duration.ofMillis(300)))
          .isInstanceOf(ReceiveTimeoutException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isGreaterThanOrEqualTo(Duration.ofMillis(290));
      reef.channel(ch).send("boss", "puller", Map.of("n", 3)).join();
      assertThat(n(receiver.take(Duration.ofSeconds(10)))).isEqualTo(3);
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(directory().status(ch, "puller").mailboxDepth()).isZero());
  }

  @Test
  void aNackedSporeComesBackUnderTheRetryPolicyAndAClosedReceiverHandsBackWhatItHeld() {
    String ch = unique("pull");
    ReefBackend backend = newBackend();
    Reef reef = Reef.create(backend);
    closeables.add(reef);
    reef.channel(ch).declareMailbox("puller");
    reef.channel(ch).send("boss", "puller", Map.of("n", 1)).join();
    try (MailboxReceiver receiver = backend.receiver(ch, "puller")) {
      MailboxReceiver.Received r = receiver.receive(Duration.ofSeconds(10));
      r.nack(new IllegalStateException("not now"));
      MailboxReceiver.Received again = receiver.receive(Duration.ofSeconds(10));
      assertThat(again.spore().id()).isEqualTo(r.spore().id());
      assertThat(again.attempt()).isEqualTo(2);
      again.ack();
      reef.channel(ch).send("boss", "puller", Map.of("n", 2)).join();
      // Read ahead but never taken: it goes back to the mailbox when the receiver closes.
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> directory().status(ch, "puller").mailboxDepth() == 0);
    }
    ReefBackend other = newBackend();
    Reef second = Reef.create(other);
    closeables.add(second);
    try (MailboxReceiver receiver = other.receiver(ch, "puller")) {
      assertThat(n(receiver.take(Duration.ofSeconds(10)))).isEqualTo(2);
    }
  }

  @Test
  void terminatingAnswersEveryWaitingRequestAtOnceAndDeadLettersTheRest() throws Exception {
    String ch = unique("term");
    Reef asker = reef();
    ReefBackend drainer = newBackend();
    closeables.add(Reef.create(drainer));
    AgentDirectory d = directory();
    asker.channel(ch).declareMailbox("victim");
    asker.channel(ch).send("boss", "victim", Map.of("n", 0)).join();
    List<CompletableFuture<Spore>> asks = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      asks.add(asker.channel(ch).ask("asker", "victim", Map.of("n", i), Duration.ofSeconds(30)));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> d.status(ch, "victim").mailboxDepth() == 6);
    Registration live = directory().register(ch, AgentCard.minimal("victim"));
    CompletableFuture<Void> stopped = new CompletableFuture<>();
    live.onTerminated(() -> stopped.complete(null));

    long start = System.nanoTime();
    MailboxTerminator.Result result =
        MailboxTerminator.terminate(d, drainer, ch, "victim", Duration.ofMillis(500));
    assertThat(result).isEqualTo(new MailboxTerminator.Result(5, 1));
    for (CompletableFuture<Spore> ask : asks) {
      // Each asker fails at once with the typed exception, far from its 30 s timeout.
      Throwable failure = ask.handle((r, e) -> e).get(5, TimeUnit.SECONDS);
      assertThat(failure).isInstanceOf(AgentTerminatedException.class);
      assertThat(((AgentTerminatedException) failure).agent()).isEqualTo("victim");
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    stopped.get(5, TimeUnit.SECONDS);
    assertThat(live.terminated()).isTrue();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(d.status(ch, "victim"))
                    .extracting(AgentStatus::state, AgentStatus::mailboxDepth)
                    .containsExactly(AgentState.TERMINATED, 0L));
  }

  @Test
  void aGatherByCapabilityAsksEveryLiveMatchingAgentAndReportsWhoDidNotAnswer() {
    String ch = unique("gather");
    Reef reef = reef();
    AgentDirectory d = directory();
    reef.channel(ch)
        .subscribe("analyst", s -> reef.channel(ch).reply(s, "analyst", Map.of("ok", 1)));
    reef.channel(ch).subscribe("quant", s -> {});
    reef.channel(ch).subscribe("writer", s -> reef.channel(ch).reply(s, "writer", Map.of("ok", 1)));
    reef.channel(ch).declareMailbox("coordinator");
    d.register(ch, AgentCard.builder("analyst").capabilities("risk").build());
    d.register(ch, AgentCard.builder("quant").capabilities("risk").build());
    d.register(ch, AgentCard.builder("writer").capabilities("text").build());
    directory().register(ch, AgentCard.builder("retired").capabilities("risk").build()).close();

    // Another process's leave reaches this one soon, not at once.
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(
                        CapabilityGather.targets(
                            d, ch, "coordinator", DirectoryQuery.capability("risk")))
                    .containsExactly("analyst", "quant"));
    GatherResult result =
        CapabilityGather.gather(
                d,
                reef.channel(ch),
                "coordinator",
                DirectoryQuery.capability("risk"),
                Map.of("q", 1),
                GatherOptions.custom().timeout(Duration.ofSeconds(2)).build())
            .join();
    assertThat(result.replies()).extracting(Spore::fromAgent).containsExactly("analyst");
    assertThat(result.missing()).containsExactly("quant");
    assertThatThrownBy(
            () ->
                CapabilityGather.gather(
                        d,
                        reef.channel(ch),
                        "coordinator",
                        DirectoryQuery.capability("nobody-has-it"),
                        Map.of(),
                        GatherOptions.ofDefaults())
                    .join())
        .hasCauseInstanceOf(ReefException.class);
  }

  @Test
  void terminationsAndCardsAreWrittenAgainSoThatTheyOutliveTheRetention() throws Exception {
    String ch = unique("refresh");
    DirectoryStore raw = newStore();
    closeables.add(raw);
    List<String> records = new CopyOnWriteArrayList<>();
    closeables.add(
        raw.follow(
            ch,
            DirectoryStore.Log.RECORDS,
            b -> records.add(new String(b, StandardCharsets.UTF_8))));
    Duration refresh = Duration.ofMillis(600);
    AgentDirectory d =
        AgentDirectory.create(
            newStore(),
            new DirectoryOptions(LEASE, LEASE.dividedBy(3), refresh, LEASE.multipliedBy(7)));
    closeables.add(d);
    d.register(ch, AgentCard.minimal("live"));
    d.terminate(ch, "gone");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                count(records, "\"op\":\"terminate\"") >= 3
                    && count(records, "\"op\":\"card\"") >= 3);
  }

  private static long count(List<String> records, String fragment) {
    return records.stream().filter(r -> r.contains(fragment)).count();
  }

  private static int n(Spore spore) {
    return ((Number) spore.knowledge().get("n")).intValue();
  }

  /** A store that, once killed, writes nothing more: the process "crashed". */
  private static final class KillableStore extends ForwardingDirectoryStore {
    private volatile boolean killed;

    KillableStore(DirectoryStore delegate) {
      super(delegate);
    }

    void kill() {
      killed = true;
    }

    @Override
    public CompletableFuture<Void> append(String channel, Log log, byte[] record) {
      return killed
          ? CompletableFuture.failedFuture(new ReefException("crashed: nothing is written"))
          : delegate.append(channel, log, record);
    }
  }

  // ---- the directory wired into the reef (Reef#directory) ----

  @Test
  void aReefHasOneDirectoryOnItsTransportThatClosesWithTheReef() {
    String ch = unique("wired");
    Reef reef = reef();
    AgentDirectory mine = reef.directory();
    assertThat(reef.directory()).isSameAs(mine);
    mine.register(ch, analyst());

    AgentDirectory other = directory(); // another process, on the same transport
    assertThat(names(other.discover(ch, DirectoryQuery.capability("risk"))))
        .containsExactly("analyst");
    assertThat(other.status(ch, "analyst").state()).isEqualTo(AgentState.ACTIVE);

    reef.close();
    assertThatThrownBy(reef::directory).isInstanceOf(ReefClosedException.class);
    await() // the reef's registration left with it; the card stays
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> assertThat(other.status(ch, "analyst").state()).isEqualTo(AgentState.IDLE));
  }

  @Test
  void sendsAndAsksToAnAgentTheReefsDirectoryKnowsAsTerminatedFailAtOnce() {
    String ch = unique("wired");
    Reef reef = reef();
    reef.directory();
    List<Spore> live = new CopyOnWriteArrayList<>();
    reef.channel(ch).subscribe("live", live::add); // the reef's directory now follows ch
    directory().terminate(ch, "victim"); // by another process
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> reef.directory().isKnownTerminated(ch, "victim"));

    CompletableFuture<Spore> send = reef.channel(ch).send("boss", "victim", Map.of("n", 1));
    CompletableFuture<Spore> ask =
        reef.channel(ch).ask("boss", "victim", Map.of("n", 2), Duration.ofSeconds(30));
    assertThat(send)
        .failsWithin(Duration.ofSeconds(1))
        .withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(AgentTerminatedException.class);
    assertThat(ask)
        .failsWithin(Duration.ofSeconds(1)) // not after its 30 s timeout
        .withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(AgentTerminatedException.class);
    assertThat(reef.stats().agent(ch, "boss", SporeEvent.SEND_FAILED)).isEqualTo(2);

    reef.channel(ch).send("boss", "live", Map.of("n", 3)).join(); // others still take spores
    await().atMost(Duration.ofSeconds(10)).until(() -> live.size() == 1);
  }

  @Test
  void aTerminatedAgentsHandlersStopAndItCannotSubscribeOrBeSentToAgain() {
    String ch = unique("wired");
    Reef worker = reef();
    worker.directory().register(ch, AgentCard.minimal("victim"));
    List<Spore> received = new CopyOnWriteArrayList<>();
    Subscription subscription = worker.channel(ch).subscribe("victim", received::add);
    Reef plain = reef(); // a reef without a directory: its sends are not checked
    plain.channel(ch).send("boss", "victim", Map.of("n", 1)).join();
    await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);

    AgentDirectory other = directory();
    other.terminate(ch, "victim");
    await() // the worker's reef stopped consuming the mailbox
        .atMost(Duration.ofSeconds(10))
        .until(() -> other.status(ch, "victim").consumers() == 0);
    assertThat(subscription.ended().toCompletableFuture())
        .as("the subscription completes with the terminated signal")
        .failsWithin(Duration.ofSeconds(10))
        .withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(AgentTerminatedException.class);
    plain.channel(ch).send("boss", "victim", Map.of("n", 2)).join();
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(2))
        .until(() -> received.size() == 1);

    assertThat(worker.channel(ch).send("boss", "victim", Map.of("n", 3)))
        .failsWithin(Duration.ofSeconds(1))
        .withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(AgentTerminatedException.class);
    assertThatThrownBy(() -> worker.channel(ch).subscribe("victim", received::add))
        .isInstanceOf(AgentTerminatedException.class);
    assertThat(received).hasSize(1);
  }
}
