package dev.reef.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a bean method as the handler of an agent's mailbox on the auto-configured reef. The
 * subscription starts with the application context and stops, draining running handlers, when it
 * stops.
 *
 * <p>Parameters are resolved from the spore: a {@link dev.reef.Spore} parameter gets the spore, a
 * {@link ReefHeader} parameter one of its header fields ({@code from_agent}, ...), a {@link
 * dev.reef.ReefChannel} the channel, a {@code Map} the raw knowledge, and at most one other
 * parameter the knowledge read as its (generic) type with the reef's {@link
 * dev.reef.KnowledgeMapper}. On a {@link dev.reef.SporeType#REQUEST} a non-null return value (or
 * the value of a returned {@link java.util.concurrent.CompletionStage}) is the reply's knowledge.
 *
 * <p>An exception thrown by the method fails the attempt: the reef retries it and dead-letters the
 * spore after the last attempt, as for any handler ({@code reef.retry.*}). A knowledge that does
 * not map to the parameter's type fails the same way, with a {@link
 * dev.reef.KnowledgeMappingException} naming the JSON path.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ReefHandler {
  /**
   * The agent whose mailbox the method handles.
   *
   * @return an agent name
   */
  String agent();

  /**
   * The channel; empty for the reef's default channel ({@code reef.default-channel}).
   *
   * @return a channel name, or empty
   */
  String channel() default "";
}
