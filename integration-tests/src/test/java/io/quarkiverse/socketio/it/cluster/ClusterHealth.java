package io.quarkiverse.socketio.it.cluster;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkiverse.socketio.it.support.HealthAndMetrics;

/**
 * The application's SmallRye Health checks and Micrometer meters in a worker of a packaged cluster, on its management
 * interface.
 */
final class ClusterHealth {

    private ClusterHealth() {
    }

    /**
     * The "Socket.IO" check of {@code GET /q/health/ready}, once the answer has the expected status and the check
     * carries the cluster's readiness (the primary tells the workers every second); fails after 10 s.
     */
    static JsonNode awaitSocketIOCheck(HttpClient http, URI management, int expectedStatus) throws Exception {
        return awaitAnswer(http, management.resolve("/q/health/ready"), response -> {
            if (response.statusCode() != expectedStatus) {
                return null;
            }
            return HealthAndMetrics.socketIOCheck(response.body()).filter(c -> c.path("data").has("workers-ready"))
                    .orElse(null);
        }, expectedStatus + " with the Socket.IO check and the cluster's readiness");
    }

    /** The "Socket.IO" check of {@code GET /q/health/live}, which must answer {@code expectedStatus} at once. */
    static JsonNode livenessCheck(HttpClient http, URI management, int expectedStatus) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(management.resolve("/q/health/live"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expectedStatus) {
            throw new AssertionError("GET /q/health/live answered " + response.statusCode() + ", not "
                    + expectedStatus + ": " + response.body());
        }
        return HealthAndMetrics.socketIOCheck(response.body()).orElseThrow(
                () -> new AssertionError("GET /q/health/live has no Socket.IO check: " + response.body()));
    }

    /**
     * The Prometheus text of {@code GET /q/metrics}, once {@code accept} takes it (the meters fed by the primary change
     * once a second); fails after 10 s with the last text.
     */
    static String awaitMetrics(HttpClient http, URI management, Predicate<String> accept, String what)
            throws Exception {
        return awaitAnswer(http, management.resolve("/q/metrics"),
                response -> response.statusCode() == 200 && accept.test(response.body()) ? response.body() : null,
                what);
    }

    /** Takes what is awaited from an answer, or null to ask again. */
    private interface Take<T> {
        T from(HttpResponse<String> response) throws Exception;
    }

    /** Asks {@code GET uri} every 200 ms until {@code take} takes something from the answer; fails after 10 s. */
    private static <T> T awaitAnswer(HttpClient http, URI uri, Take<T> take, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            last = response.statusCode() + "\n" + response.body();
            T taken = take.from(response);
            if (taken != null) {
                return taken;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("GET " + uri + " never answered " + what + "; last: " + last);
    }
}
