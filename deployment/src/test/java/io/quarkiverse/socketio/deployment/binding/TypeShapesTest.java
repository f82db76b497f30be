package io.quarkiverse.socketio.deployment.binding;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.socketio.OnEvent;
import io.quarkiverse.socketio.SocketIO;
import io.quarkus.test.QuarkusUnitTest;
import io.quarkus.test.common.http.TestHTTPResource;
import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;

/**
 * Parameter types whose Jackson type is built from its canonical name when the application starts: nested classes,
 * arrays of objects and of primitives, wildcards, nested generics, {@code Optional}, and a package-private bean with
 * package-private handlers.
 */
class TypeShapesTest {

    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(Shapes.class, Point.class))
            .overrideConfigKey("quarkus.http.test-port", "0")
            .overrideConfigKey("quarkus.log.category.\"io.quarkiverse.socketio.runtime.declarative\".level", "DEBUG");

    @TestHTTPResource("/")
    URI base;

    private Socket socket;

    @AfterEach
    void close() {
        if (socket != null) {
            socket.close();
        }
    }

    @Test
    void bindsEveryShape() throws Exception {
        IO.Options options = new IO.Options();
        options.forceNew = true;
        options.reconnection = false;
        socket = IO.socket(URI.create("http://" + base.getHost() + ":" + base.getPort() + "/shapes"), options);
        CompletableFuture<Void> connected = new CompletableFuture<>();
        socket.once(Socket.EVENT_CONNECT, args -> connected.complete(null));
        socket.connect();
        connected.get(5, TimeUnit.SECONDS);

        JSONObject point = new JSONObject().put("x", 1).put("y", 2);
        assertEquals("Point[x=1, y=2]|Point|Point", ack("arrays", new JSONArray().put(point).put(point),
                new JSONArray().put(new JSONArray().put(point))));
        assertEquals("6|[7, 8]", ack("primitive-arrays", new JSONArray().put(1).put(2).put(3),
                new JSONObject().put("k", new JSONArray().put(7).put(8))));
        JSONObject nested = new JSONObject().put("point", point);
        assertEquals("Point|Nested:Point|2", ack("wildcards", new JSONArray().put(point),
                new JSONObject().put("a", new JSONArray().put(new JSONArray().put(nested).put(nested)))));
        assertEquals("Optional[text]|Optional.empty", ack("optional", "text"));
    }

    private String ack(String event, Object... args) throws Exception {
        CompletableFuture<Object[]> answer = new CompletableFuture<>();
        socket.emit(event, args, (Ack) answer::complete);
        return String.valueOf(answer.get(5, TimeUnit.SECONDS)[0]);
    }

    public record Point(int x, int y) {
    }

    @SocketIO(namespace = "shapes")
    static class Shapes {

        public record Nested(Point point) {
        }

        @OnEvent("arrays")
        String arrays(Point[] points, Point[][] grid) {
            return points[0] + "|" + points[1].getClass().getSimpleName() + "|"
                    + grid[0][0].getClass().getSimpleName();
        }

        @OnEvent("primitive-arrays")
        String primitiveArrays(int[] numbers, Map<String, long[]> byKey) {
            return java.util.Arrays.stream(numbers).sum() + "|" + java.util.Arrays.toString(byKey.get("k"));
        }

        @OnEvent("wildcards")
        String wildcards(List<? extends Point> points, Map<String, List<List<Nested>>> nested) {
            List<Nested> inner = nested.get("a").get(0);
            return points.get(0).getClass().getSimpleName() + "|" + inner.get(0).getClass().getSimpleName() + ":"
                    + inner.get(0).point().getClass().getSimpleName() + "|" + inner.size();
        }

        @OnEvent("optional")
        String optional(Optional<String> present, Optional<String> missing) {
            return present + "|" + (missing == null ? Optional.empty() : missing);
        }
    }
}
