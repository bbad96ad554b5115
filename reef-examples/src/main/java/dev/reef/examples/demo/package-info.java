/**
 * Runnable demos of the workflow: {@link dev.reef.examples.demo.Demo} runs every agent in one JVM
 * (in memory unless {@code REEF_AMQP_URI} is set), {@link dev.reef.examples.demo.AgentMain} runs
 * one agent in its own JVM, and {@link dev.reef.examples.demo.MultiProcessDemo} starts one JVM per
 * agent against RabbitMQ.
 */
package dev.reef.examples.demo;
