package io.quarkiverse.socketio.it.cluster;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkiverse.socketio.AckTimeoutException;
import io.quarkiverse.socketio.BroadcastOperator;
import io.quarkiverse.socketio.RemoteSocket;
import io.quarkiverse.socketio.SocketIOEvent;
import io.quarkiverse.socketio.SocketIONamespace;
import io.quarkiverse.socketio.SocketIOServer;
import io.quarkiverse.socketio.SocketIOSocket;
import io.quarkiverse.socketio.runtime.ClusterMembership;
import io.quarkiverse.socketio.runtime.SocketIOServers;
import io.quarkiverse.socketio.runtime.adapter.cluster.ClusterLink;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/**
 * The namespace {@code /cluster} of the reference application, for the tests of the packaged application run as a
 * cluster ({@code quarkus.socketio.cluster.workers=2}, see {@code src/test/java/.../it/cluster}). Every operation runs
 * on the worker that holds the socket of the client that asked for it, so a client picks the worker an operation
 * starts from by picking the socket it sends the event on. It works the same in a single process (worker index 0) and
 * in the in-JVM cluster of test mode (the index of the in-JVM worker, the same pid for all).
 *
 * <h2>Connection</h2>
 * The socket joins the rooms listed in {@code auth.rooms} (an array of strings, or one string: the official Java
 * client's auth holds strings only), stores {@code auth.name} as {@code data.name}, plus {@code data.worker} (the
 * worker index) and {@code data.pid}, then gets the event {@code welcome} with {@code {id, pid, worker, rooms}}.
 *
 * <h2>Events from the client (each acknowledged)</h2>
 * A <i>selection</i> is an object {@code {in: [rooms], except: [rooms]}}, both optional: without {@code in}, every
 * socket of the namespace, on every worker.
 * <ul>
 * <li>{@code info} - ack {@code {id, pid, worker, rooms, transport}} of this socket.</li>
 * <li>{@code chat {in, except, text}} - emits {@code chat} with {@code text} to the selection, then {@code fence}
 * with {@code text} to the whole namespace; ack {@code {pid, worker}}. A client that got the fence got the chat
 * before it if it was going to (each worker delivers what one worker sent in order).</li>
 * <li>{@code fetch {in, except}} - ack the selection's {@code fetchSockets()}: a list of {@code {id, rooms, data}},
 * rooms sorted; {@code {error}} when it failed.</li>
 * <li>{@code join-all {in, except, rooms}} / {@code leave-all {in, except, rooms}} - {@code socketsJoin} /
 * {@code socketsLeave} on the selection; ack {@code true}.</li>
 * <li>{@code disconnect-all {in, except, close}} - {@code disconnectSockets(close)} on the selection; ack
 * {@code true}.</li>
 * <li>{@code sse} - {@code serverSideEmitWithAck("who")}: ack the list of answers, each {@code {pid, worker}} of
 * another worker; {@code {error, partial}} when it failed.</li>
 * <li>{@code ask-all {in, except, timeoutMs}} - emits {@code question} with {@code {worker}} to the selection with
 * {@code timeout(timeoutMs)} (5000 when absent) and {@code emitWithAck}: ack the list of the clients' answers;
 * {@code {error, partial}} when it failed.</li>
 * <li>{@code count} - ack the namespace's {@code serverCount()}.</li>
 * <li>{@code binary selection, args...} - emits {@code binary} with the arguments after the selection, unchanged
 * (binary stays binary), to the selection; ack {@code {pid, worker, args}} (the number of arguments forwarded).</li>
 * </ul>
 * Between workers, {@code onServerSideEmit("who")} answers {@code {pid, worker}}.
 *
 * <h2>HTTP</h2>
 * <ul>
 * <li>{@code GET /cluster-fixture/info} - {@code {pid, worker}} of the process that served the request.</li>
 * <li>{@code POST /cluster-fixture/broadcast?room=R&text=T} - emits {@code chat} with {@code T} to room {@code R}
 * of {@code /cluster} (the whole namespace without {@code room}); answers {@code {pid, worker}}.</li>
 * <li>{@code POST /cluster-fixture/garbage-frame} - in a worker, answers {@code 202 {pid, worker}}, then writes to the
 * IPC channel a frame with a sane length prefix but version 99: the primary must drop this worker's link (the
 * worker then exits and is restarted). Outside a cluster: {@code 409}.</li>
 * </ul>
 *
 * <h2>Startup</h2>
 * The startup observer logs {@code Cluster fixture: /cluster serves in pid <pid>, worker <index>}, so the tests can
 * see which processes ran application code. When the system property {@code cluster-fixture.crash-worker} equals this
 * process's worker index (1 and up), the observer logs a line and halts the process with status 3 instead: a worker
 * that always dies while starting (the primary runs no application code, so the switch only hits workers).
 */
@ApplicationScoped
public class ClusterFixture {

    public static final String NAMESPACE = "/cluster";
    public static final String CRASH_PROPERTY = "cluster-fixture.crash-worker";
    public static final String CRASH_FILE_PROPERTY = "cluster-fixture.crash-worker-file";
    /** The frame format version the garbage frame claims; the real one is 1. */
    static final int GARBAGE_VERSION = 99;

    private static final Logger LOG = Logger.getLogger(ClusterFixture.class);
    private static final long PID = ProcessHandle.current().pid();

    @Inject
    SocketIOServer io;

    @Inject
    ClusterMembership membership;

    @Inject
    SocketIOServers servers;

    void init(@Observes StartupEvent event) {
        int worker = membership.workerIndex();
        String crash = System.getProperty(CRASH_PROPERTY, crashFileContent());
        if (worker > 0 && crash != null && crash.trim().equals(Integer.toString(worker))) {
            LOG.errorf("Cluster fixture: worker %d (pid %d) halts with status 3 (%s=%s)", worker, PID,
                    CRASH_PROPERTY, crash);
            System.out.flush();
            System.err.flush();
            Runtime.getRuntime().halt(3);
        }
        SocketIONamespace ns = io.of(NAMESPACE);
        ns.onServerSideEmit("who", e -> e.ack(self()));
        ns.onConnection(this::connected);
        LOG.infof("Cluster fixture: %s serves in pid %d, worker %d", NAMESPACE, PID, worker);
    }

    void routes(@Observes Router router) {
        router.get("/cluster-fixture/info").handler(rc -> rc.response()
                .putHeader("content-type", "application/json")
                .end(new JsonObject(self()).encode()));
        router.post("/cluster-fixture/broadcast").handler(rc -> {
            String room = rc.request().getParam("room");
            String text = rc.request().getParam("text", "");
            BroadcastOperator target = room == null ? io.of(NAMESPACE) : io.of(NAMESPACE).to(room);
            target.emit("chat", text);
            rc.response().putHeader("content-type", "application/json").end(new JsonObject(self()).encode());
        });
        router.post("/cluster-fixture/garbage-frame").handler(rc -> {
            ClusterLink link = membership.link().orElse(null);
            if (link == null) {
                rc.response().setStatusCode(409).end("not a cluster worker");
                return;
            }
            byte[] frame = garbageFrame(link.self());
            LOG.warnf("Cluster fixture: worker %d (pid %d) writes a frame of version %d to the IPC channel",
                    membership.workerIndex(), PID, GARBAGE_VERSION);
            rc.response().setStatusCode(202)
                    .putHeader("content-type", "application/json")
                    .end(new JsonObject(self()).encode())
                    .onComplete(written -> link.publish(frame));
        });
    }

    /**
     * The worker index in the file named by {@value #CRASH_FILE_PROPERTY}, when it exists: a switch the tests turn on
     * after the cluster started, like a bad configuration that only the next launched workers read.
     */
    private static String crashFileContent() {
        String file = System.getProperty(CRASH_FILE_PROPERTY);
        if (file == null) {
            return null;
        }
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of(file)).trim();
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /** u32 length (sane: header + body), u8 version 99, u8 kind 1, u16 source, u16 target ALL, body. */
    static byte[] garbageFrame(int source) {
        byte[] body = "not a frame of version 1".getBytes(StandardCharsets.US_ASCII);
        int length = 6 + body.length;
        byte[] frame = new byte[4 + length];
        frame[0] = (byte) (length >>> 24);
        frame[1] = (byte) (length >>> 16);
        frame[2] = (byte) (length >>> 8);
        frame[3] = (byte) length;
        frame[4] = (byte) GARBAGE_VERSION;
        frame[5] = 1;
        frame[6] = (byte) (source >>> 8);
        frame[7] = (byte) source;
        frame[8] = (byte) 0xFF;
        frame[9] = (byte) 0xFF;
        System.arraycopy(body, 0, frame, 10, body.length);
        return frame;
    }

    private Map<String, Object> self() {
        Map<String, Object> self = new LinkedHashMap<>();
        self.put("pid", PID);
        self.put("worker", servers.currentWorker());
        return self;
    }

    private void connected(SocketIOSocket socket) {
        JsonNode auth = socket.handshake().auth();
        for (String room : strings(auth.path("rooms"))) {
            socket.join(room);
        }
        if (auth.hasNonNull("name")) {
            socket.data().put("name", auth.get("name").asText());
        }
        socket.data().put("worker", servers.currentWorker());
        socket.data().put("pid", PID);
        socket.emit("welcome", describe(socket));

        SocketIONamespace ns = socket.namespace();
        socket.on("info", e -> {
            Map<String, Object> info = describe(socket);
            info.put("transport", socket.transport());
            e.ack(info);
        });
        socket.on("chat", e -> {
            String text = e.arg(0).path("text").asText();
            select(ns, e.arg(0)).emit("chat", text);
            ns.emit("fence", text);
            e.ack(self());
        });
        socket.on("fetch", e -> reply(e, select(ns, e.arg(0)).fetchSockets().map(ClusterFixture::sockets)));
        socket.on("join-all", e -> {
            select(ns, e.arg(0)).socketsJoin(strings(e.arg(0).path("rooms")));
            e.ack(true);
        });
        socket.on("leave-all", e -> {
            select(ns, e.arg(0)).socketsLeave(strings(e.arg(0).path("rooms")));
            e.ack(true);
        });
        socket.on("disconnect-all", e -> {
            select(ns, e.arg(0)).disconnectSockets(e.arg(0).path("close").asBoolean(false));
            e.ack(true);
        });
        socket.on("sse", e -> reply(e, ns.serverSideEmitWithAck("who", self())));
        socket.on("ask-all", e -> {
            long timeout = e.arg(0).path("timeoutMs").asLong(5000);
            reply(e, select(ns, e.arg(0)).timeout(Duration.ofMillis(timeout)).emitWithAck("question", self()));
        });
        socket.on("count", e -> reply(e, ns.serverCount()));
        socket.on("binary", e -> {
            List<JsonNode> rest = new ArrayList<>(e.args().subList(1, e.args().size()));
            select(ns, e.arg(0)).emit("binary", rest.toArray());
            Map<String, Object> ack = self();
            ack.put("args", rest.size());
            e.ack(ack);
        });
    }

    private Map<String, Object> describe(SocketIOSocket socket) {
        Map<String, Object> info = self();
        info.put("id", socket.id());
        info.put("rooms", new TreeSet<>(socket.rooms()));
        return info;
    }

    private static BroadcastOperator select(SocketIONamespace ns, JsonNode spec) {
        BroadcastOperator selection = ns;
        String[] in = strings(spec.path("in"));
        if (in.length > 0) {
            selection = selection.in(in);
        }
        String[] except = strings(spec.path("except"));
        if (except.length > 0) {
            selection = selection.except(except);
        }
        return selection;
    }

    private static String[] strings(JsonNode node) {
        if (node.isTextual()) {
            return new String[] { node.asText() };
        }
        List<String> values = new ArrayList<>();
        for (JsonNode value : node) {
            values.add(value.asText());
        }
        return values.toArray(String[]::new);
    }

    private static List<Map<String, Object>> sockets(List<RemoteSocket> sockets) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (RemoteSocket socket : sockets) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("id", socket.id());
            entry.put("rooms", new TreeSet<>(socket.rooms()));
            entry.put("data", socket.data());
            list.add(entry);
        }
        return list;
    }

    /** Acknowledges with the result, or with {@code {error, partial}} when the operation failed. */
    private static void reply(SocketIOEvent event, Uni<?> result) {
        result.subscribe().with(event::ack, failure -> {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("error", failure.getClass().getSimpleName() + ": " + failure.getMessage());
            if (failure instanceof AckTimeoutException timeout) {
                error.put("partial", timeout.partialResponses());
            }
            event.ack(error);
        });
    }
}
