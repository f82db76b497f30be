package io.quarkiverse.socketio.runtime.cluster.primary;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

import io.quarkiverse.socketio.runtime.cluster.ClusterOperations;
import io.quarkiverse.socketio.runtime.cluster.OperatorCommand;
import io.quarkiverse.socketio.runtime.cluster.RelayTraffic;
import io.quarkiverse.socketio.runtime.cluster.WorkerStatus;
import io.quarkiverse.socketio.runtime.cluster.wire.ControlMessage;
import io.quarkiverse.socketio.runtime.recovery.RecoveryStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.Json;

/**
 * The primary's endpoints on Quarkus's management interface ({@code quarkus.management.enabled}, its host, port and
 * root path), since the application's own management endpoints run in the workers only:
 * <ul>
 * <li>{@code GET <root>/health/live}: up while the primary runs;</li>
 * <li>{@code GET <root>/health/ready} (and {@code <root>/health}): up when every desired worker is ready, down (503)
 * while one is starting, draining or in a crash loop; in the SmallRye Health JSON shape;</li>
 * <li>{@code GET <root>/socketio/status}: the workers, as {@code socketio status --json};</li>
 * <li>{@code GET <root>/socketio/metrics}: the cluster's gauges and counters in the Prometheus text format;</li>
 * <li>{@code POST <root>/socketio/reload}, {@code .../restart?worker=N}, {@code .../scale?workers=N},
 * {@code .../stop}: the operator commands, refused (403) unless
 * {@code quarkus.socketio.cluster.management-actions=true}.</li>
 * </ul>
 */
final class ClusterManagement {

    private static final Logger LOG = Logger.getLogger(ClusterManagement.class);

    private ClusterManagement() {
    }

    /** Where the management interface listens, as Quarkus's settings say; {@code null} when it is not enabled. */
    record Address(String host, int port, String prefix) {
        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    static Address address(Config config) {
        if (!config.getOptionalValue("quarkus.management.enabled", Boolean.class).orElse(false)) {
            return null;
        }
        String host = config.getOptionalValue("quarkus.management.host", String.class).orElse("0.0.0.0");
        int port = config.getOptionalValue("quarkus.management.port", Integer.class).orElse(9000);
        String root = config.getOptionalValue("quarkus.management.root-path", String.class).orElse("/q");
        return new Address(host, port, root.endsWith("/") ? root.substring(0, root.length() - 1) : root);
    }

    /** Serves the endpoints at {@code address} ({@code null}: not enabled); completes with the server, or null. */
    static Future<HttpServer> listen(Vertx vertx, Address address, ClusterPrimary primary, boolean actionsEnabled) {
        if (address == null) {
            return Future.succeededFuture();
        }
        return vertx.createHttpServer()
                .requestHandler(request -> handle(vertx, request, address.prefix(), primary, actionsEnabled))
                .listen(address.port(), address.host())
                .onSuccess(server -> LOG.infof("Socket.IO cluster management endpoints on http://%s:%d%s/socketio",
                        address.host(), server.actualPort(), address.prefix()));
    }

    private static void handle(Vertx vertx, HttpServerRequest request, String prefix, ClusterPrimary primary,
            boolean actionsEnabled) {
        String path = request.path();
        if (!path.startsWith(prefix + "/")) {
            json(request, 404, Map.of("error", "not found"));
            return;
        }
        String endpoint = path.substring(prefix.length());
        switch (endpoint) {
            case "/health/live":
                health(request, true, Map.of());
                return;
            case "/health":
            case "/health/ready": {
                ControlMessage.ClusterReadiness readiness = primary.readiness();
                health(request, readiness.complete(), Map.of("desired", readiness.desired(), "ready",
                        readiness.ready()));
                return;
            }
            case "/socketio/status":
                if (request.method() != HttpMethod.GET) {
                    json(request, 405, Map.of("error", "use GET"));
                    return;
                }
                // the status reads /proc: off the event loop
                vertx.executeBlocking(primary::status, false).onComplete(status -> json(request, 200,
                        status.succeeded() ? status.result() : Map.of("error", status.cause().getMessage())));
                return;
            case "/socketio/metrics":
                vertx.executeBlocking(() -> metrics(primary), false).onComplete(text -> request.response()
                        .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
                        .end(text.succeeded() ? text.result() : "# " + text.cause().getMessage() + "\n"));
                return;
            case "/socketio/reload":
            case "/socketio/restart":
            case "/socketio/scale":
            case "/socketio/stop":
                action(vertx, request, endpoint.substring("/socketio/".length()), primary, actionsEnabled);
                return;
            default:
                json(request, 404, Map.of("error", "not found"));
        }
    }

    private static void action(Vertx vertx, HttpServerRequest request, String action, ClusterOperations cluster,
            boolean actionsEnabled) {
        if (request.method() != HttpMethod.POST) {
            json(request, 405, Map.of("error", "use POST"));
            return;
        }
        if (!actionsEnabled) {
            json(request, 403, Map.of("error", "the management actions are off: set "
                    + "quarkus.socketio.cluster.management-actions=true to enable them"));
            return;
        }
        List<String> progress = new CopyOnWriteArrayList<>();
        vertx.<String> executeBlocking(() -> command(request, action).run(cluster, progress::add), false)
                .onComplete(result -> {
                    if (result.succeeded()) {
                        json(request, 200, Map.of("result", result.result(), "progress", new ArrayList<>(progress)));
                    } else {
                        json(request, 409, Map.of("error", String.valueOf(result.cause().getMessage()), "progress",
                                new ArrayList<>(progress)));
                    }
                });
    }

    private static OperatorCommand command(HttpServerRequest request, String action) {
        return switch (action) {
            case "reload" -> new OperatorCommand.Reload();
            case "restart" -> new OperatorCommand.Restart(number(request, "worker"));
            case "scale" -> new OperatorCommand.Scale(number(request, "workers"));
            default -> new OperatorCommand.Stop();
        };
    }

    /**
     * Prometheus text: per worker sockets, restarts, memory and CPU; readiness; the relay's traffic. Written here, not
     * with Micrometer's Prometheus registry: that class on the classpath switches on Quarkus's Prometheus endpoint in
     * every application that has quarkus-micrometer, and the text of a dozen samples is small.
     */
    static String metrics(ClusterPrimary primary) {
        StringBuilder text = new StringBuilder();
        ControlMessage.ClusterReadiness readiness = primary.readiness();
        gauge(text, "socketio_cluster_workers_desired", "Worker processes the primary keeps", readiness.desired());
        gauge(text, "socketio_cluster_workers_ready", "Worker processes that serve", readiness.ready());
        List<WorkerStatus> workers = primary.status();
        family(text, "socketio_cluster_worker_sockets", "gauge", "Socket.IO sockets a worker serves");
        workers.forEach(w -> sample(text, "socketio_cluster_worker_sockets", w.index(), w.sockets()));
        family(text, "socketio_cluster_worker_restarts_total", "counter", "Restarts of a worker after it exited");
        workers.forEach(w -> sample(text, "socketio_cluster_worker_restarts_total", w.index(), w.restarts()));
        family(text, "socketio_cluster_worker_resident_memory_bytes", "gauge", "Resident memory of a worker");
        workers.forEach(w -> sample(text, "socketio_cluster_worker_resident_memory_bytes", w.index(),
                w.rssKb() * 1024));
        family(text, "socketio_cluster_worker_cpu_seconds_total", "counter", "CPU time of a worker process");
        workers.forEach(w -> sample(text, "socketio_cluster_worker_cpu_seconds_total", w.index(),
                w.cpuMillis() / 1000.0));
        RelayTraffic traffic = primary.relayTraffic();
        family(text, "socketio_cluster_relay_frames_total", "counter", "Cluster frames the relay delivered");
        text.append("socketio_cluster_relay_frames_total ").append(traffic.frames()).append('\n');
        family(text, "socketio_cluster_relay_bytes_total", "counter", "Bytes of the cluster frames delivered");
        text.append("socketio_cluster_relay_bytes_total ").append(traffic.bytes()).append('\n');
        RecoveryStore.Stats recovery = primary.recoveryStats();
        if (recovery != null) {
            gauge(text, "socketio_recovery_sessions", "Sessions the recovery store keeps, connected or not",
                    recovery.sessions());
            gauge(text, "socketio_recovery_disconnected_sessions", "Kept sessions waiting for their client",
                    recovery.disconnectedSessions());
            gauge(text, "socketio_recovery_packets", "Broadcasts the recovery store keeps", recovery.packets());
            gauge(text, "socketio_recovery_bytes", "Bytes of the broadcasts the recovery store keeps",
                    recovery.bytes());
            family(text, "socketio_recovery_evicted_packets_total", "counter",
                    "Broadcasts dropped from the recovery store (bounds or age)");
            text.append("socketio_recovery_evicted_packets_total ").append(recovery.evictedPackets()).append('\n');
        }
        return text.toString();
    }

    private static void gauge(StringBuilder text, String name, String help, long value) {
        family(text, name, "gauge", help);
        text.append(name).append(' ').append(value).append('\n');
    }

    private static void family(StringBuilder text, String name, String type, String help) {
        text.append("# HELP ").append(name).append(' ').append(help).append('\n');
        text.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void sample(StringBuilder text, String name, int worker, Number value) {
        text.append(name).append("{worker=\"").append(worker).append("\"} ").append(value).append('\n');
    }

    private static int number(HttpServerRequest request, String parameter) {
        try {
            return Integer.parseInt(request.getParam(parameter));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the query parameter " + parameter + " must be a number");
        }
    }

    private static void health(HttpServerRequest request, boolean up, Map<String, Object> data) {
        String status = up ? "UP" : "DOWN";
        json(request, up ? 200 : 503, Map.of("status", status, "checks",
                List.of(Map.of("name", "Socket.IO cluster", "status", status, "data", data))));
    }

    private static void json(HttpServerRequest request, int status, Object body) {
        request.response().setStatusCode(status).putHeader("content-type", "application/json")
                .end(Json.encode(body));
    }
}
