package io.quarkiverse.socketio.samples.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
import io.socket.engineio.client.transports.WebSocket;

/** The chat namespace with the official Java client ({@code io.socket:socket.io-client}). */
@QuarkusTest
class ChatJavaClientTest {

    private static final long STEP_SECONDS = 5;

    @TestHTTPResource("/")
    URI url;

    private final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void close() {
        sockets.forEach(Socket::close);
    }

    @Test
    void rejectsClientsWithoutName() throws Exception {
        for (Map<String, String> auth : List.of(Map.<String, String> of(), Map.of("name", "  "),
                Map.of("name", "x".repeat(33)))) {
            Socket socket = socket(auth);
            CompletableFuture<Object[]> error = once(socket, Socket.EVENT_CONNECT_ERROR);
            socket.connect();
            JSONObject rejection = (JSONObject) await(error, "connect_error for " + auth)[0];
            assertEquals("name required", rejection.getString("message"), rejection.toString());
            assertEquals("{\"field\":\"name\"}", rejection.getJSONObject("data").toString());
            assertFalse(socket.connected());
        }
        connect(Map.of("name", "x".repeat(32))); // the longest name
    }

    @Test
    void messageIsAcknowledgedAndBroadcastToTheRoom() throws Exception {
        Socket ann = socket(Map.of("name", "Ann", "room", "java-room"));
        CompletableFuture<Object[]> annMembers = once(ann, "members");
        connect(ann);
        assertEquals(List.of("Ann"), names(await(annMembers, "Ann's members")));

        CompletableFuture<Object[]> bobJoined = once(ann, "joined");
        Socket bob = socket(Map.of("name", "Bob", "room", "java-room"));
        CompletableFuture<Object[]> bobMembers = once(bob, "members");
        List<Object[]> bobMessages = new CopyOnWriteArrayList<>();
        bob.on("message", bobMessages::add);
        connect(bob);
        assertEquals(List.of("Ann", "Bob"), names(await(bobMembers, "Bob's members")));
        JSONObject joined = (JSONObject) await(bobJoined, "joined")[0];
        assertEquals("Bob", joined.getString("name"));
        assertEquals("java-room", joined.getString("room"));
        assertEquals(bob.id(), joined.getString("id"));

        Socket lobby = connect(Map.of("name", "Lou")); // another room: sees nothing of java-room
        List<Object[]> lobbyMessages = new CopyOnWriteArrayList<>();
        lobby.on("message", lobbyMessages::add);

        CompletableFuture<Object[]> received = once(ann, "message");
        CompletableFuture<Object[]> ack = new CompletableFuture<>();
        bob.emit("message", new Object[] { new JSONObject().put("text", "hi Ann") }, (Ack) ack::complete);
        JSONObject receipt = (JSONObject) await(ack, "Bob's receipt")[0];
        JSONObject message = (JSONObject) await(received, "Ann's message")[0];
        assertEquals(36, receipt.getString("id").length(), receipt.toString());
        assertTrue(Math.abs(System.currentTimeMillis() - receipt.getLong("at")) < 60_000, receipt.toString());
        assertEquals(receipt.getString("id"), message.getString("id"), message.toString());
        assertEquals(receipt.getLong("at"), message.getLong("at"), message.toString());
        assertEquals("Bob", message.getString("from"));
        assertEquals("hi Ann", message.getString("text"));

        CompletableFuture<Object[]> left = once(ann, "left");
        bob.disconnect();
        JSONObject leftMember = (JSONObject) await(left, "left")[0];
        assertEquals("Bob", leftMember.getString("name"));
        assertTrue(bobMessages.isEmpty(), "the sender does not get its own message");
        assertTrue(lobbyMessages.isEmpty(), "other rooms do not get the message");
    }

    private Socket socket(Map<String, String> auth) {
        IO.Options options = new IO.Options();
        options.forceNew = true;
        options.reconnection = false;
        options.auth = auth;
        // WebSocket only: a long-polling client may still send its last request while the application stops
        options.transports = new String[] { WebSocket.NAME };
        Socket socket = IO.socket(URI.create("http://" + url.getHost() + ":" + url.getPort() + "/chat"), options);
        sockets.add(socket);
        return socket;
    }

    private Socket connect(Map<String, String> auth) throws Exception {
        return connect(socket(auth));
    }

    private static Socket connect(Socket socket) throws Exception {
        CompletableFuture<Object[]> connected = new CompletableFuture<>();
        socket.once(Socket.EVENT_CONNECT, connected::complete);
        socket.once(Socket.EVENT_CONNECT_ERROR,
                args -> connected.completeExceptionally(new AssertionError("connect_error: " + Arrays.toString(args))));
        socket.connect();
        await(connected, "connect");
        return socket;
    }

    private static CompletableFuture<Object[]> once(Socket socket, String event) {
        CompletableFuture<Object[]> future = new CompletableFuture<>();
        socket.once(event, future::complete);
        return future;
    }

    private static Object[] await(CompletableFuture<Object[]> future, String what) throws Exception {
        try {
            return future.get(STEP_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("no " + what + " within " + STEP_SECONDS + " s");
        } catch (ExecutionException e) {
            throw new AssertionError(what + " failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    private static List<String> names(Object[] args) throws Exception {
        JSONArray members = (JSONArray) args[0];
        List<String> names = new ArrayList<>();
        for (int i = 0; i < members.length(); i++) {
            names.add(members.getJSONObject(i).getString("name"));
        }
        return names.stream().sorted().toList();
    }
}
