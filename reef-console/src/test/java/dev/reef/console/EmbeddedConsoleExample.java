package dev.reef.console;

import dev.reef.Reef;

/** The embedding example of docs/console.md, compiled (ConsoleDocsTest keeps the doc identical). */
final class EmbeddedConsoleExample {
  private EmbeddedConsoleExample() {}

  static ReefConsole embed(Reef reef, String token, String brokerUriOrNull) {
    // console:embed:start
    ReefConsole console =
        ReefConsole.builder()
            .reef(reef) // the application's reef; the console never closes it
            .channel("main")
            .port(0) // any free port: console.url() says which
            .token(token) // terminate, cancel, replay, purge need it (X-Reef-Console-Token)
            .amqpUri(brokerUriOrNull) // the Flow view's tap on RabbitMQ; null: no flow tail
            .start();
    System.out.println("Reef console at " + console.url());
    // console:embed:end
    return console;
  }
}
