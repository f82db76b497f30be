package io.quarkiverse.socketio.it.devmode;

import static io.quarkiverse.socketio.it.support.JavaClients.await;
import static io.quarkiverse.socketio.it.support.JavaClients.connect;
import static io.quarkiverse.socketio.it.support.JavaClients.emitWithAck;
import static io.quarkiverse.socketio.it.support.JavaClients.once;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkiverse.socketio.it.support.JavaClients;
import io.quarkiverse.socketio.it.support.JavaClients.ClientTransport;
import io.quarkus.test.QuarkusDevModeTest;
import io.socket.client.Socket;

/**
 * {@code quarkus dev} with {@code quarkus.socketio.adapter=redis} and no Redis configured: the extension's Dev Service
 * starts a {@code redis-server} process (it is on the machine: {@code .ci/run} installs it), shows it on the Dev
 * Services page with the address it gave the Redis client, and the two in-JVM workers are two servers of the Redis
 * adapter: a broadcast from a client of one worker reaches a client of the other through that Redis, where it is seen
 * on its way.
 */
class RedisDevModeTest {

    static final int PORT = 8098;
    static final URI BASE = URI.create("http://localhost:" + PORT + "/");
    private static final Pattern REDIS_ADDRESS = Pattern.compile("redis://127\\.0\\.0\\.1:(\\d+)");

    @RegisterExtension
    static final QuarkusDevModeTest TEST = new QuarkusDevModeTest()
            .withApplicationRoot(jar -> jar.addClass(DevRoomsNamespace.class)
                    .addAsResource(new StringAsset("quarkus.http.port=" + PORT + "\n"
                            + "quarkus.socketio.adapter=redis\n"), "application.properties"));

    private final List<Socket> clients = new ArrayList<>();

    @AfterEach
    void closeClients() {
        clients.forEach(Socket::close);
    }

    private Socket client(String name, String room) throws Exception {
        Map<String, String> auth = new LinkedHashMap<>();
        auth.put("name", name);
        auth.put("room", room);
        Socket socket = JavaClients.socket(BASE, "/dev", ClientTransport.WEBSOCKET, auth);
        clients.add(socket);
        return connect(socket);
    }

    @Test
    void aCrossWorkerBroadcastGoesThroughTheRedisTheDevServiceStarted() throws Exception {
        Socket ann = client("ann", "red");
        Socket bob = client("bob", "red");
        int annWorker = (Integer) await(emitWithAck(ann, "where"), "where")[0];
        int bobWorker = (Integer) await(emitWithAck(bob, "where"), "where")[0];
        assertTrue(annWorker != bobWorker, "two clients on two workers: " + annWorker + ", " + bobWorker);

        int redisPort;
        try (DevUiJsonRpc rpc = DevUiJsonRpc.connect(BASE)) {
            JsonNode devServices = rpc.callQualified("devui-dev-services_getDevServices", Map.of());
            Matcher address = REDIS_ADDRESS.matcher(devServices.toString());
            assertTrue(devServices.toString().contains("redis-server") || devServices.toString().contains("Redis"),
                    "the Dev Services page shows the Redis server: " + devServices.toPrettyString());
            assertTrue(address.find(), "the address given to the Redis client: " + devServices.toPrettyString());
            redisPort = Integer.parseInt(address.group(1));
            JsonNode servers = rpc.call("getClusterServers", Map.of());
            assertTrue(servers.toString().contains("\"adapter\":\"redis\""), servers.toPrettyString());
        }

        try (RawRedis redis = new RawRedis(redisPort)) {
            // each worker is a server of the Redis adapter: two connections subscribe to the namespace's requests
            assertEquals("2", redis.command("PUBSUB", "NUMSUB", "socket.io-request#/dev#").get(1));
            assertEquals(2, (Integer) await(emitWithAck(ann, "count"), "count")[0]);

            try (RawRedis watcher = new RawRedis(redisPort)) {
                watcher.send("PSUBSCRIBE", "socket.io#/dev#*");
                assertEquals("psubscribe", watcher.readReply().get(0));
                CompletableFuture<Object[]> heard = once(bob, "shout");
                assertEquals(true, await(emitWithAck(ann, "shout", "through redis"), "shout")[0]);
                assertEquals("through redis", await(heard, "bob hears ann")[0]);
                List<String> published = watcher.readReply();
                assertEquals("pmessage", published.get(0), published.toString());
                assertEquals("socket.io#/dev#red#", published.get(2), "published to the room's channel");
                assertTrue(published.get(3).contains("through redis"), "the broadcast itself: " + published);
            }
        }
    }

    /** A minimal RESP client of the test's own, to look at the Redis server from outside. */
    private static final class RawRedis implements AutoCloseable {
        private final java.net.Socket socket;
        private final BufferedReader in;
        private final OutputStream out;

        RawRedis(int port) throws Exception {
            socket = new java.net.Socket("127.0.0.1", port);
            socket.setSoTimeout(10_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            out = socket.getOutputStream();
        }

        List<String> command(String... args) throws Exception {
            send(args);
            return readReply();
        }

        void send(String... args) throws Exception {
            StringBuilder request = new StringBuilder("*").append(args.length).append("\r\n");
            for (String arg : args) {
                byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
                request.append('$').append(bytes.length).append("\r\n").append(arg).append("\r\n");
            }
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        /** One reply, flattened to its strings (integers as text); enough for arrays of bulk strings and numbers. */
        List<String> readReply() throws Exception {
            List<String> values = new ArrayList<>();
            read(values);
            return values;
        }

        private void read(List<String> values) throws Exception {
            String line = in.readLine();
            switch (line.charAt(0)) {
                case '*', '>' -> {
                    int count = Integer.parseInt(line.substring(1));
                    for (int i = 0; i < count; i++) {
                        read(values);
                    }
                }
                case '$' -> {
                    int length = Integer.parseInt(line.substring(1));
                    char[] chars = new char[length];
                    int read = 0;
                    while (read < length) {
                        read += in.read(chars, read, length - read);
                    }
                    in.readLine();
                    values.add(new String(chars));
                }
                default -> values.add(line.substring(1));
            }
        }

        @Override
        public void close() throws Exception {
            socket.close();
        }
    }
}
