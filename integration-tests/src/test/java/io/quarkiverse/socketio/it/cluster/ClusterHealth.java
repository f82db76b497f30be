package io.quarkiverse.socketio.it.cluster;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The application's SmallRye Health readiness in a worker of a packaged cluster, on its management interface. */
final class ClusterHealth {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ClusterHealth() {
    }

    /**
     * The "Socket.IO" check of {@code GET /q/health/ready}, once the answer has the expected status and the check
     * carries the cluster's readiness (the primary tells the workers every second); fails after 10 s.
     */
    static JsonNode awaitSocketIOCheck(HttpClient http, URI management, int expectedStatus) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(management.resolve("/q/health/ready"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            last = response.statusCode() + " " + response.body();
            if (response.statusCode() == expectedStatus) {
                for (JsonNode check : MAPPER.readTree(response.body()).path("checks")) {
                    if (check.path("name").asText().equals("Socket.IO") && check.path("data").has("workers-ready")) {
                        return check;
                    }
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("GET /q/health/ready never answered " + expectedStatus
                + " with the Socket.IO check and the cluster's readiness; last: " + last);
    }
}
