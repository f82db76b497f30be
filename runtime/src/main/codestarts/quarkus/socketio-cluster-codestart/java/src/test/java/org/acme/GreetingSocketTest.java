package org.acme;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.json.JSONObject;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.socket.client.IO;
import io.socket.client.Socket;

@QuarkusTest
class GreetingSocketTest {

    @TestHTTPResource("/greetings")
    URI greetings;

    @Test
    void greetingIsAcknowledgedAndBroadcast() throws Exception {
        Socket ann = connect();
        Socket bob = connect();
        try {
            CompletableFuture<Object> greeted = new CompletableFuture<>();
            bob.on("greeted", args -> greeted.complete(args[0]));

            CompletableFuture<JSONObject> ack = new CompletableFuture<>();
            ann.emit("greet", new Object[] { "Ann" }, args -> ack.complete((JSONObject) args[0]));

            JSONObject greeting = ack.get(10, TimeUnit.SECONDS);
            assertEquals("Hello Ann!", greeting.getString("text"));
            assertEquals(2, greeting.getInt("connected"));
            assertEquals("Ann", greeted.get(10, TimeUnit.SECONDS));
        } finally {
            ann.close();
            bob.close();
        }
    }

    private Socket connect() throws Exception {
        Socket socket = IO.socket(greetings, IO.Options.builder().setForceNew(true).build());
        CompletableFuture<Void> connected = new CompletableFuture<>();
        socket.once(Socket.EVENT_CONNECT, args -> connected.complete(null));
        socket.once(Socket.EVENT_CONNECT_ERROR, args -> connected.completeExceptionally(new IllegalStateException(
                "connect_error: " + args[0])));
        socket.connect();
        connected.get(10, TimeUnit.SECONDS);
        return socket;
    }
}
