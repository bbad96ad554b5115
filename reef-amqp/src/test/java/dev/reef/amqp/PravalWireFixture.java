package dev.reef.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.impl.Frame;
import com.rabbitmq.client.impl.LongStringHelper;
import dev.reef.Spore;
import dev.reef.codec.SporeCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One recorded Praval 0.8.1 message ({@code src/test/resources/praval/amqp-<case>.json}), rebuilt
 * the way the RabbitMQ Java client delivers it: the properties (with the headers as their wire
 * types) are parsed by the client's own decoder from the captured content-header frame, the body is
 * the concatenated body frames, and the exchange and routing key come from the Basic.Deliver frame.
 */
final class PravalWireFixture {
  private static final SporeCodec CODEC = SporeCodec.ofDefaults();

  final String name;
  final Map<String, Object> json;
  final String exchange;
  final String routingKey;
  final AMQP.BasicProperties properties;
  final byte[] body;

  /** The spore Praval handed to its backend, read from the fixture's own {@code to_json()}. */
  final Spore original;

  private PravalWireFixture(String name) {
    this.name = name;
    this.json = readObject("amqp-" + name + ".json");
    Map<String, Object> frames = map(json.get("raw_frames"));
    try {
      String[] deliver = basicDeliver(frame(str(frames.get("basic_deliver_frame_base64"))));
      this.exchange = deliver[0];
      this.routingKey = deliver[1];
      DataInputStream header =
          frame(str(frames.get("content_header_frame_base64"))).getInputStream();
      header.readUnsignedShort(); // class id; the properties' constructor reads weight and size
      this.properties = new AMQP.BasicProperties(header);
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      for (Object f : (List<?>) frames.get("body_frames_base64")) {
        b.write(frame(str(f)).getPayload());
      }
      this.body = b.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String sporeJson =
        json.get("praval_spore") != null
            ? new String(
                CODEC.encodeKnowledge(map(json.get("praval_spore"))), StandardCharsets.UTF_8)
            : str(json.get("praval_spore_text"));
    this.original = CODEC.decode(sporeJson);
  }

  static PravalWireFixture load(String name) {
    return new PravalWireFixture(name);
  }

  /** The case names, in the manifest's order. */
  static List<String> cases() {
    List<String> names = new ArrayList<>();
    for (Object c : (List<?>) readObject("manifest.json").get("cases")) {
      names.add(str(map(c).get("case")));
    }
    return names;
  }

  /** What Praval's own decoder rebuilt from this message ({@code praval-decoded-<case>.json}). */
  Map<String, Object> pravalDecoded() {
    return readObject("praval-decoded-" + name + ".json");
  }

  /**
   * The properties built independently from the fixture's JSON description ({@code properties} and
   * {@code headers_typed}), to cross-check the frame decoding.
   */
  AMQP.BasicProperties propertiesFromJson() {
    Map<String, Object> p = map(json.get("properties"));
    Map<String, Object> headers = new LinkedHashMap<>();
    for (Object o : (List<?>) json.get("headers_typed")) {
      Map<String, Object> h = map(o);
      headers.put(str(h.get("name")), typed(str(h.get("type_tag")), h.get("value")));
    }
    Object timestamp = p.get("timestamp");
    return new AMQP.BasicProperties.Builder()
        .contentType(str(p.get("content_type")))
        .contentEncoding(str(p.get("content_encoding")))
        .headers(headers)
        .deliveryMode((Integer) p.get("delivery_mode"))
        .priority((Integer) p.get("priority"))
        .correlationId(str(p.get("correlation_id")))
        .replyTo(str(p.get("reply_to")))
        .expiration(str(p.get("expiration")))
        .messageId(str(p.get("message_id")))
        .timestamp(timestamp == null ? null : new Date(((Number) timestamp).longValue() * 1000))
        .type(str(p.get("type")))
        .userId(str(p.get("user_id")))
        .appId(str(p.get("app_id")))
        .clusterId(str(p.get("cluster_id")))
        .build();
  }

  /** The header names and their AMQP type tags, as recorded from the wire. */
  Map<String, String> headerTypeTags() {
    Map<String, String> tags = new LinkedHashMap<>();
    for (Object o : (List<?>) json.get("headers_typed")) {
      Map<String, Object> h = map(o);
      tags.put(str(h.get("name")), str(h.get("type_tag")));
    }
    return tags;
  }

  /** The recorded header values, as text. */
  Map<String, String> headerValues() {
    Map<String, String> values = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : map(json.get("headers")).entrySet()) {
      values.put(e.getKey(), String.valueOf(e.getValue()));
    }
    return values;
  }

  /** The body parsed as JSON (an object or null), numbers as {@link SporeCodec} reads them. */
  Map<String, Object> bodyJson() {
    return CODEC.decodeKnowledge(body);
  }

  /**
   * The recorded properties as a Praval host at another UTC offset would have written them (issue
   * 12 item 11): the naive {@code created_at} and {@code expires_at} headers are that host's wall
   * clock ({@code offset} added), the {@code timestamp} property stays absolute; every instant is
   * moved by {@code shift} first (to re-date a recorded spore, for example to now).
   */
  AMQP.BasicProperties atOffset(ZoneOffset offset, Duration shift) {
    Map<String, Object> headers = new LinkedHashMap<>(properties.getHeaders());
    for (String name : new String[] {"created_at", "expires_at"}) {
      String text = headers.get(name).toString();
      if (!text.isEmpty()) {
        LocalDateTime utc = LocalDateTime.parse(text);
        String local = naive(utc.plus(shift).plusSeconds(offset.getTotalSeconds()));
        headers.put(name, LongStringHelper.asLongString(local));
      }
    }
    Date stamp = properties.getTimestamp();
    return properties
        .builder()
        .headers(headers)
        .timestamp(new Date(stamp.getTime() + shift.toSeconds() * 1000))
        .build();
  }

  /** Python's naive {@code isoformat()}: microseconds, none when zero. */
  static String naive(LocalDateTime t) {
    String s = t.format(DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss"));
    int micros = t.getNano() / 1000;
    return micros == 0 ? s : s + String.format(".%06d", micros);
  }

  @Override
  public String toString() {
    return name;
  }

  private static Object typed(String tag, Object value) {
    switch (tag) {
      case "S":
        return LongStringHelper.asLongString((String) value);
      case "I":
        return ((Number) value).intValue();
      case "l":
        return ((Number) value).longValue();
      case "t":
        return value;
      default:
        throw new IllegalArgumentException("no test support for AMQP field type " + tag);
    }
  }

  private static Frame frame(String base64) throws IOException {
    byte[] bytes = Base64.getDecoder().decode(base64);
    return Frame.readFrom(new DataInputStream(new ByteArrayInputStream(bytes)), () -> 1 << 20);
  }

  /** Exchange and routing key of a Basic.Deliver method frame. */
  private static String[] basicDeliver(Frame f) throws IOException {
    DataInputStream in = f.getInputStream();
    if (in.readUnsignedShort() != 60 || in.readUnsignedShort() != 60) {
      throw new IOException("not a Basic.Deliver frame");
    }
    shortString(in); // consumer tag
    in.readLong(); // delivery tag
    in.readUnsignedByte(); // redelivered
    String exchange = shortString(in);
    String routingKey = shortString(in);
    return new String[] {exchange, routingKey};
  }

  private static String shortString(DataInputStream in) throws IOException {
    byte[] b = new byte[in.readUnsignedByte()];
    in.readFully(b);
    return new String(b, StandardCharsets.UTF_8);
  }

  static Map<String, Object> readObject(String resource) {
    try (InputStream in = PravalWireFixture.class.getResourceAsStream("/praval/" + resource)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource /praval/" + resource);
      }
      return CODEC.decodeKnowledge(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }

  static String str(Object o) {
    return (String) o;
  }
}
