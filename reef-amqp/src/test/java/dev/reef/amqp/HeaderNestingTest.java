package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import dev.reef.amqp.internal.HeaderNesting;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The frame guard and the decoded-header check of {@link HeaderNesting} (issue 13, item 1). */
class HeaderNestingTest {
  /** {"d": {"d": ... {}}}: {@code depth} tables, built without recursion. */
  private static Map<String, Object> tables(int depth) {
    return HostileHeadersIT.nested(depth);
  }

  /** [[ ... [1] ... ]]: {@code depth} arrays. */
  private static Object arrays(int depth) {
    Object inner = List.of(1);
    for (int i = 1; i < depth; i++) {
      inner = List.of(inner, "x");
    }
    return inner;
  }

  private static byte[] payload(Map<String, Object> headers) throws IOException {
    return new AMQP.BasicProperties.Builder()
        .contentType("application/json")
        .messageId("m-1")
        .headers(headers)
        .build()
        .toFrame(1, 42)
        .getPayload();
  }

  /** What amqp-client reads from a content header payload (it refuses more than 32 levels). */
  private static AMQP.BasicProperties read(byte[] payload) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
    in.readShort(); // class id; the properties' reader reads the weight and the body size
    return new AMQP.BasicProperties(in);
  }

  @Test
  void headersWithinTheLimitPassUnchanged() throws IOException {
    Map<String, Object> h = new HashMap<>();
    h.put("t", tables(HeaderNesting.MAX_DEPTH));
    h.put("a", arrays(HeaderNesting.MAX_DEPTH));
    h.put("s", "text");
    h.put("n", 7L);
    h.put("b", new byte[] {1, 2});
    byte[] p = payload(h);
    assertThat(HeaderNesting.guardContentHeader(p)).isSameAs(p);
    assertThat(HeaderNesting.refusal(read(p).getHeaders())).isNull();
    assertThat(HeaderNesting.sanitise(h)).isSameAs(h);
  }

  @Test
  void aHeaderOneLevelTooDeepIsRemovedAndRecordedTheRestKept() throws IOException {
    Map<String, Object> h = new HashMap<>();
    h.put("ok", tables(HeaderNesting.MAX_DEPTH));
    h.put("deep", tables(HeaderNesting.MAX_DEPTH + 1));
    h.put("deeparray", arrays(HeaderNesting.MAX_DEPTH + 1));
    h.put("from_agent", "mallory");
    byte[] guarded = HeaderNesting.guardContentHeader(payload(h));
    AMQP.BasicProperties props = read(guarded);
    assertThat(props.getMessageId()).isEqualTo("m-1");
    assertThat(props.getContentType()).isEqualTo("application/json");
    assertThat(ByteBuffer.wrap(guarded).getLong(4)).as("body size").isEqualTo(42);
    Map<String, Object> got = props.getHeaders();
    assertThat(got).containsKeys("ok", "from_agent", HeaderNesting.REFUSED);
    assertThat(got).doesNotContainKeys("deep", "deeparray");
    assertThat(got.get(HeaderNesting.REFUSED).toString())
        .contains("'deep' (nested deeper than 16 levels)", "'deeparray'");
    assertThat(HeaderNesting.refusal(got)).contains("'deep'");
  }

  @Test
  void aTableNested2000DeepIsRemovedWithoutRecursion() throws Exception {
    byte[][] p = new byte[1][];
    // amqp-client's writer recurses (and sizes each level again): a big stack; the guard runs on
    // this thread.
    Thread t =
        new Thread(
            null,
            () -> {
              try {
                p[0] = payload(Map.of("deep", tables(2_000), "x", "y"));
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
            },
            "writer",
            256L * 1024 * 1024);
    t.start();
    t.join();
    byte[] guarded = HeaderNesting.guardContentHeader(p[0]);
    assertThat(guarded.length).isLessThan(200);
    assertThat(read(guarded).getHeaders()).containsKeys("x", HeaderNesting.REFUSED);
  }

  @Test
  void anUnreadableTableIsReplacedByTheRecord() throws IOException {
    byte[] p = payload(new HashMap<>(Map.of("a", "b")));
    // the type byte of the only header, 'S' → '?', which amqp-client refuses for the connection
    p[lastIndexOf(p, (byte) 'S')] = '?';
    AMQP.BasicProperties props = read(HeaderNesting.guardContentHeader(p));
    assertThat(props.getHeaders()).containsOnlyKeys(HeaderNesting.REFUSED);
    assertThat(props.getHeaders().get(HeaderNesting.REFUSED).toString()).contains("unreadable");
  }

  @Test
  void framesWithoutHeadersPassUnchanged() throws IOException {
    byte[] none = payload(null);
    assertThat(HeaderNesting.guardContentHeader(none)).isSameAs(none);
    byte[] tiny = new byte[3];
    assertThat(HeaderNesting.guardContentHeader(tiny)).isSameAs(tiny);
  }

  @Test
  void sanitiseRemovesDeepDecodedValuesIteratively() {
    Map<String, Object> h = new HashMap<>();
    h.put("deep", tables(100_000));
    h.put("ok", "fine");
    Map<String, Object> safe = HeaderNesting.sanitise(h);
    assertThat(safe).containsKeys("ok", HeaderNesting.REFUSED).doesNotContainKey("deep");
    assertThat(HeaderNesting.refusal(h)).contains("deeper than 16 levels: deep");
  }

  private static int lastIndexOf(byte[] p, byte b) {
    for (int i = p.length - 1; i >= 0; i--) {
      if (p[i] == b) {
        return i;
      }
    }
    throw new IllegalArgumentException("absent");
  }
}
