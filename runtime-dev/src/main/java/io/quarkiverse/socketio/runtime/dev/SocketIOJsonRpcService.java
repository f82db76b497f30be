package io.quarkiverse.socketio.runtime.dev;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkiverse.socketio.DisconnectReason;
import io.quarkiverse.socketio.Handshake;
import io.quarkiverse.socketio.RemoteSocket;
import io.quarkiverse.socketio.SocketIONamespace;
import io.quarkiverse.socketio.SocketIOSocket;
import io.quarkiverse.socketio.runtime.SocketIOServers;
import io.quarkiverse.socketio.runtime.cluster.ClusterOperations;
import io.quarkiverse.socketio.runtime.cluster.OperatorCommand;
import io.quarkiverse.socketio.runtime.cluster.injvm.InJvmCluster;
import io.quarkiverse.socketio.runtime.config.SocketIOConfig;
import io.quarkiverse.socketio.runtime.server.ServerObserver;
import io.quarkiverse.socketio.runtime.server.SocketIOServerImpl;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The Dev UI's JSON-RPC methods for the "Socket.IO cluster" card (dev mode only): the workers, their namespaces,
 * rooms and sockets, a live event log, the counts per second of each worker (connections, disconnections, events) for
 * the charts, and the actions (disconnect a socket, emit a test event, and the operator's restart, reload and scale on
 * the dev cluster).
 * The pages stream {@link #streamState()}, {@link #streamEvents()} and {@link #streamActivity()}; the other methods
 * answer once.
 */
public class SocketIOJsonRpcService {

    /** How many events the log keeps for a page that opens later. */
    static final int RECENT_EVENTS = 200;
    /** Handshake headers whose values are never shown. */
    private static final Set<String> SECRET_HEADERS = Set.of("authorization", "cookie", "proxy-authorization");
    /** Auth and query keys whose values are masked. */
    private static final Pattern SECRET_KEY = Pattern.compile("(?i).*(token|secret|password|passwd|key|credential|"
            + "auth|session|jwt|bearer).*");
    static final String MASK = "******";

    @Inject
    SocketIOServers servers;

    @Inject
    ObjectMapper mapper;

    @Inject
    SocketIOConfig config;

    private final BroadcastProcessor<JsonObject> events = BroadcastProcessor.create();
    /** guarded by itself */
    private final ArrayDeque<JsonObject> recent = new ArrayDeque<>();
    private final Activity activity = new Activity(System::currentTimeMillis);

    void observeFromStart(@Observes StartupEvent event) {
        // the log and the charts number a server on its own 1, as the card does
        servers.addObserver((worker, server) -> new EventLog(Math.max(worker, 1)));
        servers.addObserver((worker, server) -> activity.observer(Math.max(worker, 1)));
    }

    // ------------------------------------------------------------------ reads

    /** One entry per worker: index, node, state, start time and uptime, restarts, sockets per namespace. */
    public JsonArray getWorkers() {
        JsonArray workers = new JsonArray();
        long now = System.currentTimeMillis();
        for (WorkerView worker : workerViews()) {
            JsonObject sockets = new JsonObject();
            int total = 0;
            for (SocketIONamespace namespace : sorted(worker.server().namespaces())) {
                int count = namespace.localSockets().size();
                sockets.put(namespace.name(), count);
                total += count;
            }
            workers.add(new JsonObject()
                    .put("index", worker.index())
                    .put("node", worker.node())
                    .put("state", "ready")
                    .put("startedAt", Instant.ofEpochMilli(worker.startedAt()).toString())
                    .put("uptimeSeconds", (now - worker.startedAt()) / 1000)
                    .put("restarts", worker.restarts())
                    .put("sockets", total)
                    .put("socketsPerNamespace", sockets));
        }
        return workers;
    }

    /**
     * Per worker and namespace: each room with its members (a socket's own room, named after its id, is left out),
     * and each socket with its id, transport, rooms, handshake (secrets masked), data and connection time.
     */
    public JsonArray getSockets() {
        JsonArray workers = new JsonArray();
        for (WorkerView worker : workerViews()) {
            JsonArray namespaces = new JsonArray();
            for (SocketIONamespace namespace : sorted(worker.server().namespaces())) {
                Map<String, Set<String>> rooms = new TreeMap<>();
                JsonArray sockets = new JsonArray();
                for (SocketIOSocket socket : namespace.localSockets()) {
                    Set<String> socketRooms = new TreeSet<>(socket.rooms());
                    socketRooms.remove(socket.id());
                    for (String room : socketRooms) {
                        rooms.computeIfAbsent(room, r -> new TreeSet<>()).add(socket.id());
                    }
                    sockets.add(socketJson(socket, socketRooms));
                }
                JsonArray roomList = new JsonArray();
                rooms.forEach((room, members) -> roomList.add(new JsonObject().put("name", room)
                        .put("members", new JsonArray(new ArrayList<>(members)))));
                namespaces.add(new JsonObject().put("name", namespace.name()).put("rooms", roomList)
                        .put("sockets", sockets));
            }
            workers.add(new JsonObject().put("worker", worker.index()).put("namespaces", namespaces));
        }
        return workers;
    }

    /**
     * The servers of the whole cluster as the adapter sees them, per namespace: how many there are (this JVM's
     * workers, the other hosts' servers and Node's, with a Redis adapter) and every socket {@code fetchSockets} finds,
     * each marked local when one of this JVM's workers holds it. A server that does not answer in time makes the
     * namespace report the error instead.
     */
    @Blocking
    public JsonArray getClusterServers() {
        JsonArray namespaces = new JsonArray();
        List<WorkerView> workers = workerViews();
        Set<String> local = new TreeSet<>();
        for (WorkerView worker : workers) {
            for (SocketIONamespace namespace : worker.server().namespaces()) {
                namespace.localSockets().forEach(socket -> local.add(namespace.name() + " " + socket.id()));
            }
        }
        for (SocketIONamespace namespace : sorted(workers.get(0).server().namespaces())) {
            JsonObject entry = new JsonObject().put("name", namespace.name()).put("adapter", adapterName());
            try {
                entry.put("servers", namespace.serverCount().await().atMost(CLUSTER_WAIT));
                JsonArray sockets = new JsonArray();
                for (RemoteSocket socket : namespace.fetchSockets().await().atMost(CLUSTER_WAIT)) {
                    Set<String> rooms = new TreeSet<>(socket.rooms());
                    rooms.remove(socket.id());
                    sockets.add(new JsonObject().put("id", socket.id())
                            .put("local", local.contains(namespace.name() + " " + socket.id()))
                            .put("rooms", new JsonArray(new ArrayList<>(rooms)))
                            .put("data", new JsonObject(dataJson(socket.data()))));
                }
                entry.put("sockets", sockets);
            } catch (RuntimeException e) {
                entry.put("error", String.valueOf(e.getMessage()));
            }
            namespaces.add(entry);
        }
        return namespaces;
    }

    /** How long the Dev UI waits for the other servers' answers. */
    private static final Duration CLUSTER_WAIT = Duration.ofSeconds(6);

    private String adapterName() {
        return config.adapter().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** The last events, oldest first. */
    public JsonArray getEvents() {
        synchronized (recent) {
            return new JsonArray(new ArrayList<>(recent));
        }
    }

    /**
     * Per worker, the connections, disconnections, events received and events emitted of each second since the
     * application started, at most the last five minutes: what the Activity page draws when it opens, before
     * {@link #streamActivity()} brings the seconds that follow. {@code from} and {@code to} are epoch seconds, both
     * included; each worker has one array per measure, one count per second.
     */
    public JsonObject getActivity() {
        return activity.series(workerIndexes());
    }

    /**
     * Each second as it completes, per worker: {@code second} and its counts. It starts a few seconds back, so that
     * the page misses none between its {@link #getActivity()} and this stream; the page skips the seconds it has.
     */
    public Multi<JsonObject> streamActivity() {
        return Multi.createFrom().deferred(() -> {
            AtomicLong done = new AtomicLong(activity.lastCompleteSecond() - ACTIVITY_OVERLAP);
            // polled more often than once a second, so that a second shows soon after it ends
            return Multi.createFrom().ticks().every(Duration.ofMillis(250)).onItem().transformToIterable(tick -> {
                long last = activity.lastCompleteSecond();
                long first = Math.max(done.get() + 1, last - ActivityRing.SECONDS + 1);
                done.set(Math.max(done.get(), last));
                List<JsonObject> seconds = new ArrayList<>();
                List<Integer> current = workerIndexes();
                for (long second = first; second <= last; second++) {
                    seconds.add(activity.second(second, current));
                }
                return seconds;
            });
        });
    }

    /** How many seconds before the current one {@link #streamActivity()} starts. */
    private static final int ACTIVITY_OVERLAP = 5;

    /** The workers and sockets, now and then every second while they change. */
    public Multi<JsonObject> streamState() {
        return everySecond().map(tick -> new JsonObject().put("workers", getWorkers()).put("sockets", getSockets()))
                .skip().repetitions();
    }

    /** Each event as it happens. */
    public Multi<JsonObject> streamEvents() {
        return events;
    }

    /** The card's label: the sockets of all workers. */
    public Multi<String> streamSocketCount() {
        return everySecond().map(tick -> String.valueOf(servers.localSocketCount())).skip().repetitions();
    }

    /** A tick now, then one every second. */
    private static Multi<Long> everySecond() {
        return Multi.createBy().concatenating().streams(Multi.createFrom().item(0L),
                Multi.createFrom().ticks().every(Duration.ofSeconds(1)));
    }

    // ------------------------------------------------------------------ actions

    /** Disconnects a socket of a worker, as {@code socket.disconnect(true)} would. */
    public JsonObject disconnectSocket(int worker, String namespace, String socketId) {
        for (WorkerView view : workerViews()) {
            if (view.index() != worker) {
                continue;
            }
            for (SocketIONamespace candidate : view.server().namespaces()) {
                if (!candidate.name().equals(namespace)) {
                    continue;
                }
                for (SocketIOSocket socket : candidate.localSockets()) {
                    if (socket.id().equals(socketId)) {
                        socket.disconnect(true);
                        return result(true, "Disconnected " + socketId);
                    }
                }
            }
        }
        return result(false, "No socket " + socketId + " in namespace " + namespace + " on worker " + worker);
    }

    /**
     * Emits an event to a room or a socket (a socket id is a room too), through the whole cluster; the payload is
     * JSON text (an array gives several arguments), or plain text sent as one string.
     */
    public JsonObject emitEvent(String namespace, String to, String event, String payload) {
        if (event == null || event.isBlank()) {
            return result(false, "An event name is needed");
        }
        Object[] args = arguments(payload);
        SocketIONamespace target = workerViews().get(0).server().of(namespace == null || namespace.isBlank() ? "/"
                : namespace);
        if (to == null || to.isBlank()) {
            target.emit(event, args);
        } else {
            target.to(to).emit(event, args);
        }
        return result(true, "Emitted " + event + " to " + (to == null || to.isBlank() ? "all" : to));
    }

    /** Restarts a worker of the dev cluster: its clients reconnect, to whichever worker the router picks. */
    public JsonObject restartWorker(int worker) {
        return operate(new OperatorCommand.Restart(worker));
    }

    /** Replaces every worker of the dev cluster, one after the other (the operator's rolling reload). */
    public JsonObject reloadWorkers() {
        return operate(new OperatorCommand.Reload());
    }

    /** Scales the dev cluster to {@code count} workers (the operator's scale). */
    public JsonObject scaleWorkers(int count) {
        return operate(new OperatorCommand.Scale(count));
    }

    /** Runs an operator's command on the dev cluster, as the command line runs it on a cluster of processes. */
    private JsonObject operate(OperatorCommand command) {
        ClusterOperations cluster = servers.inJvmCluster().orElse(null);
        if (cluster == null) {
            return result(false, "This application runs one server (quarkus.socketio.cluster.workers=0): there are "
                    + "no workers to act on");
        }
        List<String> steps = new ArrayList<>();
        try {
            String outcome = command.run(cluster, steps::add);
            steps.add(outcome);
            return result(true, String.join("; ", steps));
        } catch (Exception e) {
            return result(false, e.getMessage());
        }
    }

    // ------------------------------------------------------------------ helpers

    private record WorkerView(int index, int node, long startedAt, int restarts, SocketIOServerImpl server) {
    }

    private List<WorkerView> workerViews() {
        InJvmCluster cluster = servers.inJvmCluster().orElse(null);
        if (cluster == null) {
            return List.of(new WorkerView(1, 0, STARTED, 0, servers.servers().get(0)));
        }
        return cluster.workers().stream()
                .map(w -> new WorkerView(w.index(), w.node(), w.startedAt(), w.restarts(), w.server())).toList();
    }

    private List<Integer> workerIndexes() {
        return workerViews().stream().map(WorkerView::index).toList();
    }

    /** When a server on its own started: with the application. */
    private static final long STARTED = System.currentTimeMillis();

    private static List<SocketIONamespace> sorted(java.util.Collection<SocketIONamespace> namespaces) {
        List<SocketIONamespace> list = new ArrayList<>(namespaces);
        list.sort((a, b) -> a.name().compareTo(b.name()));
        return list;
    }

    private JsonObject socketJson(SocketIOSocket socket, Set<String> rooms) {
        Handshake handshake = socket.handshake();
        String initial = handshake.queryParam("transport");
        String transport = socket.transport();
        JsonObject headers = new JsonObject();
        handshake.headers().forEach((name, values) -> headers.put(name,
                SECRET_HEADERS.contains(name) ? MASK : String.join(", ", values)));
        JsonObject query = new JsonObject();
        handshake.query().forEach((name, values) -> query.put(name,
                SECRET_KEY.matcher(name).matches() ? MASK : String.join(", ", values)));
        return new JsonObject()
                .put("id", socket.id())
                .put("transport", transport)
                .put("upgrades", initial != null && !initial.equals(transport) ? initial + " → " + transport : "")
                .put("rooms", new JsonArray(new ArrayList<>(rooms)))
                .put("address", handshake.address())
                .put("headers", headers)
                .put("query", query)
                .put("auth", new JsonObject(mapper.convertValue(masked(handshake.auth()), Map.class)))
                .put("data", new JsonObject(dataJson(socket.data())))
                .put("connectedSince", handshake.issued().toString());
    }

    /** A copy of the auth object with the values of secret-looking keys masked, at any depth. */
    static JsonNode masked(JsonNode node) {
        if (node instanceof ObjectNode object) {
            ObjectNode copy = object.objectNode();
            object.fields().forEachRemaining(field -> copy.set(field.getKey(),
                    SECRET_KEY.matcher(field.getKey()).matches() ? copy.textNode(MASK) : masked(field.getValue())));
            return copy;
        }
        return node;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> dataJson(Map<String, Object> data) {
        Map<String, Object> json = new TreeMap<>();
        data.forEach((key, value) -> {
            try {
                json.put(key, mapper.convertValue(value, Object.class));
            } catch (IllegalArgumentException e) {
                json.put(key, String.valueOf(value));
            }
        });
        return json;
    }

    private Object[] arguments(String payload) {
        if (payload == null || payload.isBlank()) {
            return new Object[0];
        }
        try {
            JsonNode node = mapper.readTree(payload);
            if (node.isArray()) {
                List<Object> args = new ArrayList<>();
                node.forEach(args::add);
                return args.toArray();
            }
            return new Object[] { node };
        } catch (java.io.IOException e) {
            return new Object[] { payload };
        }
    }

    private static JsonObject result(boolean success, String message) {
        return new JsonObject().put("success", success).put("message", message);
    }

    private void publish(JsonObject event) {
        event.put("time", Instant.now().toString());
        synchronized (recent) {
            if (recent.size() == RECENT_EVENTS) {
                recent.removeFirst();
            }
            recent.addLast(event);
        }
        events.onNext(event);
    }

    /** Turns what happens on one worker into log entries. */
    private final class EventLog implements ServerObserver {

        private final int worker;

        EventLog(int worker) {
            this.worker = worker;
        }

        private JsonObject entry(String kind, String namespace) {
            return new JsonObject().put("worker", worker).put("kind", kind).put("namespace", namespace);
        }

        @Override
        public void connected(SocketIOSocket socket) {
            publish(entry("connect", socket.namespace().name()).put("socket", socket.id())
                    .put("detail", socket.transport()));
        }

        @Override
        public void disconnected(SocketIOSocket socket, DisconnectReason reason) {
            publish(entry("disconnect", socket.namespace().name()).put("socket", socket.id())
                    .put("detail", reason.toString()));
        }

        @Override
        public void joined(SocketIOSocket socket, String room) {
            publish(entry("join", socket.namespace().name()).put("socket", socket.id()).put("detail", room));
        }

        @Override
        public void left(SocketIOSocket socket, String room) {
            publish(entry("leave", socket.namespace().name()).put("socket", socket.id()).put("detail", room));
        }

        @Override
        public void received(SocketIOSocket socket, ArrayNode event) {
            publish(entry("received", socket.namespace().name()).put("socket", socket.id())
                    .put("event", event.get(0).asText()).put("size", event.toString().length()));
        }

        @Override
        public void sent(SocketIOSocket socket, ArrayNode event) {
            emitted(socket.namespace().name(), socket.id(), event);
        }

        @Override
        public void broadcast(String namespace, String selection, ArrayNode event) {
            emitted(namespace, selection, event);
        }

        private void emitted(String namespace, String target, ArrayNode event) {
            publish(entry("emitted", namespace).put("detail", target).put("event", event.get(0).asText())
                    .put("size", event.toString().length()));
        }

        @Override
        public void remoteMessage(String from, String type, String namespace) {
            publish(entry("cluster", namespace).put("detail", type + " from " + from));
        }
    }
}
