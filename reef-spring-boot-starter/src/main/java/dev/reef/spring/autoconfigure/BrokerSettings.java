package dev.reef.spring.autoconfigure;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.env.Environment;

/**
 * Where the broker is: from {@code reef.amqp.*} when it names one, else from the application's
 * {@code spring.rabbitmq.*} (host, port, username, password, virtual-host, addresses, ssl.enabled),
 * as one {@code amqp}/{@code amqps} URI plus the further cluster addresses. Read with Spring's
 * {@link Binder}, so relaxed names and environment variables work as for Spring AMQP.
 */
record BrokerSettings(String source, URI uri, List<String> addresses) {

  private static final String SPRING = "spring.rabbitmq";

  /** Whether {@code spring.rabbitmq.*} names a broker (any of its connection properties). */
  static boolean springRabbitConfigured(Binder binder) {
    for (String key :
        new String[] {"host", "port", "addresses", "username", "virtual-host", "ssl.enabled"}) {
      if (binder.bind(SPRING + "." + key, Bindable.of(String.class)).isBound()) {
        return true;
      }
    }
    return false;
  }

  /**
   * The broker, or null when neither {@code reef.amqp.*} nor (if allowed) {@code spring.rabbitmq.*}
   * names one (reef-amqp's default, {@code amqp://localhost}, then applies).
   */
  static BrokerSettings resolve(ReefProperties.Amqp amqp, Environment environment) {
    if (amqp.namesBroker()) {
      return fromReef(amqp);
    }
    Binder binder = Binder.get(environment);
    if (amqp.isUseSpringRabbitmq() && springRabbitConfigured(binder)) {
      return fromSpring(binder);
    }
    if (amqp.getUsername() != null
        || amqp.getVirtualHost() != null
        || amqp.getSslEnabled() != null) {
      return fromReef(amqp);
    }
    return null;
  }

  private static BrokerSettings fromReef(ReefProperties.Amqp a) {
    if (a.getUri() != null) {
      return new BrokerSettings(
          "reef.amqp.uri", parse("reef.amqp.uri", a.getUri()), a.getAddresses());
    }
    return build(
        "reef.amqp",
        a.getHost(),
        a.getPort(),
        a.getAddresses(),
        a.getUsername(),
        a.getPassword(),
        a.getVirtualHost(),
        Boolean.TRUE.equals(a.getSslEnabled()));
  }

  private static BrokerSettings fromSpring(Binder binder) {
    List<String> addresses = new ArrayList<>();
    for (String address :
        binder.bind(SPRING + ".addresses", Bindable.listOf(String.class)).orElse(List.of())) {
      addresses.add(address.trim());
    }
    String first = addresses.isEmpty() ? null : addresses.get(0);
    if (first != null && first.contains("://")) {
      URI uri = parse(SPRING + ".addresses", first);
      return new BrokerSettings(SPRING, uri, List.copyOf(addresses.subList(1, addresses.size())));
    }
    return build(
        SPRING,
        binder.bind(SPRING + ".host", String.class).orElse(null),
        binder.bind(SPRING + ".port", Integer.class).orElse(null),
        addresses,
        binder.bind(SPRING + ".username", String.class).orElse(null),
        binder.bind(SPRING + ".password", String.class).orElse(null),
        binder.bind(SPRING + ".virtual-host", String.class).orElse(null),
        binder.bind(SPRING + ".ssl.enabled", Boolean.class).orElse(false));
  }

  private static BrokerSettings build(
      String source,
      String host,
      Integer port,
      List<String> addresses,
      String username,
      String password,
      String virtualHost,
      boolean ssl) {
    String h = host;
    int p = port == null ? -1 : port;
    List<String> rest = new ArrayList<>(addresses);
    if (h == null && !rest.isEmpty()) {
      // the first address names the host of the URI (credentials and virtual host come with it)
      String first = rest.get(0);
      int colon = first.lastIndexOf(':');
      h = colon < 0 ? first : first.substring(0, colon);
      if (colon >= 0 && port == null) {
        p = parsePort(source + ".addresses", first.substring(colon + 1));
      }
    }
    String user = username == null ? "guest" : username;
    String pass = password == null ? "guest" : password;
    // the URI's path is the virtual host, encoded; none means the default virtual host "/"
    String path = virtualHost == null || virtualHost.equals("/") ? "" : "/" + encode(virtualHost);
    String text =
        (ssl ? "amqps" : "amqp")
            + "://"
            + encode(user)
            + ":"
            + encode(pass)
            + "@"
            + (h == null ? "localhost" : h)
            + (p < 0 ? "" : ":" + p)
            + path;
    try {
      return new BrokerSettings(source, new URI(text), rest);
    } catch (URISyntaxException e) {
      throw new InvalidConfigurationPropertyValueException(
          source + ".host", h, "cannot make a broker URI: " + e.getReason());
    }
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static int parsePort(String property, String text) {
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new InvalidConfigurationPropertyValueException(property, text, "bad port");
    }
  }

  private static URI parse(String property, String text) {
    try {
      return new URI(text.trim());
    } catch (URISyntaxException e) {
      throw new InvalidConfigurationPropertyValueException(
          property, "(masked)", "not a URI: " + e.getReason());
    }
  }
}
