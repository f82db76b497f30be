package io.quarkiverse.socketio.runtime.admin;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import com.fasterxml.jackson.databind.node.ArrayNode;

import io.quarkiverse.socketio.DisconnectReason;
import io.quarkiverse.socketio.SocketIONamespace;
import io.quarkiverse.socketio.SocketIOSocket;
import io.quarkiverse.socketio.runtime.server.ServerObserver;
import io.quarkiverse.socketio.runtime.server.SocketIOServerImpl;
import io.vertx.core.Vertx;

/**
 * The Admin UI's view of one server (one worker): it counts the server's traffic per second, sends the UI its
 * {@code server_stats} every two seconds, and, in development mode, tells the UI of every socket, room change and
 * event. Whatever it sends goes to the admin namespace through the adapter, so the UI's sockets on every server get it.
 * <p>
 * Thread rules: the observer methods run on the sessions' event loops, concurrently, and only count or send; the
 * periodic timer runs on an event loop too and is the only one that reads the counts.
 */
final class AdminServerAgent implements ServerObserver {

    /** Node sends the statistics every 2 s. */
    private static final long STATS_PERIOD_SECONDS = 2;

    private final SocketIOServerImpl server;
    private final SocketIONamespace admin;
    private final boolean development;
    private final Map<String, Object> identity;
    private final long startedAt = System.currentTimeMillis();
    private final Vertx vertx;
    private final long timer;
    private long ticks;

    private final LongAdder connections = new LongAdder();
    private final Map<String, LongAdder> disconnections = new ConcurrentHashMap<>();
    private final LongAdder packetsIn = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder packetsOut = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    /** the counts of each second since the last statistics, as Node's {@code aggregatedEvents}; timer only */
    private final List<Map<String, Object>> aggregated = new ArrayList<>();

    AdminServerAgent(Vertx vertx, SocketIOServerImpl server, String namespace, boolean development,
            ServerIdentity identity) {
        this.vertx = vertx;
        this.server = server;
        this.admin = server.of(namespace);
        this.development = development;
        this.identity = identity.asMap();
        this.timer = vertx.setPeriodic(1000, t -> tick());
    }

    private void tick() {
        if (!server.serves()) {
            vertx.cancelTimer(timer); // the server stopped (an in-JVM worker replaced): its successor has an agent
            return;
        }
        long second = (System.currentTimeMillis() / 1000 - 1) * 1000; // the second that just ended
        aggregate(second, "rawConnection", null, connections.sumThenReset());
        disconnections.forEach((reason, count) -> aggregate(second, "rawDisconnection", reason, count.sumThenReset()));
        aggregate(second, "packetsIn", null, packetsIn.sumThenReset());
        aggregate(second, "bytesIn", null, bytesIn.sumThenReset());
        aggregate(second, "packetsOut", null, packetsOut.sumThenReset());
        aggregate(second, "bytesOut", null, bytesOut.sumThenReset());
        if (++ticks % STATS_PERIOD_SECONDS == 0) {
            admin.emit("server_stats", stats());
            aggregated.clear();
        }
    }

    private void aggregate(long second, String type, String subType, long count) {
        if (count > 0) {
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("timestamp", second);
            event.put("type", type);
            if (subType != null) {
                event.put("subType", subType);
            }
            event.put("count", count);
            aggregated.add(event);
        }
    }

    /** Node's {@code ServerStats}, with the counts since the last ones. */
    private Map<String, Object> stats() {
        Map<String, Object> stats = new LinkedHashMap<>(identity);
        stats.put("uptime", (System.currentTimeMillis() - startedAt) / 1000.0);
        stats.put("clientsCount", server.sessionCount());
        stats.put("pollingClientsCount", server.pollingSessionCount());
        stats.put("aggregatedEvents", List.copyOf(aggregated));
        List<Map<String, Object>> namespaces = new ArrayList<>();
        for (SocketIONamespace namespace : server.namespaces()) {
            namespaces.add(Map.of("name", namespace.name(), "socketsCount", namespace.localSockets().size()));
        }
        stats.put("namespaces", namespaces);
        return stats;
    }

    // ------------------------------------------------------------------ counts (both modes)

    @Override
    public void clientOpened(String transport) {
        connections.increment();
    }

    @Override
    public void clientClosed(String reason) {
        disconnections.computeIfAbsent(reason, r -> new LongAdder()).increment();
    }

    @Override
    public void packetReceived(int bytes) {
        packetsIn.increment();
        bytesIn.add(bytes);
    }

    @Override
    public void packetsSent(int packets, long bytes) {
        packetsOut.add(packets);
        bytesOut.add(bytes);
    }

    // ------------------------------------------------------------------ every socket and event (development mode)

    @Override
    public void connected(SocketIOSocket socket) {
        if (!development) {
            return;
        }
        String clientId = SocketIOServerImpl.clientIdOf(socket);
        socket.data().put(SerializedSockets.ADMIN_DATA, SerializedSockets.adminData(clientId, socket::transport));
        admin.emit("socket_connected", SerializedSockets.of(socket), now());
    }

    @Override
    public void upgraded(SocketIOSocket socket) {
        if (development) {
            admin.emit("socket_updated", Map.of("id", socket.id(), "nsp", socket.namespace().name(), "transport",
                    socket.transport()));
        }
    }

    @Override
    public void disconnected(SocketIOSocket socket, DisconnectReason reason) {
        if (development) {
            admin.emit("socket_disconnected", socket.namespace().name(), socket.id(), reason.wireName(), now());
        }
    }

    @Override
    public void joined(SocketIOSocket socket, String room) {
        if (development) {
            admin.emit("room_joined", socket.namespace().name(), room, socket.id(), now());
        }
    }

    @Override
    public void left(SocketIOSocket socket, String room) {
        if (development) {
            admin.emit("room_left", socket.namespace().name(), room, socket.id(), now());
        }
    }

    @Override
    public void received(SocketIOSocket socket, ArrayNode event) {
        if (development && !socket.namespace().name().equals(admin.name())) {
            admin.emit("event_received", socket.namespace().name(), socket.id(), event, now());
        }
    }

    @Override
    public void sent(SocketIOSocket socket, ArrayNode event) {
        if (development && !socket.namespace().name().equals(admin.name())) {
            admin.emit("event_sent", socket.namespace().name(), socket.id(), event, now());
        }
    }

    @Override
    public void delivered(SocketIOSocket socket, ArrayNode event) {
        sent(socket, event);
    }

    private static String now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS).toString(); // as a JavaScript Date says it
    }

    /** What the statistics say of the server whatever the time: its id, host name and process id. */
    record ServerIdentity(String serverId, String hostname, long pid) {
        Map<String, Object> asMap() {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("serverId", serverId);
            map.put("hostname", hostname);
            map.put("pid", pid);
            return map;
        }
    }
}
