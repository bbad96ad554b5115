package dev.reef.examples.praval;

import dev.reef.Reef;
import dev.reef.ReefChannel;
import dev.reef.SporeType;
import dev.reef.Subscription;
import dev.reef.amqp.AmqpBackend;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/**
 * A Java agent that answers requests from Python Praval agents (docs/praval-compatibility.md).
 *
 * <p>It joins Praval's exchange through a Reef channel mapped to it ({@link
 * AmqpBackend.Builder#pravalChannel(String, String)}), so it speaks Praval's wire format: routing
 * keys {@code agent.<to>.<type>} / {@code broadcast.<type>}, Praval's 14 string headers, and plain
 * or v2-envelope JSON bodies. Its mailbox is the durable queue {@code reef.praval.<agent>}, bound
 * to {@code agent.<agent>.*} and {@code broadcast.*} on that exchange, so requests wait for it
 * while it is down. Every {@code request} spore addressed to it gets a {@code response} with {@code
 * reply_to} = the request's id, sent to the requesting agent; a Python agent sees it in its handler
 * like any Praval response.
 *
 * <p>Run: {@code REEF_AMQP_URI=amqp://guest:guest@localhost:5672 java ... JavaResponder [exchange]
 * [agent]} (defaults {@code praval.spores} and {@code java_agent}); stop with Ctrl-C.
 */
public final class JavaResponder {
  /** The Reef channel mapped to Praval's exchange. */
  static final String CHANNEL = "praval";

  private JavaResponder() {}

  /**
   * Subscribes {@code agent} on a channel: every {@code request} spore gets a {@code response} to
   * its sender with {@code reply_to} = the request's id and the knowledge {@code {"echo": <request
   * knowledge>, "agent": <agent>, "runtime": "java <version>"}}; other spores are acknowledged and
   * ignored. A request is settled when the broker has confirmed the answer; if the answer fails
   * (for example the Python agent has gone), the request is retried and finally dead-lettered.
   *
   * @param channel a channel mapped to Praval's exchange (or any channel)
   * @param agent this agent's name
   * @return the subscription
   */
  public static Subscription answerRequests(ReefChannel channel, String agent) {
    return channel.subscribeAsync(
        agent,
        spore -> {
          if (spore.type() != SporeType.REQUEST) {
            // broadcasts and notifications from Python agents: nothing to answer
            return CompletableFuture.completedFuture(null);
          }
          Map<String, Object> answer = new LinkedHashMap<>();
          answer.put("echo", spore.knowledge());
          answer.put("agent", agent);
          answer.put("runtime", "java " + Runtime.version().feature());
          return channel.reply(spore, agent, answer);
        });
  }

  /**
   * Starts the responder and runs until the JVM is stopped.
   *
   * @param args optional: Praval's exchange name, then this agent's name
   * @throws InterruptedException if interrupted while running
   */
  public static void main(String[] args) throws InterruptedException {
    String exchange = args.length > 0 ? args[0] : "praval.spores";
    String agent = args.length > 1 ? args[1] : "java_agent";
    String uri = System.getenv().getOrDefault(AmqpBackend.URI_ENV, AmqpBackend.DEFAULT_URI);

    AmqpBackend backend = AmqpBackend.builder().uri(uri).pravalChannel(CHANNEL, exchange).build();
    Reef reef = Reef.create(backend);
    answerRequests(reef.channel(CHANNEL), agent);
    CountDownLatch closed = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  reef.close(); // drains in-flight handlers, then closes the connection
                  closed.countDown();
                },
                "responder-stop"));
    System.out.println(
        agent
            + " answers requests on exchange "
            + exchange
            + " at "
            + uri.replaceAll("//[^@/]*@", "//") // never print credentials
            + "; Ctrl-C to stop");
    closed.await();
  }
}
