package io.quarkiverse.socketio.runtime.cluster.primary;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import org.jboss.logging.Logger;

import io.quarkiverse.socketio.runtime.cluster.SocketHandoff;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;

/**
 * The primary's sticky HTTP/WebSocket router: a Vert.x HTTP server in front of the workers. This class is its facade:
 * it owns the listeners, the set of workers (added, drained, removed, handed a {@link HandoffSender}) and the choice of
 * a worker for each request; what happens next belongs to the parts it composes:
 * <ul>
 * <li>{@link SessionTable}: which worker owns each sid, what holds a session, when a sid is forgotten, the bound on
 * sessions and the least-connection counts;</li>
 * <li>{@link HttpForwarder}: plain requests and polling, over a pooled client per worker, with the
 * {@link ForwardedHeaders} rules;</li>
 * <li>{@link WebSocketForwarder}: upgrade requests, handed over with the client's connection ({@link SocketHandoff})
 * or piped by a {@link WebSocketTunnel}.</li>
 * </ul>
 * <p>
 * <b>Routing.</b> Decided per HTTP request, never per TCP connection (a keep-alive connection may carry requests of
 * several sessions). A request under the Engine.IO path with a {@code sid} query parameter goes to the worker that
 * owns the sid, or gets {@code 400 {"code":1,"message":"Session ID unknown"}} when the router knows no such sid. A
 * request without sid (a handshake) and any request on another path (REST, static files) goes to a worker chosen by
 * the {@link io.quarkiverse.socketio.runtime.config.SocketIOConfig.Routing strategy}, and is counted against it the
 * moment it is sent. No worker: 503; a handshake while the table is full: 503.
 * <p>
 * <b>Learning sids.</b> The router reads the sid of a new session from the handshake answer it relays, before the
 * answer is written to the client: for polling, the body {@code 0{"sid":"..."}} (read whole, it is small); for a
 * WebSocket handshake piped through the router, the worker's first text frame. So the client's next request can never
 * arrive before the router knows the owner. (A handed-over WebSocket handshake is the worker's alone: its session ends
 * with that connection.)
 * <p>
 * <b>TLS.</b> On an HTTPS listener ({@link #listenTls}) the router terminates TLS: polling requests are forwarded as
 * any, and a WebSocket is piped through the router ({@link WebSocketTunnel}) rather than handed over, the worker being
 * unable to read bytes encrypted with this process's session keys.
 * <p>
 * <b>Threads.</b> Requests are taken on the listeners' event loops, one HTTP server per loop sharing the port, and
 * each request stays on its connection's loop to the end. The lifecycle and worker methods are called from the
 * primary's threads and are synchronized; the request path reads the workers without a lock (a volatile array of the
 * workers taking new requests, volatile flags on each).
 */
public final class StickyRouter {

    private static final Logger LOG = Logger.getLogger(StickyRouter.class);

    private final Vertx vertx;
    private final RouterOptions options;
    private final String path;
    private final String pathNoSlash;
    private final Map<Integer, RoutedWorker> workers = new ConcurrentHashMap<>();
    private volatile RoutedWorker[] ring = new RoutedWorker[0];
    private final SessionTable table;
    private final HttpForwarder http;
    private final WebSocketForwarder webSockets;
    private final AtomicInteger next = new AtomicInteger();
    /** The deployments of the listeners (one HTTP server per event loop, sharing the port); null until listening. */
    private List<String> listeners;
    /** The random ports asked for so far: each listener's is its own. */
    private int randomPorts;
    private long sweepTimer = -1;
    private volatile boolean closed;

    public StickyRouter(Vertx vertx, RouterOptions options) {
        this.vertx = vertx;
        this.options = options;
        this.path = options.path();
        this.pathNoSlash = path.length() > 1 ? path.substring(0, path.length() - 1) : path;
        this.table = new SessionTable(options);
        this.http = new HttpForwarder(options, table);
        this.webSockets = new WebSocketForwarder(options, table);
    }

    // ---------------------------------------------------------------- lifecycle and workers

    /**
     * Starts listening, with one HTTP server per event loop ({@link RouterOptions#eventLoops()}) on the same port, so that
     * routing is not bound to one thread; completes with the actual port (useful with port 0).
     */
    public Future<Integer> listen(String host, int port) {
        return listen(new HttpServerOptions().setHost(host).setPort(port), this::handle);
    }

    /**
     * Starts listening for HTTPS as {@code tls} says (host, port, key and trust material, protocols), routing as
     * {@link #listen(String, int)} does. The router terminates TLS: its WebSockets are piped, never handed over (the
     * worker could not read bytes encrypted with this process's keys).
     */
    public Future<Integer> listenTls(HttpServerOptions tls) {
        return listen(new HttpServerOptions(tls), this::handle);
    }

    /** Starts listening for plain HTTP that is only answered 301 to the same URI on HTTPS port {@code httpsPort}. */
    public Future<Integer> listenRedirect(String host, int port, int httpsPort) {
        return listen(new HttpServerOptions().setHost(host).setPort(port),
                req -> RouterReplies.redirectToHttps(req, httpsPort));
    }

    private synchronized Future<Integer> listen(HttpServerOptions options, Handler<HttpServerRequest> handler) {
        if (closed) {
            return Future.failedFuture(new IllegalStateException("Closed"));
        }
        if (listeners == null) {
            listeners = new ArrayList<>();
            sweepTimer = vertx.setPeriodic(SessionTable.sweepPeriodMillis(this.options), id -> table.sweep());
        }
        // Vert.x shares a port among its servers; a negative port is a random one, shared likewise (one per listener)
        if (options.getPort() <= 0) {
            options.setPort(-(++randomPorts));
        }
        // HTTP/1.1 only: WebSocket upgrades and per-request routing; compression is the worker's
        options.setCompressionSupported(false)
                .setDecompressionSupported(false)
                .setHandle100ContinueAutomatically(true)
                .setHttp2ClearTextEnabled(false)
                .setUseAlpn(false);
        AtomicInteger actual = new AtomicInteger();
        return vertx.deployVerticle(() -> new Listener(options, handler, actual),
                new DeploymentOptions().setInstances(this.options.eventLoops())).map(id -> {
                    synchronized (this) {
                        listeners.add(id);
                    }
                    return actual.get();
                });
    }

    /**
     * One HTTP server of the router, on its verticle's event loop (Vert.x gives each instance its own); undeploying it
     * closes the server.
     */
    private final class Listener extends AbstractVerticle {
        private final HttpServerOptions serverOptions;
        private final Handler<HttpServerRequest> handler;
        private final AtomicInteger actual;

        Listener(HttpServerOptions serverOptions, Handler<HttpServerRequest> handler, AtomicInteger actual) {
            this.serverOptions = serverOptions;
            this.handler = handler;
            this.actual = actual;
        }

        @Override
        public void start(Promise<Void> started) {
            vertx.createHttpServer(serverOptions).requestHandler(handler)
                    // a client that fails its TLS handshake (or sends garbage) harms no one else: one short debug line
                    .exceptionHandler(t -> LOG.debugf("Router: client connection failed: %s", brief(t)))
                    .listen()
                    .onSuccess(server -> {
                        actual.set(server.actualPort());
                        started.complete();
                    })
                    .onFailure(started::fail);
        }
    }

    /** A failure in a line: Netty's TLS errors carry the client's whole record in hex. */
    static String brief(Throwable t) {
        String s = t.toString();
        return s.length() <= 160 ? s : s.substring(0, 160) + "...";
    }

    /** Stops listening and closes the connections to the workers. */
    public synchronized Future<Void> close() {
        closed = true;
        if (sweepTimer >= 0) {
            vertx.cancelTimer(sweepTimer);
            sweepTimer = -1;
        }
        List<Future<?>> all = new ArrayList<>();
        if (listeners != null) {
            for (String id : listeners) {
                all.add(vertx.undeploy(id));
            }
            listeners.clear();
        }
        for (Integer index : new ArrayList<>(workers.keySet())) {
            RoutedWorker worker = workers.remove(index);
            if (worker != null) {
                all.addAll(worker.close());
            }
        }
        ring = new RoutedWorker[0];
        table.clear();
        return Future.join(all).mapEmpty();
    }

    /** Adds (or replaces) the worker with this index, reached at {@code address}. */
    public synchronized void addWorker(int index, SocketAddress address) {
        removeWorker(index);
        RoutedWorker worker = RoutedWorker.create(vertx, index, address, options);
        workers.put(index, worker);
        rebuildRing();
    }

    /**
     * Removes a worker: no new request goes there, the sids it owns are forgotten (their next requests get 400 code
     * 1) and the connections to it are closed.
     */
    public synchronized boolean removeWorker(int index) {
        RoutedWorker worker = workers.remove(index);
        if (worker == null) {
            return false;
        }
        worker.removed = true;
        rebuildRing();
        table.forgetAll(worker);
        worker.close();
        return true;
    }

    /**
     * Stops sending new handshakes and plain requests to a worker, while the requests of the sessions it owns still
     * reach it (it is about to close them, its clients then reconnect to the others).
     */
    public synchronized boolean drainWorker(int index) {
        RoutedWorker worker = workers.get(index);
        if (worker == null) {
            return false;
        }
        worker.draining = true;
        rebuildRing();
        return true;
    }

    private void rebuildRing() {
        RoutedWorker[] r = workers.values().stream().filter(w -> !w.draining).toArray(RoutedWorker[]::new);
        Arrays.sort(r, (a, b) -> Integer.compare(a.index, b.index));
        ring = r;
    }

    /**
     * From now on, WebSockets routed to this worker are handed to it over {@code sender} ({@link SocketHandoff}) rather
     * than piped; false when there is no such worker (any more).
     */
    public synchronized boolean handoff(int index, HandoffSender sender) {
        RoutedWorker worker = workers.get(index);
        if (worker == null || worker.removed) {
            return false;
        }
        worker.handoff = sender;
        return true;
    }

    /**
     * A connection handed to this worker closed: gives back what routing it counted, the hold on its session ({@code
     * sid}), or the worker's count of the handshake or plain WebSocket ({@code sid} empty). The session ended with it
     * and is forgotten, unless it goes on polling ({@code stillPolling}: the WebSocket probe failed).
     */
    public void handoffClosed(int index, String sid, boolean stillPolling) {
        RoutedWorker worker = workers.get(index);
        if (worker == null) {
            return;
        }
        if (sid.isEmpty()) {
            table.countEnded(worker);
            return;
        }
        SessionTable.Session session = table.find(sid);
        if (session != null && session.worker == worker) {
            table.webSocketEnded(sid, session, !stillPolling);
        }
    }

    /** The index of the worker owning this sid, or -1. */
    public int ownerOf(String sid) {
        return table.ownerOf(sid);
    }

    /** The number of sids the router remembers. */
    public int sessionCount() {
        return table.size();
    }

    /** The least-connection count of each worker (handshakes in flight + known sessions + plain requests in flight). */
    public Map<Integer, Integer> loads() {
        Map<Integer, Integer> loads = new LinkedHashMap<>();
        for (RoutedWorker w : ring) {
            loads.put(w.index, w.load.get());
        }
        return loads;
    }

    // ---------------------------------------------------------------- routing

    private void handle(HttpServerRequest req) {
        req.pause();
        if (closed) {
            RouterReplies.status(req, 503);
            return;
        }
        boolean upgrade = req.method() == HttpMethod.GET && "websocket".equalsIgnoreCase(req.getHeader("Upgrade"));
        String p = req.path();
        if (p != null && (p.startsWith(path) || p.equals(pathNoSlash))) {
            String sid;
            try {
                sid = req.getParam("sid");
            } catch (RuntimeException e) {
                RouterReplies.status(req, 400);
                return;
            }
            if (sid != null) {
                SessionTable.Session session = table.find(sid);
                if (session == null) {
                    RouterReplies.unknownSid(req);
                    return;
                }
                send(req, upgrade, Route.session(sid, session));
                return;
            }
            if (table.full()) {
                RouterReplies.status(req, 503);
                return;
            }
            dispatch(req, upgrade, Route.Kind.HANDSHAKE);
            return;
        }
        dispatch(req, upgrade, Route.Kind.PLAIN);
    }

    private void dispatch(HttpServerRequest req, boolean upgrade, Route.Kind kind) {
        RoutedWorker worker = choose();
        if (worker == null) {
            RouterReplies.status(req, 503);
            return;
        }
        table.countSent(worker); // counted the moment it is sent
        send(req, upgrade, Route.chosen(kind, worker));
    }

    private void send(HttpServerRequest req, boolean upgrade, Route route) {
        if (upgrade) {
            webSockets.forward(req, route);
        } else {
            http.forward(req, route);
        }
    }

    private RoutedWorker choose() {
        RoutedWorker[] r = ring;
        int n = r.length;
        if (n == 0) {
            return null;
        }
        int start = Math.floorMod(next.getAndIncrement(), n);
        switch (options.strategy()) {
            case ROUND_ROBIN:
                return r[start];
            case RANDOM:
                return r[ThreadLocalRandom.current().nextInt(n)];
            default:
                RoutedWorker best = null;
                int bestLoad = Integer.MAX_VALUE;
                for (int i = 0; i < n; i++) {
                    RoutedWorker w = r[(start + i) % n];
                    int load = w.load.get();
                    if (load < bestLoad) {
                        best = w;
                        bestLoad = load;
                    }
                }
                return best;
        }
    }
}
