package io.quarkiverse.socketio.runtime.declarative;

import java.util.ArrayDeque;

import org.jboss.logging.Logger;

import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * The handlers of one socket, one after another: a step starts when the one before it is done, whether it ran on the
 * event loop, on a worker or a virtual thread, or returned a {@code Uni} or {@code CompletionStage} that completed
 * later. The queue lives on the socket's context (its event loop); steps are submitted there, in the order the
 * socket's packets arrived.
 */
final class SocketHandlerQueue {

    private static final Logger LOG = Logger.getLogger(SocketHandlerQueue.class);

    /** A step: runs, then calls {@code done} once, from any thread. */
    @FunctionalInterface
    interface Step {
        void run(Runnable done);
    }

    private final Context context;
    // ---- confined to the context's event loop ----
    private final ArrayDeque<Step> steps = new ArrayDeque<>();
    /** A step is running. */
    private boolean busy;
    /** {@link #drain()} is on the stack. */
    private boolean draining;

    SocketHandlerQueue(Context context) {
        this.context = context;
    }

    Context context() {
        return context;
    }

    /** Whether the caller runs on the context's event loop. */
    boolean onContext() {
        return Vertx.currentContext() == context && Context.isOnEventLoopThread();
    }

    /** Runs the action on the context's event loop: at once when already there, else queued. */
    void onContext(Runnable action) {
        if (onContext()) {
            action.run();
        } else {
            context.runOnContext(v -> action.run());
        }
    }

    void submit(Step step) {
        if (!onContext()) {
            context.runOnContext(v -> submit(step));
            return;
        }
        steps.add(step);
        if (!busy && !draining) {
            drain();
        }
    }

    private void drain() {
        draining = true;
        try {
            Step step;
            while (!busy && (step = steps.poll()) != null) {
                busy = true;
                Completion completion = new Completion();
                try {
                    step.run(completion);
                } catch (Throwable e) {
                    LOG.error("A socket handler step failed unexpectedly", e);
                    completion.run();
                }
            }
        } finally {
            draining = false;
        }
    }

    /** Ends the running step (once) and starts the next one. */
    private final class Completion implements Runnable {

        private boolean done;

        @Override
        public void run() {
            if (!onContext()) {
                context.runOnContext(v -> run());
                return;
            }
            if (done) {
                return;
            }
            done = true;
            busy = false;
            if (!draining) {
                drain();
            }
        }
    }
}
