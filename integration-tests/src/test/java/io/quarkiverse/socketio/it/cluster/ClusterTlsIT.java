package io.quarkiverse.socketio.it.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The primary serves HTTPS and WSS on the public port with Quarkus's TLS settings, against a self-signed certificate
 * made here (keytool of the running JDK, into {@code target/cluster-tls}): PEM files through
 * {@code quarkus.http.ssl.certificate.*} with plain HTTP redirected, and a PKCS12 key store through a named
 * configuration of the TLS registry with plain HTTP disabled. The official client trusts that certificate only, over
 * wss:// and over https:// long-polling then the upgrade, on both workers; a broadcast crosses them and acks come
 * back. A client that speaks plain HTTP to the TLS port costs one closed connection and no stack trace.
 */
@Tag("cluster")
class ClusterTlsIT {

    private static final Path DIR = Path.of("target", "cluster-tls").toAbsolutePath();
    private static final Path P12 = DIR.resolve("server.p12");
    private static final Path CERT = DIR.resolve("server-cert.pem");
    private static final Path KEY = DIR.resolve("server-key.pem");
    private static final String PASSWORD = "cluster-secret";
    /** Its debug line is what a failed client connection costs. */
    private static final String ROUTER = "io.quarkiverse.socketio.runtime.cluster.primary.StickyRouter";

    @BeforeAll
    static void selfSignedCertificate() throws Exception {
        Files.createDirectories(DIR);
        Files.deleteIfExists(P12);
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12",
                "-keystore", P12.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
                .redirectErrorStream(true).start();
        String out = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0, "keytool: " + out);
        // the same key and certificate as PEM files, for quarkus.http.ssl.certificate.files / key-files
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(P12)) {
            store.load(in, PASSWORD.toCharArray());
        }
        Key key = store.getKey("server", PASSWORD.toCharArray());
        Certificate certificate = store.getCertificate("server");
        Files.writeString(KEY, pem("PRIVATE KEY", key.getEncoded())); // PKCS#8
        Files.writeString(CERT, pem("CERTIFICATE", certificate.getEncoded()));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] { '\n' }).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    @Test
    void pemFilesWithPlainHttpRedirected() throws Exception {
        int sslPort = PackagedCluster.freePort();
        try (PackagedCluster cluster = PackagedCluster.start("tls-pem",
                "-Dquarkus.http.ssl-port=" + sslPort,
                "-Dquarkus.http.ssl.certificate.files=" + CERT,
                "-Dquarkus.http.ssl.certificate.key-files=" + KEY,
                "-Dquarkus.http.insecure-requests=redirect",
                "-Dquarkus.log.category.\"" + ROUTER + "\".level=DEBUG")) {
            cluster.awaitWorkersReady(2, Duration.ofSeconds(60));
            assertClientsOverTls(cluster, sslPort, "ClusterTlsIT-pem");
            HttpResponse<String> plain = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + cluster.port() + "/socket.io/?EIO=4&transport=polling")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(301, plain.statusCode(), "plain HTTP is redirected" + cluster.describe());
            assertEquals("https://127.0.0.1:" + sslPort + "/socket.io/?EIO=4&transport=polling",
                    plain.headers().firstValue("Location").orElse(null));
            assertGarbageHarmsNoOne(cluster, sslPort);
        }
    }

    @Test
    void pkcs12KeyStoreOfTheTlsRegistryWithPlainHttpDisabled() throws Exception {
        int sslPort = PackagedCluster.freePort();
        try (PackagedCluster cluster = PackagedCluster.start("tls-p12",
                "-Dquarkus.http.ssl-port=" + sslPort,
                "-Dquarkus.tls.cluster-it.key-store.p12.path=" + P12,
                "-Dquarkus.tls.cluster-it.key-store.p12.password=" + PASSWORD,
                "-Dquarkus.http.tls-configuration-name=cluster-it",
                "-Dquarkus.http.insecure-requests=disabled")) {
            cluster.awaitWorkersReady(2, Duration.ofSeconds(60));
            assertClientsOverTls(cluster, sslPort, "ClusterTlsIT-p12");
            assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", cluster.port()).close(),
                    "plain HTTP is not listened on" + cluster.describe());
        }
    }

    private static void assertClientsOverTls(PackagedCluster cluster, int sslPort, String log) throws Exception {
        JsonNode r = NodeScript.run("cluster-tls", URI.create("https://127.0.0.1:" + sslPort),
                "{\"clients\":4,\"ca\":\"" + CERT + "\"}", Duration.ofSeconds(90), log);
        String all = "\n" + r.toPrettyString() + cluster.describe();
        assertEquals(0, r.path("connectFailures").size(), all);
        assertEquals(Set.of(1, 2), workers(r.path("webSocketWorkers")), "wss:// clients on both workers" + all);
        assertEquals(Set.of(1, 2), workers(r.path("pollingWorkers")), "https:// clients on both workers" + all);
        assertEquals("[\"websocket\",\"websocket\",\"websocket\",\"websocket\",\"polling\",\"polling\",\"polling\","
                + "\"polling\"]", r.path("firstTransports").toString(), all);
        for (JsonNode transport : r.path("transports")) {
            assertEquals("websocket", transport.asText(), "every client upgraded to wss://" + all);
        }
        for (JsonNode count : r.path("counts")) {
            assertEquals(2, count.asInt(), "serverCount (both workers) acked through each client" + all);
        }
        assertEquals("[1,1,1,1,1,1,1,1]", r.path("chatReceived").toString(), "the broadcast crossed the workers" + all);
    }

    private static Set<Integer> workers(JsonNode list) {
        Set<Integer> workers = new HashSet<>();
        list.forEach(w -> workers.add(w.asInt()));
        return workers;
    }

    /**
     * Plain HTTP to the TLS port: the connection is closed, the primary logs one debug line (the router's category is
     * at DEBUG) and no stack trace, and goes on serving.
     */
    private static void assertGarbageHarmsNoOne(PackagedCluster cluster, int sslPort) throws Exception {
        int before = cluster.lines().size();
        try (Socket socket = new Socket("127.0.0.1", sslPort)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write("GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            while (in.read() >= 0) {
                // whatever the TLS layer answers, until it closes
            }
        }
        Thread.sleep(500);
        List<String> after = cluster.lines().subList(before, cluster.lines().size());
        assertTrue(after.stream().noneMatch(l -> l.startsWith("\tat ") || l.startsWith("Caused by")),
                "no stack trace for a client that is not speaking TLS: " + after);
        assertEquals(1, after.stream().filter(l -> l.contains("DEBUG") && l.contains("client connection failed")).count(),
                "one debug line: " + after);
        assertTrue(cluster.isAlive(), cluster.describe());
    }
}
