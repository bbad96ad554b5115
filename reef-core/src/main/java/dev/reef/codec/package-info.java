/**
 * The spore's JSON format: {@link dev.reef.codec.SporeCodec} (spores and knowledge bodies) and
 * {@link dev.reef.codec.Timestamps} (the timestamp format shared with the AMQP headers). Compatible
 * with the Python Praval reef's {@code Spore.to_json} / {@code from_json}.
 */
@NullMarked
package dev.reef.codec;

import org.jspecify.annotations.NullMarked;
