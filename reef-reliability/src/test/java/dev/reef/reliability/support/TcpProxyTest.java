package dev.reef.reliability.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TcpProxyTest {
  private ServerSocket echo;
  private Thread echoThread;

  @BeforeEach
  void startEcho() throws IOException {
    echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    echoThread =
        new Thread(
            () -> {
              while (!echo.isClosed()) {
                try {
                  Socket s = echo.accept();
                  Thread t =
                      new Thread(
                          () -> {
                            try (s;
                                InputStream in = s.getInputStream();
                                OutputStream out = s.getOutputStream()) {
                              int b;
                              while ((b = in.read()) >= 0) {
                                out.write(b);
                                out.flush();
                              }
                            } catch (IOException ignored) {
                              // connection cut
                            }
                          });
                  t.setDaemon(true);
                  t.start();
                } catch (IOException e) {
                  return;
                }
              }
            });
    echoThread.setDaemon(true);
    echoThread.start();
  }

  @AfterEach
  void stopEcho() throws IOException {
    echo.close();
  }

  @Test
  void forwardsBytesOnLoopbackAndCutsEveryConnectionOnDemand() throws IOException {
    try (TcpProxy proxy = TcpProxy.start("127.0.0.1", echo.getLocalPort());
        Socket a = new Socket(proxy.host(), proxy.port());
        Socket b = new Socket(proxy.host(), proxy.port())) {
      assertThat(proxy.host()).isEqualTo("127.0.0.1");
      assertThat(roundTrip(a, 'x')).isEqualTo('x');
      assertThat(roundTrip(b, 'y')).isEqualTo('y');
      assertThat(proxy.connectionsAccepted()).isEqualTo(2);

      assertThat(proxy.cutAll()).isEqualTo(2);
      assertThat(proxy.cuts()).isEqualTo(1);
      assertThatThrownBy(() -> roundTripUntilBroken(a)).isInstanceOf(IOException.class);
      await().atMost(Duration.ofSeconds(5)).until(() -> proxy.openConnections() == 0);

      try (Socket c = new Socket(proxy.host(), proxy.port())) {
        assertThat(roundTrip(c, 'z')).isEqualTo('z');
      }
      assertThat(proxy.connectionsAccepted()).isEqualTo(3);
    }
  }

  @Test
  void refusesNewConnectionsWhileRefusing() throws IOException {
    try (TcpProxy proxy = TcpProxy.start("127.0.0.1", echo.getLocalPort())) {
      proxy.refuse(true);
      try (Socket s = new Socket(proxy.host(), proxy.port())) {
        assertThatThrownBy(() -> roundTripUntilBroken(s)).isInstanceOf(IOException.class);
      }
      proxy.refuse(false);
      try (Socket s = new Socket(proxy.host(), proxy.port())) {
        assertThat(roundTrip(s, 'k')).isEqualTo('k');
      }
      assertThat(proxy.connectionsAccepted()).isEqualTo(1);
      assertThat(proxy.connectionsRefused()).isEqualTo(1);
    }
  }

  private static int roundTrip(Socket s, char c) throws IOException {
    s.getOutputStream().write(c);
    s.getOutputStream().flush();
    int r = s.getInputStream().read();
    if (r < 0) {
      throw new IOException("closed");
    }
    return r;
  }

  /** Writes until the cut shows: a reset or end of stream. */
  private static void roundTripUntilBroken(Socket s) throws IOException {
    for (int i = 0; i < 1000; i++) {
      roundTrip(s, 'q');
    }
  }
}
