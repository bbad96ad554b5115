/**
 * The Reef console: a live web page for operators, served by the JDK's {@code HttpServer}. Agents
 * (from the directory), a live flow tail of a channel's spores (a tap queue on RabbitMQ), and dead
 * letters (inspect, replay, purge), updated over server-sent events. Start it with {@link
 * dev.reef.console.ConsoleMain} ({@code java -jar reef-console.jar --uri ...}) or embed it with
 * {@link dev.reef.console.ReefConsole#builder()}. See docs/console.md.
 */
package dev.reef.console;
