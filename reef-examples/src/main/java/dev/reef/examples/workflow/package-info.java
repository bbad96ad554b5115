/**
 * The demo workflow, written once against the public {@link dev.reef.Reef} API: a coordinator
 * gathers work from a researcher and an analyst, they broadcast their findings, and a writer
 * answers with a summary. The same agents run in one JVM (in memory) or one per JVM (RabbitMQ).
 */
package dev.reef.examples.workflow;
