package io.quarkiverse.socketio.runtime.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.jboss.logging.Logger;

import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;

/**
 * An Engine.IO v4 server: long-polling and WebSocket transports on the routes of an existing Vert.x router.
 * <p>
 * Mount {@link #routeHandler()} on a route matching {@code <path>*}, for every method, for instance
 * {@code router.route("/socket.io/*").handler(server.routeHandler())}. No body handler is needed (and none should
 * run before it on that route: polling bodies are read here, with the {@code maxHttpBufferSize} limit). Several
 * servers may live side by side on different paths; each has its own sessions.
 * <p>
 * Each session is bound to one Vert.x context, a new duplicated context of the event loop of the request that opened
 * it (or of the server's own session loop, when it has one). The {@link EngineListener} and every {@link EngineSessionHandler}
 * callback run on that context.
 */
public final class EngineServer {

    private static final Logger LOG = Logger.getLogger(EngineServer.class);

    /**
     * Header names nearly every handshake carries: the handshake of each session keeps its headers, and sharing these
     * names saves a copy of each per session.
     */
    private static final Map<String, String> COMMON_HEADER_NAMES = Stream.of("host", "connection", "upgrade",
            "user-agent", "accept", "accept-encoding", "accept-language", "origin", "referer", "cookie", "pragma",
            "cache-control", "authorization", "content-type", "content-length", "sec-websocket-key",
            "sec-websocket-version", "sec-websocket-extensions", "sec-websocket-protocol", "sec-fetch-site",
            "sec-fetch-mode", "sec-fetch-dest", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "forwarded")
            .collect(Collectors.toUnmodifiableMap(Function.identity(), Function.identity()));

    private final Vertx vertx;
    private final EngineOptions options;
    private final EngineListener listener;
    private final EngineCors cors;
    private final Map<String, EngineSessionImpl> sessions = new ConcurrentHashMap<>();
    private final Handler<RoutingContext> routeHandler = this::handle;
    /** The event loop every session runs on, or null for the event loop of the request that opens it. */
    private final Context sessionLoop;
    private volatile boolean closed;

    /**
     * @param vertx the Vert.x instance of the HTTP server
     * @param options the engine settings
     * @param listener told of each new session
     */
    public EngineServer(Vertx vertx, EngineOptions options, EngineListener listener) {
        this(vertx, options, listener, null);
    }

    /**
     * @param sessionLoop the event loop every session runs on (each session gets a duplicated context of it), or
     *        {@code null} for the event loop of the request that opens the session
     */
    public EngineServer(Vertx vertx, EngineOptions options, EngineListener listener, Context sessionLoop) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.options = Objects.requireNonNull(options, "options");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.cors = new EngineCors(options.cors());
        this.sessionLoop = sessionLoop;
    }

    /** The handler to mount on the route {@code <path>*}, for all methods. */
    public Handler<RoutingContext> routeHandler() {
        return routeHandler;
    }

    /** The settings this server runs with. */
    public EngineOptions options() {
        return options;
    }

    /** Whether the session {@code sid} is open. */
    public boolean hasSession(String sid) {
        return sessions.containsKey(sid);
    }

    /** Whether the session {@code sid} is open on HTTP long-polling (not, or not yet, upgraded). */
    public boolean isPolling(String sid) {
        EngineSessionImpl session = sessions.get(sid);
        return session != null && EngineOptions.POLLING.equals(session.transport());
    }

    /** The number of open sessions on HTTP long-polling (not, or not yet, upgraded); counted, so not for hot paths. */
    public int pollingSessionCount() {
        int count = 0;
        for (EngineSessionImpl session : sessions.values()) {
            if (EngineOptions.POLLING.equals(session.transport())) {
                count++;
            }
        }
        return count;
    }

    /** The number of open sessions. */
    public int sessionCount() {
        return sessions.size();
    }

    /** Whether the server takes new handshakes: true until {@link #close()} or {@link #abort()}. */
    public boolean isOpen() {
        return !closed;
    }

    /**
     * Closes every session with reason {@code server shutting down} and refuses new handshakes (503). Returns at once;
     * each session closes on its own context.
     */
    public void close() {
        closed = true;
        for (EngineSessionImpl session : new ArrayList<>(sessions.values())) {
            session.shutdown();
        }
    }

    /**
     * Drops every session as if this server's process had died: their connections are closed at once, without a close
     * packet or a WebSocket closing handshake, so that every client sees its transport close and reconnects. Refuses
     * new handshakes (503) from then on.
     */
    public void abort() {
        closed = true;
        for (EngineSessionImpl session : new ArrayList<>(sessions.values())) {
            session.abort();
        }
    }

    void remove(EngineSessionImpl session) {
        sessions.remove(session.id(), session);
    }

    // ---------------------------------------------------------------- routing

    private void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        HttpServerResponse response = ctx.response();
        boolean upgrade = isWebSocketUpgrade(request);
        if (request.method() == HttpMethod.OPTIONS && cors.enabled()) {
            cors.preflight(request, response);
            return;
        }
        if (!upgrade) {
            cors.apply(request, response);
        }
        String transport = request.getParam("transport");
        if (transport == null || !options.transports().contains(transport)) {
            reject(request, EngineError.TRANSPORT_UNKNOWN);
            return;
        }
        boolean websocket = EngineOptions.WEBSOCKET.equals(transport);
        String sid = request.getParam("sid");
        if (sid != null) {
            EngineSessionImpl session = sessions.get(sid);
            if (session == null) {
                reject(request, EngineError.UNKNOWN_SID);
            } else if (websocket != upgrade) {
                reject(request, EngineError.BAD_REQUEST);
            } else if (websocket) {
                request.toWebSocket().onComplete(ar -> {
                    if (ar.succeeded()) {
                        WebSocketTransport socket = new WebSocketTransport(ar.result(), request.connection(),
                                session, options.maxHttpBufferSize());
                        session.runOnContext(() -> session.onProbeSocket(socket));
                    } else {
                        LOG.debugf("Engine.IO WebSocket upgrade failed: %s", ar.cause().toString());
                    }
                });
            } else if (request.method() == HttpMethod.GET) {
                poll(session, request, response);
            } else if (request.method() == HttpMethod.POST) {
                post(session, ctx);
            } else {
                reject(request, EngineError.BAD_REQUEST);
            }
            return;
        }
        if (request.method() != HttpMethod.GET) {
            reject(request, EngineError.BAD_HANDSHAKE_METHOD);
        } else if (!"4".equals(request.getParam("EIO"))) {
            reject(request, EngineError.UNSUPPORTED_PROTOCOL_VERSION);
        } else if (websocket != upgrade) {
            reject(request, EngineError.BAD_REQUEST);
        } else if (closed) {
            request.resume();
            response.setStatusCode(503).end();
        } else if (websocket) {
            webSocketHandshake(request);
        } else {
            pollingHandshake(request, response);
        }
    }

    private static boolean isWebSocketUpgrade(HttpServerRequest request) {
        return request.method() == HttpMethod.GET && "websocket".equalsIgnoreCase(request.getHeader("Upgrade"));
    }

    private static void reject(HttpServerRequest request, EngineError error) {
        if (LOG.isDebugEnabled()) {
            LOG.debugf("Engine.IO request refused (%d %s): %s %s", error.code(), error.message(), request.method(),
                    request.uri());
        }
        if (!request.isEnded()) {
            request.resume(); // a body we do not read is discarded
        }
        error.send(request.response());
    }

    // ---------------------------------------------------------------- handshakes

    private void pollingHandshake(HttpServerRequest request, HttpServerResponse response) {
        EngineSessionImpl session = register(handshakeOf(request), null);
        watchPoll(session, request, response);
        session.runOnContext(() -> {
            PollingTransport polling = new PollingTransport();
            if (openSession(session, polling)) {
                setCookie(response, session.id());
                session.onPoll(response);
            } else {
                response.setStatusCode(500).end();
            }
        });
    }

    private void webSocketHandshake(HttpServerRequest request) {
        EngineHandshake handshake = handshakeOf(request);
        // the sid is drawn before the upgrade answer is written, for its cookie
        String sid = RandomIds.next();
        setCookie(request.response(), sid);
        request.toWebSocket().onComplete(ar -> {
            if (ar.failed()) {
                LOG.debugf("Engine.IO WebSocket handshake failed: %s", ar.cause().toString());
                return;
            }
            if (closed) {
                ar.result().close();
                return;
            }
            EngineSessionImpl session = register(handshake, sid);
            if (session == null) {
                // 15 random bytes drawn twice: the cookie already went out with this sid
                LOG.warnf("Engine.IO session id %s drawn twice; the WebSocket is closed", sid);
                ar.result().close();
                return;
            }
            WebSocketTransport socket = new WebSocketTransport(ar.result(), request.connection(), session,
                    options.maxHttpBufferSize());
            session.runOnContext(() -> {
                if (openSession(session, socket)) {
                    session.openedOverWebSocket();
                } else {
                    socket.close();
                }
            });
        });
    }

    private boolean openSession(EngineSessionImpl session, EngineTransport transport) {
        try {
            session.open(transport, listener);
            return true;
        } catch (RuntimeException e) {
            LOG.errorf(e, "Engine.IO listener failed to open session %s", session.id());
            session.abortOpen();
            return false;
        }
    }

    /**
     * Registers a new session under a fresh random sid.
     *
     * @param sid the sid drawn for it already (its cookie went out with the WebSocket upgrade answer), or {@code null}
     *        to draw one here
     * @return the session, or {@code null} when {@code sid} is taken (15 random bytes drawn twice)
     */
    private EngineSessionImpl register(EngineHandshake handshake, String sid) {
        Context base = sessionLoop != null ? sessionLoop : Vertx.currentContext();
        Context context = VertxContext.createNewDuplicatedContext(base != null ? base : vertx.getOrCreateContext());
        while (true) {
            String candidate = sid != null ? sid : RandomIds.next();
            EngineSessionImpl session = new EngineSessionImpl(this, vertx, context, options, candidate, handshake);
            if (sessions.putIfAbsent(candidate, session) == null) {
                return session;
            }
            if (sid != null) {
                return null;
            }
        }
    }

    /** Adds the session cookie, when one is configured, to the answer that opens session {@code sid}. */
    private void setCookie(HttpServerResponse response, String sid) {
        EngineOptions.Cookie cookie = options.cookie();
        if (cookie != null) {
            response.headers().add("Set-Cookie", cookie.header(sid));
        }
    }

    private static EngineHandshake handshakeOf(HttpServerRequest request) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : request.headers()) {
            String name = e.getKey().toLowerCase(Locale.ROOT);
            headers.computeIfAbsent(COMMON_HEADER_NAMES.getOrDefault(name, name), k -> new ArrayList<>(1))
                    .add(e.getValue());
        }
        Map<String, List<String>> query = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : request.params()) {
            query.computeIfAbsent(e.getKey(), k -> new ArrayList<>(1)).add(e.getValue());
        }
        headers.replaceAll((k, v) -> List.copyOf(v));
        query.replaceAll((k, v) -> List.copyOf(v));
        SocketAddress remote = request.remoteAddress();
        String address = remote == null ? null : remote.hostAddress();
        return new EngineHandshake(Collections.unmodifiableMap(headers), Collections.unmodifiableMap(query), address,
                request.isSSL(), request.uri(), System.currentTimeMillis());
    }

    // ---------------------------------------------------------------- polling requests

    private void poll(EngineSessionImpl session, HttpServerRequest request, HttpServerResponse response) {
        watchPoll(session, request, response);
        session.runOnContext(() -> session.onPoll(response));
    }

    private static void watchPoll(EngineSessionImpl session, HttpServerRequest request, HttpServerResponse response) {
        if (!request.isEnded()) {
            request.resume();
        }
        response.closeHandler(v -> session.runOnContext(() -> session.onPollGone(response)));
    }

    private void post(EngineSessionImpl session, RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        HttpServerResponse response = ctx.response();
        int max = options.maxHttpBufferSize();
        if (ctx.body() != null && ctx.body().available()) {
            // a body handler ran before us
            Buffer body = ctx.body().buffer();
            if (body == null) {
                body = Buffer.buffer();
            }
            if (body.length() > max) {
                tooLarge(session, response);
            } else {
                Buffer b = body;
                session.runOnContext(() -> session.onPost(b, response));
            }
            return;
        }
        String length = request.getHeader("Content-Length");
        if (length != null) {
            try {
                if (Long.parseLong(length.trim()) > max) {
                    request.resume();
                    tooLarge(session, response);
                    return;
                }
            } catch (NumberFormatException e) {
                reject(request, EngineError.BAD_REQUEST);
                return;
            }
        }
        Buffer body = Buffer.buffer();
        boolean[] overflow = new boolean[1];
        request.handler(chunk -> {
            if (overflow[0]) {
                return;
            }
            if (body.length() + chunk.length() > max) {
                overflow[0] = true;
                tooLarge(session, response);
                return;
            }
            body.appendBuffer(chunk);
        });
        request.exceptionHandler(t -> LOG.debugf("Engine.IO session %s: polling POST failed: %s", session.id(),
                t.toString()));
        request.endHandler(v -> {
            if (!overflow[0]) {
                session.runOnContext(() -> session.onPost(body, response));
            }
        });
    }

    private static void tooLarge(EngineSessionImpl session, HttpServerResponse response) {
        if (!response.ended() && !response.closed()) {
            response.setStatusCode(413).end();
        }
        session.runOnContext(session::onPayloadTooLarge);
    }
}
