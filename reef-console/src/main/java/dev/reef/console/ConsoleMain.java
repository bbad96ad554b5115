package dev.reef.console;

import dev.reef.Reef;
import dev.reef.ReefException;
import dev.reef.SporeValidationException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar reef-console/target/reef-console.jar --uri amqp://user:pass@host:5672/%2F
 * --channel main}: connects a reef to the broker, starts a {@link ReefConsole} on it (with the flow
 * tap) and serves until Ctrl-C.
 *
 * <p>Options: {@code --uri} (else {@code REEF_AMQP_URI}, else {@value #DEFAULT_URI}), {@code
 * --channel} (repeatable or comma-separated; default the reef's default channel), {@code --port}
 * (default {@value ReefConsole#DEFAULT_PORT}), {@code --bind} (default {@value
 * ReefConsole#DEFAULT_BIND}), {@code --token} (else {@value #TOKEN_ENV}, else a random one printed
 * once on standard output). The broker URI is printed without its credentials.
 */
public final class ConsoleMain {
  /** The broker when neither {@code --uri} nor {@code REEF_AMQP_URI} names one. */
  public static final String DEFAULT_URI = "amqp://guest:guest@localhost:5672";

  /** The environment variable that may hold the token. */
  public static final String TOKEN_ENV = "REEF_CONSOLE_TOKEN";

  private ConsoleMain() {}

  /**
   * Runs the console until the process is stopped.
   *
   * @param args the options
   * @throws InterruptedException if interrupted while serving
   */
  public static void main(String[] args) throws InterruptedException {
    int code = run(args, System.getenv(), System.out, System.err, new CountDownLatch(1));
    if (code != 0) {
      System.exit(code);
    }
  }

  /**
   * Parses the options, starts the console and waits for {@code stop} (or a shutdown).
   *
   * @return the exit code: 0, 2 for bad options, 3 when the broker or the port failed
   */
  static int run(
      String[] args, Map<String, String> env, PrintStream out, PrintStream err, CountDownLatch stop)
      throws InterruptedException {
    String uri = env.getOrDefault(Reef.AMQP_URI_ENV, DEFAULT_URI);
    String token = env.get(TOKEN_ENV);
    List<String> channels = new ArrayList<>();
    ReefConsole.Builder builder = ReefConsole.builder();
    try {
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (a.equals("--help") || a.equals("-h")) {
          out.println(
              "usage: java -jar reef-console.jar [--uri amqp://user:pass@host:5672/%2F]"
                  + " [--channel main[,other]] [--port 8420] [--bind 127.0.0.1] [--token T]");
          return 0;
        }
        if (i + 1 >= args.length || !a.startsWith("--")) {
          throw new IllegalArgumentException("expected --option value, got '" + a + "'");
        }
        String v = args[++i];
        switch (a) {
          case "--uri" -> uri = v;
          case "--channel" -> {
            for (String c : v.split(",")) {
              if (!c.isBlank()) {
                channels.add(c.trim());
              }
            }
          }
          case "--port" -> builder.port(Integer.parseInt(v));
          case "--bind" -> builder.bind(v);
          case "--token" -> token = v;
          default -> throw new IllegalArgumentException("unknown option " + a);
        }
      }
      channels.forEach(builder::channel);
      if (token != null) {
        builder.token(token);
      }
    } catch (IllegalArgumentException | SporeValidationException e) {
      err.println("reef-console: " + e.getMessage());
      return 2;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "reef-console-stop"));
    try {
      return serve(uri, token, builder, out, stop);
    } catch (ReefException | UncheckedIOException | IllegalArgumentException e) {
      // Reef's messages never hold credentials.
      err.println("reef-console: " + e.getMessage());
      return 3;
    }
  }

  private static int serve(
      String uri, String token, ReefConsole.Builder builder, PrintStream out, CountDownLatch stop)
      throws InterruptedException {
    try (Reef reef = Reef.connect(uri);
        ReefConsole console = builder.reef(reef).amqpUri(uri).start()) {
      out.println(
          "Reef console at "
              + console.url()
              + " (broker "
              + Texts.displayUri(uri)
              + ", channels "
              + console.channels()
              + ")");
      if (token == null) {
        out.println("token for actions (terminate, replay, purge): " + console.token());
      }
      out.flush();
      stop.await();
    }
    return 0;
  }
}
