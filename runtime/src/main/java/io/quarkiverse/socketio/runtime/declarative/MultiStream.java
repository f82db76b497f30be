package io.quarkiverse.socketio.runtime.declarative;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.Flow;
import java.util.function.Consumer;

import io.quarkiverse.socketio.SocketIOSocket;
import io.quarkiverse.socketio.runtime.adapter.LocalNamespace.LocalSocket;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Streams the items of a handler's {@code Multi} to its socket, as the event {@code emit}, then {@code <emit>:end} or
 * {@code <emit>:error}. One item is requested at a time, the next once the previous one is written and the client's
 * connection is writable again: there is no "writable again" notification at this level, so while it is not, the
 * stream checks again after {@link #RETRY_MS}. The server thus holds at most one item of the stream. Everything but
 * the subscriber's signals runs on the socket's context.
 */
final class MultiStream implements Flow.Subscriber<Object> {

    /** How long to wait before checking the connection's writability again. */
    static final long RETRY_MS = 10;

    private final Context context;
    private final SocketIOSocket socket;
    private final String emit;
    /** The socket's running streams, to cancel on disconnection; confined to the context. */
    private final Set<MultiStream> running;
    private final Runnable completed;
    private final Consumer<Throwable> failed;
    // ---- confined to the context's event loop ----
    private Flow.Subscription subscription;
    private boolean done;
    private long timer = -1;

    MultiStream(Context context, SocketIOSocket socket, String emit, Set<MultiStream> running, Runnable completed,
            Consumer<Throwable> failed) {
        this.context = context;
        this.socket = socket;
        this.emit = emit;
        this.running = running;
        this.completed = completed;
        this.failed = failed;
        running.add(this);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        onContext(() -> {
            if (done) {
                s.cancel();
                return;
            }
            subscription = s;
            s.request(1);
        });
    }

    @Override
    public void onNext(Object item) {
        onContext(() -> {
            if (done) {
                return;
            }
            // one argument, even when the item is an array
            socket.emit(emit, new Object[] { item });
            requestNext();
        });
    }

    @Override
    public void onError(Throwable failure) {
        onContext(() -> {
            if (finish()) {
                socket.emit(emit + ":error", Map.of("message",
                        failure.getMessage() == null ? failure.getClass().getName() : failure.getMessage()));
                failed.accept(failure);
            }
        });
    }

    @Override
    public void onComplete() {
        onContext(() -> {
            if (finish()) {
                socket.emit(emit + ":end");
                completed.run();
            }
        });
    }

    /** Cancels the stream (the socket disconnected); on the context. */
    void cancel() {
        if (finish() && subscription != null) {
            subscription.cancel();
        }
    }

    private boolean finish() {
        if (done) {
            return false;
        }
        done = true;
        running.remove(this);
        if (timer >= 0) {
            context.owner().cancelTimer(timer);
            timer = -1;
        }
        return true;
    }

    private void requestNext() {
        timer = -1;
        if (done) {
            return;
        }
        if (!socket.connected()) {
            cancel();
        } else if (!(socket instanceof LocalSocket local) || local.writable()) {
            subscription.request(1);
        } else {
            timer = context.owner().setTimer(RETRY_MS, id -> onContext(this::requestNext));
        }
    }

    private void onContext(Runnable action) {
        if (Vertx.currentContext() == context && Context.isOnEventLoopThread()) {
            action.run();
        } else {
            context.runOnContext(v -> action.run());
        }
    }
}
