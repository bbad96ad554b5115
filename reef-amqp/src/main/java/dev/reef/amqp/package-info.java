/**
 * The RabbitMQ backend of Reef: {@link dev.reef.amqp.AmqpBackend} maps channels, mailboxes and
 * spores onto exchanges, queues and messages (docs/design.md#amqp-mapping), with publisher
 * confirms, manual acknowledgements, retries, dead letters and automatic recovery.
 */
package dev.reef.amqp;
