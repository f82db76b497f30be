package io.quarkiverse.socketio.runtime.declarative;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jboss.logging.Logger;

import io.quarkiverse.socketio.ConnectionRejectedException;
import io.quarkiverse.socketio.InvalidEventArgumentException;
import io.quarkiverse.socketio.SocketIOEvent;
import io.quarkiverse.socketio.SocketIONamespace;
import io.quarkiverse.socketio.SocketIOSocket;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * The handlers of one {@link io.quarkiverse.socketio.SocketIO} bean, bound to its namespace (or group of dynamic
 * namespaces) through the programmatic API: a middleware, and a connection handler that registers the socket's event,
 * catch-all and disconnect handlers. Every handler call of a socket goes through the socket's {@link SocketHandlerQueue}.
 */
final class DeclarativeNamespace {

    private static final Logger LOG = Logger.getLogger(DeclarativeNamespace.class);

    private final Vertx vertx;
    private Handler middleware;
    private Handler connect;
    private Handler anyEvent;
    private Handler disconnect;
    private final Map<String, Handler> events = new HashMap<>();
    private final List<Handler> errorHandlers = new ArrayList<>();
    /** Whether an event handler returns a Multi: then each socket tracks its streams, to cancel them. */
    private boolean streams;

    DeclarativeNamespace(Vertx vertx) {
        this.vertx = vertx;
    }

    void add(Handler handler) {
        switch (handler.metadata.getKind()) {
            case MIDDLEWARE -> middleware = handler;
            case CONNECT -> connect = handler;
            case ANY_EVENT -> anyEvent = handler;
            case DISCONNECT -> disconnect = handler;
            case EVENT -> {
                events.put(handler.metadata.getEvent(), handler);
                streams |= handler.returnKind() == ReturnKind.MULTI;
            }
            case ERROR -> errorHandlers.add(handler);
        }
    }

    void attach(SocketIONamespace namespace) {
        if (middleware != null) {
            namespace.use(this::runMiddleware);
        }
        if (connect != null || anyEvent != null || disconnect != null || !events.isEmpty()) {
            namespace.onConnection(this::connected);
        }
    }

    /**
     * Runs the middleware. A failure other than {@link ConnectionRejectedException} goes to the matching error
     * handler, and still rejects the connection with the failure's message (the error handler's return value is not
     * used). Unhandled, the failure is logged once, by the namespace, which rejects the connection.
     */
    private Uni<Void> runMiddleware(SocketIOSocket socket) {
        Context context = Vertx.currentContext();
        if (context == null) {
            // not called from the connection's context (a middleware before this one completed elsewhere)
            context = vertx.getOrCreateContext();
        }
        Context callContext = context;
        BindingSource source = BindingSource.of(socket);
        return Uni.createFrom().emitter(emitter -> middleware.call(callContext, source, (value, failure) -> {
            Handler errorHandler = failure == null || failure instanceof ConnectionRejectedException ? null
                    : errorHandlerFor(failure);
            if (errorHandler == null) {
                if (failure == null) {
                    emitter.complete(null);
                } else {
                    emitter.fail(failure);
                }
                return;
            }
            errorHandler.call(callContext, source.withError(failure), (ignored, errorHandlerFailure) -> {
                if (errorHandlerFailure != null) {
                    logErrorHandlerFailure(errorHandler, middleware, source, failure, errorHandlerFailure);
                }
                // handled (or logged above): rejected with the failure's message, without the namespace logging it
                emitter.fail(new ConnectionRejectedException(
                        failure.getMessage() == null ? failure.getClass().getName() : failure.getMessage()));
            });
        }));
    }

    /** Runs on the connection's context, when the socket joined. */
    private void connected(SocketIOSocket socket) {
        SocketHandlerQueue queue = new SocketHandlerQueue(Vertx.currentContext());
        // the socket's running streams, confined to its context: one disconnect handler cancels them all
        Set<MultiStream> running = streams ? new HashSet<>() : Set.of();
        if (streams) {
            socket.onDisconnect(reason -> queue.onContext(() -> List.copyOf(running).forEach(MultiStream::cancel)));
        }
        if (connect != null) {
            queue.submit(done -> run(queue, connect, BindingSource.of(socket), null, done));
        }
        if (anyEvent != null) {
            socket.onAny(event -> queue.submit(done -> run(queue, anyEvent, BindingSource.of(socket, event), null, done)));
        }
        for (Map.Entry<String, Handler> entry : events.entrySet()) {
            Handler handler = entry.getValue();
            if (handler.returnKind() == ReturnKind.MULTI) {
                socket.on(entry.getKey(), event -> queue.submit(done -> stream(queue, handler,
                        BindingSource.of(socket, event), running, done)));
                continue;
            }
            socket.on(entry.getKey(), event -> queue.submit(done -> run(queue, handler, BindingSource.of(socket, event),
                    handler.metadata.isAutoAck() ? event : null, done)));
        }
        if (disconnect != null) {
            socket.onDisconnect(reason -> queue.submit(done -> run(queue, disconnect, BindingSource.of(socket, reason), null,
                    done)));
        }
    }

    /**
     * Calls a handler, then acknowledges {@code ackEvent} with its result (when not null and the client asked for an
     * acknowledgement), or handles its failure.
     */
    private void run(SocketHandlerQueue queue, Handler handler, BindingSource source, SocketIOEvent ackEvent, Runnable done) {
        handler.call(queue.context(), source, (value, failure) -> {
            if (failure == null) {
                if (ackEvent != null && ackEvent.hasAck()) {
                    acknowledge(ackEvent, handler.returnKind(), value);
                }
                done.run();
            } else if (failure instanceof InvalidEventArgumentException bad && errorHandlerFor(bad) == null) {
                // bad input from the client: a line per event, no stack trace
                LOG.debugf("Dropped event %s of socket %s in namespace %s, for %s: %s", source.event.name(),
                        source.socket.id(), source.socket.namespace().name(), handler, bad.getMessage());
                done.run();
            } else {
                onFailure(queue, handler, source, failure, done);
            }
        });
    }

    /**
     * Calls a handler returning a {@code Multi}, and streams it: the socket's next handler starts once the method
     * returned, the stream runs alongside. The method's own failure (it threw) ends the stream as a failed
     * {@code Multi} does.
     */
    private void stream(SocketHandlerQueue queue, Handler handler, BindingSource source, Set<MultiStream> running,
            Runnable done) {
        handler.call(queue.context(), source, (value, failure) -> {
            MultiStream stream = new MultiStream(queue.context(), source.socket, handler.metadata.getEmit(), running,
                    () -> {
                        if (source.event.hasAck()) {
                            source.event.ack();
                        }
                    },
                    streamFailure -> queue.submit(next -> onFailure(queue, handler, source, streamFailure, true, next)));
            Multi<?> multi = failure != null ? Multi.createFrom().failure(failure)
                    : value == null ? Multi.createFrom().empty() : (Multi<?>) value;
            multi.subscribe(stream);
            done.run();
        });
    }

    private void onFailure(SocketHandlerQueue queue, Handler failed, BindingSource source, Throwable failure, Runnable done) {
        onFailure(queue, failed, source, failure, false, done);
    }

    /**
     * Routes a failure to the closest error handler, whose return value acknowledges a failed event; with
     * {@code alwaysAck} (a stream, which promises one acknowledgement) an acknowledgement with no arguments otherwise.
     */
    private void onFailure(SocketHandlerQueue queue, Handler failed, BindingSource source, Throwable failure,
            boolean alwaysAck, Runnable done) {
        SocketIOEvent ackEvent = failed.metadata.getKind() == HandlerKind.EVENT ? source.event : null;
        Handler errorHandler = errorHandlerFor(failure);
        if (errorHandler == null) {
            if (failure instanceof InvalidEventArgumentException bad) {
                LOG.debugf("Dropped event %s of socket %s in namespace %s, for %s: %s", source.event.name(),
                        source.socket.id(), source.socket.namespace().name(), failed, bad.getMessage());
            } else {
                LOG.errorf(failure, "%s failed for socket %s in namespace %s%s", failed, source.socket.id(),
                        source.socket.namespace().name(), source.event == null ? "" : ", event " + source.event.name());
            }
            if (alwaysAck && ackEvent != null && ackEvent.hasAck()) {
                ackEvent.ack();
            }
            done.run();
            return;
        }
        errorHandler.call(queue.context(), source.withError(failure), (value, errorHandlerFailure) -> {
            boolean answered = false;
            if (errorHandlerFailure != null) {
                logErrorHandlerFailure(errorHandler, failed, source, failure, errorHandlerFailure);
            } else if (ackEvent != null && ackEvent.hasAck() && !errorHandler.returnKind().acksWithoutArguments()) {
                acknowledge(ackEvent, errorHandler.returnKind(), value);
                answered = true;
            }
            if (alwaysAck && !answered && ackEvent != null && ackEvent.hasAck()) {
                ackEvent.ack();
            }
            done.run();
        });
    }

    private static void logErrorHandlerFailure(Handler errorHandler, Handler failed, BindingSource source,
            Throwable failure, Throwable errorHandlerFailure) {
        errorHandlerFailure.addSuppressed(failure);
        LOG.errorf(errorHandlerFailure, "%s failed while handling the failure of %s for socket %s in namespace %s%s",
                errorHandler, failed, source.socket.id(), source.socket.namespace().name(),
                source.event == null ? "" : ", event " + source.event.name());
    }

    private static void acknowledge(SocketIOEvent event, ReturnKind kind, Object value) {
        if (kind.acksWithoutArguments()) {
            event.ack();
        } else {
            // one argument, even when the value is an array
            event.ack(new Object[] { value });
        }
    }

    /** The error handler whose exception type is the closest to the failure's class, or null. */
    private Handler errorHandlerFor(Throwable failure) {
        Handler best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (Handler handler : errorHandlers) {
            int distance = handler.distanceTo(failure);
            if (distance < bestDistance) {
                best = handler;
                bestDistance = distance;
            }
        }
        return best;
    }
}
