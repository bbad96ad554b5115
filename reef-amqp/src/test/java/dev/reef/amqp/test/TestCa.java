package dev.reef.amqp.test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throw-away certificate authority for TLS tests, made with the JDK's {@code keytool} (no other
 * tool needed) into a folder the test chooses (under {@code target/}; nothing is committed): a
 * self-signed CA and server certificates it signs, written as the PEM files a RabbitMQ TLS listener
 * reads ({@code ca.pem}, {@code server.pem}, {@code server.key}), and an {@link SSLContext} that
 * trusts only this CA. Keys are RSA 2048, certificates valid for two days.
 */
public final class TestCa {
  private static final String PASS = "reef-test";
  private static final String CA_ALIAS = "ca";

  private final Path dir;
  private final String name;
  private final Path keystore;

  private TestCa(Path dir, String name) {
    this.dir = dir;
    this.name = name;
    this.keystore = dir.resolve(name + ".p12");
  }

  /**
   * Creates a CA (a new key pair and self-signed certificate) in {@code dir/name.p12}.
   *
   * @param dir the folder for the CA's files (created if needed; an older CA of the same name in it
   *     is replaced)
   * @param name letters, digits and {@code -}: names the CA ({@code CN=Reef test CA name}) and its
   *     files
   * @return the CA
   * @throws IOException if keytool fails
   */
  public static TestCa create(Path dir, String name) throws IOException {
    if (!name.matches("[A-Za-z0-9-]+")) {
      throw new IllegalArgumentException("bad CA name " + name);
    }
    Files.createDirectories(dir);
    TestCa ca = new TestCa(dir, name);
    Files.deleteIfExists(ca.keystore);
    ca.keytool(
        "-genkeypair",
        "-alias",
        CA_ALIAS,
        "-dname",
        "CN=Reef test CA " + name,
        "-ext",
        "bc:c",
        "-ext",
        "ku:c=keyCertSign,cRLSign");
    return ca;
  }

  /**
   * Issues a server certificate for a DNS name, signed by this CA, and writes what a RabbitMQ TLS
   * listener needs into {@code dir/<ca name>-<dns name>/}: {@code ca.pem} (this CA), {@code
   * server.pem} (the certificate: CN and subject alternative name {@code dnsName}) and {@code
   * server.key} (its private key, unencrypted PKCS#8).
   *
   * @param dnsName the host name the certificate is for, e.g. {@code localhost}
   * @return the folder with the three files
   * @throws IOException if keytool fails or the files cannot be written
   */
  public Path issueServer(String dnsName) throws IOException {
    if (!dnsName.matches("[A-Za-z0-9.-]+")) {
      throw new IllegalArgumentException("bad DNS name " + dnsName);
    }
    String alias = "server-" + dnsName;
    keytool(
        "-genkeypair",
        "-alias",
        alias,
        "-dname",
        "CN=" + dnsName,
        "-signer",
        CA_ALIAS,
        "-signerkeypass",
        PASS,
        "-ext",
        "san=dns:" + dnsName,
        "-ext",
        "ku:c=digitalSignature,keyEncipherment",
        "-ext",
        "eku=serverAuth");
    Path out = dir.resolve(name + "-" + dnsName);
    Files.createDirectories(out);
    try {
      KeyStore ks = load();
      Key key = ks.getKey(alias, PASS.toCharArray());
      Files.writeString(out.resolve("ca.pem"), pem("CERTIFICATE", certificate(ks).getEncoded()));
      Files.writeString(
          out.resolve("server.pem"), pem("CERTIFICATE", ks.getCertificate(alias).getEncoded()));
      Files.writeString(out.resolve("server.key"), pem("PRIVATE KEY", key.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot read the keystore " + keystore, e);
    }
    return out;
  }

  /**
   * A TLS context whose only trusted certificate is this CA's (the JVM's trust store is not used).
   *
   * @return the context
   * @throws IOException if the keystore cannot be read
   */
  public SSLContext sslContext() throws IOException {
    try {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      trust.setCertificateEntry(CA_ALIAS, certificate(load()));
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot build a TLS context for " + keystore, e);
    }
  }

  private static Certificate certificate(KeyStore ks) throws GeneralSecurityException {
    return ks.getCertificate(CA_ALIAS);
  }

  private KeyStore load() throws IOException, GeneralSecurityException {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      ks.load(in, PASS.toCharArray());
    }
    return ks;
  }

  private static String pem(String type, byte[] der) {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }

  private void keytool(String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    cmd.addAll(
        List.of(
            "-keyalg",
            "RSA",
            "-keysize",
            "2048",
            "-validity",
            "2",
            "-storetype",
            "PKCS12",
            "-keystore",
            keystore.toString(),
            "-storepass",
            PASS,
            "-keypass",
            PASS,
            "-noprompt"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("keytool " + args[0] + " did not finish in 60 s");
      }
      if (p.exitValue() != 0) {
        throw new IOException(
            "keytool " + String.join(" ", args) + " failed (" + p.exitValue() + "): " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException("interrupted while running keytool", e);
    }
  }
}
