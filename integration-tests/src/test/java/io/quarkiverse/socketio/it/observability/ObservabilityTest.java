package io.quarkiverse.socketio.it.observability;

import static io.quarkiverse.socketio.it.support.JavaClients.await;
import static io.quarkiverse.socketio.it.support.JavaClients.connect;
import static io.quarkiverse.socketio.it.support.JavaClients.emitWithAck;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkiverse.socketio.it.support.JavaClients;
import io.quarkiverse.socketio.it.support.JavaClients.ClientTransport;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.socket.client.Socket;

/**
 * An application with Micrometer (Prometheus) and SmallRye Health, in the in-JVM cluster of test mode: its
 * {@code /q/metrics} has the Socket.IO meters of each worker, and {@code /q/health/ready} the Socket.IO check.
 */
@QuarkusTest
@TestProfile(ObservabilityTest.OwnApplication.class)
class ObservabilityTest {

    /** An application of its own: no client of another test class is counted. */
    public static class OwnApplication implements QuarkusTestProfile {
    }

    @TestHTTPResource("/")
    URI base;

    @TestHTTPResource(value = "/metrics", management = true)
    URI metrics;

    @TestHTTPResource(value = "/health/ready", management = true)
    URI ready;

    private final List<Socket> clients = new ArrayList<>();

    @AfterEach
    void close() {
        clients.forEach(Socket::close);
    }

    @Test
    void metersAndReadiness() throws Exception {
        for (String name : List.of("a", "b", "c")) {
            Socket socket = JavaClients.socket(base, "/cluster", ClientTransport.WEBSOCKET, Map.of("name", name));
            clients.add(connect(socket));
        }
        Object[] fetched = await(emitWithAck(clients.get(0), "fetch", new org.json.JSONObject()), "fetch");
        assertTrue(fetched[0] instanceof org.json.JSONArray, "fetchSockets answered: " + fetched[0]);

        String text = get(metrics);
        double sockets = value(text, "socketio_sockets\\{worker=\"1\"\\}") + value(text, "socketio_sockets\\{worker=\"2\"\\}");
        assertEquals(3.0, sockets, "the sockets of both workers\n" + text);
        assertTrue(value(text, "socketio_cluster_requests_seconds_count\\{outcome=\"answered\",type=\"FETCH_SOCKETS\",worker=\"[12]\"\\}") >= 1,
                "the fetchSockets request, timed\n" + text);
        assertTrue(text.contains("socketio_rooms{worker=\"1\"}"), text);

        JsonNode health = JavaClients.MAPPER.readTree(get(ready));
        JsonNode check = null;
        for (JsonNode c : health.path("checks")) {
            if (c.path("name").asText().equals("Socket.IO")) {
                check = c;
            }
        }
        assertTrue(check != null, health.toPrettyString());
        assertEquals("UP", check.path("status").asText(), check.toString());
        assertEquals(3, check.path("data").path("sockets").asInt(), check.toString());
        assertEquals(2, check.path("data").path("in-jvm-workers").asInt(), check.toString());
    }

    private static String get(URI uri) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), uri + ": " + response.body());
        return response.body();
    }

    /** The value of the first sample whose name and labels match. */
    private static double value(String prometheus, String sample) {
        Matcher m = Pattern.compile("(?m)^" + sample + " ([0-9.eE+-]+)$").matcher(prometheus);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }
}
