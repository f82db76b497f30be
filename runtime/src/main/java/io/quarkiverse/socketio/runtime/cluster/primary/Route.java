package io.quarkiverse.socketio.runtime.cluster.primary;

/**
 * Where the router sends one request and what it counted for it: the {@link StickyRouter} decides it, the
 * {@link HttpForwarder} or the {@link WebSocketForwarder} carries the request there and gives back, through the
 * {@link SessionTable}, what was counted. An immutable value, passed between threads freely.
 *
 * @param kind what the request is to the router
 * @param worker where it goes
 * @param sid the sid it was routed by ({@link Kind#SESSION}), else null
 * @param session the session of that sid ({@link Kind#SESSION}), else null
 */
record Route(Kind kind, RoutedWorker worker, String sid, SessionTable.Session session) {

    /** What a request is to the router, which decides what it counts for it. */
    enum Kind {
        /** A request of a known sid: it holds its session while in flight. */
        SESSION,
        /** An Engine.IO handshake (no sid): counted against its worker until it gave a session, or none. */
        HANDSHAKE,
        /** Anything else (REST, static files, another WebSocket): counted against its worker while in flight. */
        PLAIN
    }

    /** A request of the known session {@code sid}, to the worker that owns it. */
    static Route session(String sid, SessionTable.Session session) {
        return new Route(Kind.SESSION, session.worker, sid, session);
    }

    /** A handshake or a plain request, to a worker chosen by the routing strategy. */
    static Route chosen(Kind kind, RoutedWorker worker) {
        if (kind == Kind.SESSION) {
            throw new IllegalArgumentException("a session's request goes to the session's owner");
        }
        return new Route(kind, worker, null, null);
    }
}
