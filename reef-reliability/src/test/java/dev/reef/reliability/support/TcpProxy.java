package dev.reef.reliability.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on the loopback interface (127.0.0.1 only) that forwards every accepted connection to
 * a target address and can cut all of them on demand, to simulate a network failure between a
 * client and the broker.
 *
 * <p>While {@link #refuse(boolean) refusing}, new connections are accepted and closed at once (the
 * client sees the broker as unreachable). Two daemon threads pump bytes per connection.
 * Thread-safe; {@link #close()} stops accepting and cuts everything.
 */
public final class TcpProxy implements AutoCloseable {
  private final InetSocketAddress target;
  private final ServerSocket server;
  private final Thread acceptor;
  private final Set<Link> links = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean refusing = new AtomicBoolean();
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger cuts = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();
  private final AtomicLong bytes = new AtomicLong();
  private volatile boolean closed;

  private TcpProxy(InetSocketAddress target) throws IOException {
    this.target = target;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.acceptor = new Thread(this::acceptLoop, "tcp-proxy-accept-" + server.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /**
   * Starts a proxy on an ephemeral loopback port forwarding to {@code host:port}.
   *
   * @throws UncheckedIOException if the listening socket cannot be opened
   */
  public static TcpProxy start(String host, int port) {
    try {
      return new TcpProxy(new InetSocketAddress(host, port));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The loopback port clients should connect to. */
  public int port() {
    return server.getLocalPort();
  }

  /** The host clients should connect to (always 127.0.0.1). */
  public String host() {
    return InetAddress.getLoopbackAddress().getHostAddress();
  }

  /** Connections accepted and forwarded so far (refused ones are not counted). */
  public int connectionsAccepted() {
    return accepted.get();
  }

  /** Connections accepted and closed at once while {@link #refuse(boolean) refusing}. */
  public int connectionsRefused() {
    return refused.get();
  }

  /** How many times {@link #cutAll()} cut at least one connection. */
  public int cuts() {
    return cuts.get();
  }

  /** Connections currently open through the proxy. */
  public int openConnections() {
    return links.size();
  }

  /** Bytes forwarded in both directions so far. */
  public long bytesForwarded() {
    return bytes.get();
  }

  /**
   * While {@code true}, newly accepted connections are closed at once (existing ones are left
   * alone; combine with {@link #cutAll()} for an outage).
   */
  public void refuse(boolean refuse) {
    refusing.set(refuse);
  }

  /**
   * Cuts every open connection abruptly (TCP reset on both sides).
   *
   * @return the number of connections cut
   */
  public int cutAll() {
    int n = 0;
    for (Link link : links) {
      link.cut();
      n++;
    }
    if (n > 0) {
      cuts.incrementAndGet();
    }
    return n;
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    cutAll();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        if (closed) {
          return;
        }
        continue;
      }
      if (refusing.get()) {
        refused.incrementAndGet();
        closeQuietly(client, true);
        continue;
      }
      Socket upstream = new Socket();
      try {
        upstream.connect(target, 5_000);
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
      } catch (IOException e) {
        closeQuietly(client, true);
        closeQuietly(upstream, true);
        continue;
      }
      accepted.incrementAndGet();
      Link link = new Link(client, upstream);
      links.add(link);
      link.start();
    }
  }

  private static void closeQuietly(Socket s, boolean reset) {
    try {
      if (reset && !s.isClosed() && s.isConnected()) {
        s.setSoLinger(true, 0);
      }
    } catch (SocketException ignored) {
      // best effort
    }
    try {
      s.close();
    } catch (IOException ignored) {
      // best effort
    }
  }

  private final class Link {
    private final Socket client;
    private final Socket upstream;
    private final AtomicBoolean done = new AtomicBoolean();

    Link(Socket client, Socket upstream) {
      this.client = client;
      this.upstream = upstream;
    }

    void start() {
      pump(client, upstream, "c2s");
      pump(upstream, client, "s2c");
    }

    private void pump(Socket from, Socket to, String direction) {
      Thread t =
          new Thread(
              () -> {
                byte[] buf = new byte[16 * 1024];
                try (InputStream in = from.getInputStream();
                    OutputStream out = to.getOutputStream()) {
                  int n;
                  while ((n = in.read(buf)) >= 0) {
                    out.write(buf, 0, n);
                    bytes.addAndGet(n);
                  }
                } catch (IOException ignored) {
                  // the link is broken: cut both sides below
                } finally {
                  cut();
                }
              },
              "tcp-proxy-" + direction + "-" + from.getPort());
      t.setDaemon(true);
      t.start();
    }

    void cut() {
      if (done.compareAndSet(false, true)) {
        closeQuietly(client, true);
        closeQuietly(upstream, true);
        links.remove(this);
      }
    }
  }
}
