/**
 * {@code reef-cli}, the operator's command-line tool ({@code java -jar reef-cli.jar}): send a
 * spore, tail a channel, show mailbox depths and dead letters, replay a dead letter. It uses Reef's
 * API to send and the raw RabbitMQ client only for what that API does not express.
 */
package dev.reef.examples.cli;
