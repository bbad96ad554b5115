package dev.reef.amqp.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;

/**
 * A loopback TCP proxy for fault tests: clients connect to {@link #port()}, bytes are copied to and
 * from the target, and {@link #cut()} drops every open connection at once, as a network failure
 * would. New connections are accepted after a cut (so clients can recover).
 */
public final class TcpProxy implements AutoCloseable {
  private final ServerSocket server;
  private final String targetHost;
  private final int targetPort;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final Thread acceptor;
  private volatile boolean downstreamPaused;

  /**
   * Starts a proxy on an ephemeral loopback port.
   *
   * @param targetHost where to forward
   * @param targetPort the target port
   * @throws IOException if no port can be bound
   */
  public TcpProxy(String targetHost, int targetPort) throws IOException {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.acceptor = new Thread(this::acceptLoop, "tcp-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /**
   * The local port clients connect to.
   *
   * @return the port
   */
  public int port() {
    return server.getLocalPort();
  }

  /** Drops every open connection (both sides). */
  public void cut() {
    for (Socket s : sockets) {
      try {
        s.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
    sockets.clear();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket();
        upstream.connect(new InetSocketAddress(targetHost, targetPort), 5000);
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
        sockets.add(client);
        sockets.add(upstream);
        pump(client, upstream, false);
        pump(upstream, client, true);
      } catch (IOException e) {
        // server closed, or the target refused: the client sees a closed socket
      }
    }
  }

  /**
   * Holds back everything the target sends to clients (for example publisher confirms) until {@link
   * #resumeDownstream()}; the connections stay open.
   */
  public void pauseDownstream() {
    downstreamPaused = true;
  }

  /** Lets held-back bytes flow to the clients again. */
  public void resumeDownstream() {
    downstreamPaused = false;
  }

  private void pump(Socket from, Socket to, boolean downstream) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[16384];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                  while (downstream && downstreamPaused && !to.isClosed()) {
                    LockSupport.parkNanos(1_000_000);
                  }
                  out.write(buf, 0, n);
                }
              } catch (IOException e) {
                // connection dropped
              } finally {
                try {
                  from.close();
                  to.close();
                } catch (IOException e) {
                  // ignore
                }
              }
            },
            "tcp-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  /** Stops accepting and drops every connection. */
  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      // ignore
    }
    cut();
  }
}
