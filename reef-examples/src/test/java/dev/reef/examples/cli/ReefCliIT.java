package dev.reef.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.reef.Reef;
import dev.reef.RetryPolicy;
import dev.reef.Spore;
import dev.reef.SporeType;
import dev.reef.SubscribeMode;
import dev.reef.UnknownAgentException;
import dev.reef.amqp.AmqpBackend;
import dev.reef.amqp.test.RabbitMqBroker;
import dev.reef.amqp.test.TestBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The operator tool against the real broker: send, tail, mailboxes (dead letters) and replay. */
@ExtendWith(RabbitMqBroker.class)
class ReefCliIT {

  @Test
  void sendFromThePackagedJarReachesTheAgentAndFailsForAnUnknownOne(
      TestBroker broker, @TempDir Path dir) throws Exception {
    String channel = channel(broker, "cli-send");
    String agent = mailbox(broker, channel, "inbox");
    List<Spore> got = new CopyOnWriteArrayList<>();
    try (Reef reef = reef(broker, null)) {
      reef.channel(channel).subscribe(agent, got::add);

      Result ok =
          jar(
              dir,
              broker,
              "send",
              "--channel",
              channel,
              "--to",
              agent,
              "--type",
              "request",
              "--priority",
              "8",
              "--knowledge",
              "{\"note\":\"hello from the operator\"}");
      assertThat(ok.code()).as(ok.output()).isZero();
      assertThat(ok.output()).contains("sent request ", "operator -> " + agent, "(p8)");

      await().atMost(Duration.ofSeconds(60)).until(() -> got.size() == 1);
      Spore s = got.get(0);
      assertThat(s.fromAgent()).isEqualTo("operator");
      assertThat(s.toAgent()).isEqualTo(agent);
      assertThat(s.type()).isEqualTo(SporeType.REQUEST);
      assertThat(s.priority()).isEqualTo(8);
      assertThat(s.knowledge()).containsEntry("note", "hello from the operator");
      assertThat(ok.output()).contains(s.id());

      Result unknown = jar(dir, broker, "send", "--channel", channel, "--to", "nobody-here");
      assertThat(unknown.code()).as(unknown.output()).isEqualTo(4);
      assertThat(unknown.output()).contains("no mailbox for agent 'nobody-here'");
    }
  }

  @Test
  void tailPrintsTheChannelsTrafficWithoutTakingSporesFromAgents(TestBroker broker)
      throws Exception {
    String channel = channel(broker, "cli-tail");
    String bob = mailbox(broker, channel, "bob");
    String carol = mailbox(broker, channel, "carol");
    try (Reef reef = reef(broker, null)) {
      reef.channel(channel).declareMailbox(bob);
      reef.channel(channel).declareMailbox(carol);
      Captured out = new Captured();
      Captured err = new Captured();
      CompletableFuture<Integer> tail =
          CompletableFuture.supplyAsync(
              () ->
                  cli(
                      out,
                      err,
                      broker,
                      "tail",
                      "--channel",
                      channel,
                      "--agents",
                      bob,
                      "--count",
                      "2",
                      "--for",
                      "60s"));
      await().atMost(Duration.ofSeconds(60)).until(() -> err.text().contains("tailing channel"));

      reef.channel(channel)
          .broadcast("alice", Map.of("news", "tide is high"))
          .get(10, TimeUnit.SECONDS);
      reef.channel(channel).send("alice", bob, Map.of("note", "for bob")).get(10, TimeUnit.SECONDS);
      // The tail binds only broadcasts and the named agents: a spore to an unknown agent is still
      // refused, not swallowed by the tail's queue.
      assertThatThrownBy(
              () ->
                  reef.channel(channel).send("alice", "ghost", Map.of()).get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(UnknownAgentException.class);

      assertThat(tail.get(90, TimeUnit.SECONDS)).as(err.text()).isZero();
      List<String> lines = out.text().lines().toList();
      assertThat(lines).hasSize(2);
      assertThat(lines.get(0))
          .contains(
              "broadcast.broadcast",
              "alice",
              "-> *",
              "broadcast    p5",
              "{\"news\":\"tide is high\"}");
      assertThat(lines.get(1))
          .contains(
              "agent." + bob + ".knowledge", "alice", "-> " + bob, "knowledge    p5", "for bob");
      // The agents still have their spores: bob both, carol the broadcast.
      assertThat(broker.messageCount("reef." + channel + "." + bob)).isEqualTo(2);
      assertThat(broker.messageCount("reef." + channel + "." + carol)).isEqualTo(1);
    }
  }

  @Test
  void mailboxesShowsDepthsAndDeadLettersAndReplayPutsOneBackIntoItsMailbox(TestBroker broker)
      throws Exception {
    String channel = channel(broker, "cli-dead");
    String worker = mailbox(broker, channel, "worker");
    String idle = mailbox(broker, channel, "idle");
    String dlq = broker.deleteQueueAfter(TestBroker.unique("reef.dead-it"));
    broker.deleteExchangeAfter(dlq + "-x");
    List<Spore> handled = new CopyOnWriteArrayList<>();
    try (Reef reef = reef(broker, dlq)) {
      var ch = reef.channel(channel);
      ch.declareMailbox(idle);
      ch.send("alice", idle, Map.of("n", 1)).get(10, TimeUnit.SECONDS);
      ch.send("alice", idle, Map.of("n", 2)).get(10, TimeUnit.SECONDS);
      ch.subscribe(
          worker,
          s -> {
            throw new IllegalStateException("disk full");
          });
      Spore doomed = ch.send("alice", worker, Map.of("job", "resize")).get(10, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(60)).until(() -> broker.messageCount(dlq) == 1);

      Captured out = new Captured();
      Captured err = new Captured();
      int code =
          cli(
              out,
              err,
              broker,
              "mailboxes",
              "--channel",
              channel,
              "--agents",
              worker + "," + idle + ",never-declared",
              "--dead-letters",
              dlq);
      assertThat(code).as(err.text()).isZero();
      assertThat(out.text())
          .containsPattern("reef\\." + channel + "\\." + idle + " +2 ready +0 consumers")
          .containsPattern("reef\\." + channel + "\\." + worker + " +0 ready +1 consumers")
          .containsPattern("reef\\." + channel + "\\.never-declared +no mailbox")
          .contains("Dead letters in " + dlq + ": 1")
          .contains(doomed.id() + "  alice -> " + worker + "  knowledge p5")
          .contains("from reef." + channel + "." + worker, "reason=handler_failed", "attempts=2")
          .contains("disk full");
      // Looking did not take it.
      assertThat(broker.messageCount(dlq)).isEqualTo(1);

      // The operator fixes the worker, then replays the dead letter into its mailbox.
      ch.subscribe(worker, handled::add, SubscribeMode.REPLACE);
      Captured out2 = new Captured();
      code =
          cli(
              out2,
              err,
              broker,
              "replay",
              "--channel",
              channel,
              "--id",
              doomed.id(),
              "--dead-letters",
              dlq);
      assertThat(code).as(err.text() + out2.text()).isZero();
      assertThat(out2.text())
          .contains(
              "replayed " + doomed.id() + " (handler_failed) to reef." + channel + "." + worker);
      await().atMost(Duration.ofSeconds(60)).until(() -> handled.size() == 1);
      assertThat(handled.get(0).id()).isEqualTo(doomed.id());
      assertThat(handled.get(0).knowledge()).containsEntry("job", "resize");
      assertThat(broker.messageCount(dlq)).isZero();

      Captured out3 = new Captured();
      code =
          cli(
              out3,
              err,
              broker,
              "replay",
              "--channel",
              channel,
              "--id",
              "no-such-id",
              "--dead-letters",
              dlq);
      assertThat(code).isEqualTo(1);
      assertThat(out3.text()).contains("no dead letter with id no-such-id");
    }
  }

  @Test
  void byDefaultEachChannelHasItsOwnDeadLetterQueueAndReplayAllEmptiesIt(TestBroker broker)
      throws Exception {
    String channel = channel(broker, "cli-own");
    String worker = mailbox(broker, channel, "worker");
    String dlq = "reef-dlq." + channel; // deleted after the test by channel(...)
    List<Spore> handled = new CopyOnWriteArrayList<>();
    try (Reef reef = reef(broker, null)) {
      var ch = reef.channel(channel);
      ch.subscribe(
          worker,
          s -> {
            throw new IllegalStateException("disk full");
          });
      ch.send("alice", worker, Map.of("n", 1)).get(10, TimeUnit.SECONDS);
      ch.send("alice", worker, Map.of("n", 2)).get(10, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(60)).until(() -> broker.messageCount(dlq) == 2);

      Captured out = new Captured();
      Captured err = new Captured();
      int code = cli(out, err, broker, "mailboxes", "--channel", channel, "--agents", worker);
      assertThat(code).as(err.text()).isZero();
      assertThat(out.text()).contains("Dead letters in " + dlq + ": 2");

      ch.subscribe(worker, handled::add, SubscribeMode.REPLACE);
      Captured out2 = new Captured();
      code = cli(out2, err, broker, "replay", "--channel", channel, "--all");
      assertThat(code).as(err.text() + out2.text()).isZero();
      assertThat(out2.text()).contains("replayed 2 dead letter(s) of '" + channel + "'");
      await().atMost(Duration.ofSeconds(60)).until(() -> handled.size() == 2);
      assertThat(broker.messageCount(dlq)).isZero();
    }
  }

  // ---- helpers ----

  private static String channel(TestBroker broker, String prefix) {
    String channel = TestBroker.unique(prefix);
    broker.deleteExchangeAfter("reef." + channel);
    broker.deleteExchangeAfter("reef-dlx." + channel);
    broker.deleteQueueAfter("reef-dlq." + channel);
    return channel;
  }

  private static String mailbox(TestBroker broker, String channel, String prefix) {
    String agent = TestBroker.unique(prefix);
    broker.deleteQueueAfter("reef." + channel + "." + agent);
    return agent;
  }

  /** An AMQP reef; with a dead-letter queue of its own when named, and two attempts only. */
  private static Reef reef(TestBroker broker, String deadLetterQueue) {
    AmqpBackend.Builder b =
        AmqpBackend.builder()
            .uri(broker.uri())
            .retryPolicy(
                RetryPolicy.custom().maxAttempts(2).initialBackoff(Duration.ofMillis(50)).build());
    if (deadLetterQueue != null) {
      b.deadLetterQueue(deadLetterQueue).deadLetterExchange(deadLetterQueue + "-x");
    }
    return Reef.create(b.build());
  }

  private static int cli(Captured out, Captured err, TestBroker broker, String... args) {
    List<String> all = new java.util.ArrayList<>(List.of(args));
    all.add("--uri");
    all.add(broker.uri());
    try {
      return ReefCli.run(all, Map.of(), out.stream(), err.stream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  record Result(int code, String output) {}

  /** Runs {@code java -jar target/reef-cli.jar ...} as a user would. */
  private static Result jar(Path dir, TestBroker broker, String... args) throws Exception {
    Path jar = Path.of("target", "reef-cli.jar").toAbsolutePath();
    assertThat(jar).as("run the ITs with mvn verify, after package").isRegularFile();
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m",
                "-jar",
                jar.toString()));
    command.addAll(List.of(args));
    Path log = Files.createTempFile(dir, "cli", ".log");
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("REEF_AMQP_URI", broker.uri());
    Process p = pb.start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError("reef-cli did not finish: " + Files.readString(log));
    }
    return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }
}
