package dev.reef.examples.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The operator's tool for a Reef on RabbitMQ: {@code java -jar reef-cli.jar <command> [options]}.
 * Run without arguments for the usage. Exit codes: 0 done, 1 nothing found or incomplete, 2 bad
 * command line, 3 broker or publish failure, 4 unknown recipient.
 */
public final class ReefCli {
  static final String USAGE =
      """
      usage: java -jar reef-cli.jar <command> [options]

      commands:
        send       publish one spore and wait for the broker's confirm
                   --channel C (main) --from A (operator) --to AGENT (none: to everyone)
                   --type knowledge|request|response|broadcast|notification
                   (knowledge with --to, broadcast without) --priority 1-10 (5)
                   --ttl 30s --knowledge '{"k":"v"}' ({}) --timeout 10s
        tail       print a channel's traffic as it passes, one line per spore
                   --channel C (main) --agents a,b (directed spores to them; broadcasts always)
                   --all-keys (every spore; see the warning it prints) --count N --for 30s --full
        mailboxes  depths of agents' mailboxes, then the dead letters and why they died
                   --channel C (main) --agents a,b,c --peek N (10)
        replay     send a dead letter back where it first went (a directed spore along its
                   original route to its agent's mailbox; a broadcast into the mailbox it died in)
                   --channel C (main) --id SPORE_ID | --all
        agents     the directory: cards, state, instances, mailbox depth and consumers
                   --channel C (main) --kind K (with sub-kinds) --capability CAP
        terminate  end an agent for good: answer its waiting requests, dead-letter the rest
                   --channel C (main) --agent A --quiet 2s | --revive (allow it again)

      common options:
        --uri amqp://user:pass@host:5672/vhost   (else REEF_AMQP_URI, else amqp://localhost:5672)
        --dead-letters QUEUE   a shared dead-letter queue (default: the channel's reef-dlq.<channel>)
      """;

  private ReefCli() {}

  /**
   * Runs a command and exits with its code.
   *
   * @param args the command and its options
   * @throws InterruptedException if interrupted
   */
  public static void main(String[] args) throws InterruptedException {
    System.exit(run(Arrays.asList(args), System.getenv(), System.out, System.err));
  }

  /**
   * Runs a command.
   *
   * @param args the command and its options
   * @param env the environment ({@code REEF_AMQP_URI})
   * @param out where results go
   * @param err where usage and errors go
   * @return the exit code
   * @throws InterruptedException if interrupted
   */
  static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err)
      throws InterruptedException {
    if (args.isEmpty() || Set.of("help", "-h", "--help").contains(args.get(0))) {
      (args.isEmpty() ? err : out).print(USAGE);
      return args.isEmpty() ? 2 : 0;
    }
    List<String> rest = args.subList(1, args.size());
    try {
      return switch (args.get(0)) {
        case "send" ->
            SendCommand.run(CliArgs.parse(rest, SendCommand.OPTIONS, Set.of()), env, out);
        case "tail" ->
            TailCommand.run(
                CliArgs.parse(rest, TailCommand.OPTIONS, TailCommand.FLAGS), env, out, err);
        case "mailboxes" ->
            MailboxesCommand.run(CliArgs.parse(rest, MailboxesCommand.OPTIONS, Set.of()), env, out);
        case "replay" ->
            ReplayCommand.run(
                CliArgs.parse(rest, ReplayCommand.OPTIONS, ReplayCommand.FLAGS), env, out);
        case "agents" ->
            AgentsCommand.run(CliArgs.parse(rest, AgentsCommand.OPTIONS, Set.of()), env, out);
        case "terminate" ->
            TerminateCommand.run(
                CliArgs.parse(rest, TerminateCommand.OPTIONS, TerminateCommand.FLAGS), env, out);
        default -> throw new UsageException("unknown command '" + args.get(0) + "'");
      };
    } catch (UsageException e) {
      err.println("reef-cli: " + e.getMessage());
      err.print(USAGE);
      return 2;
    } catch (CliFailure e) {
      err.println("reef-cli: " + e.getMessage());
      return e.exitCode();
    }
  }
}
