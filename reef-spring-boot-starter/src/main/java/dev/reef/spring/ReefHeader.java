package dev.reef.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds a {@link ReefHandler} parameter to a field of the spore's envelope, by its JSON name:
 * {@code id}, {@code spore_type}, {@code from_agent}, {@code to_agent}, {@code reply_to}, {@code
 * correlation_id}, {@code causation_id}, {@code trace_id}, {@code run_id}, {@code idempotency_key},
 * {@code schema_version}, {@code created_at}, {@code expires_at}, {@code priority}; any other name
 * reads the spore's metadata. The parameter is a {@code String} (the value's text) or {@code
 * Object}; an absent value is null.
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ReefHeader {
  /**
   * The field's JSON name, for example {@code from_agent}.
   *
   * @return the name
   */
  String value();
}
