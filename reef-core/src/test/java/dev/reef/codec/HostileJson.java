package dev.reef.codec;

import java.nio.charset.StandardCharsets;

/**
 * Hostile JSON bodies for the decoding-budget tests here and in reef-amqp (issue 13): documents
 * that are small on the wire and large on the heap.
 */
public final class HostileJson {
  private HostileJson() {}

  /**
   * {@code {"0000":1,"0001":1,...}}: {@code keys} entries with four-character base-36 keys, 9 bytes
   * and 2 tokens each; a million is ~9 MB, under the 10 MiB body limit.
   *
   * @param keys how many entries, at most 36^4
   * @return the UTF-8 document
   */
  public static byte[] smallKeys(int keys) {
    StringBuilder sb = new StringBuilder(9 * keys + 2).append('{');
    for (int i = 0; i < keys; i++) {
      if (i > 0) {
        sb.append(',');
      }
      String key = Integer.toString(i, 36);
      sb.append('"').append("0".repeat(4 - key.length())).append(key).append("\":1");
    }
    return sb.append('}').toString().getBytes(StandardCharsets.UTF_8);
  }
}
