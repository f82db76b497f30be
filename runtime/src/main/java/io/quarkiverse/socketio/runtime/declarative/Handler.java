package io.quarkiverse.socketio.runtime.declarative;

import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.arc.Arc;
import io.quarkus.arc.InjectableContext;
import io.quarkus.arc.ManagedContext;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.quarkus.virtual.threads.VirtualThreadsRecorder;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;

/**
 * A handler method ready to be called: its generated invoker, its bean, how to bind each parameter, where it runs.
 */
final class Handler {

    private static final Logger LOG = Logger.getLogger(Handler.class);

    /** The outcome of a call, delivered on the socket's event loop. */
    @FunctionalInterface
    interface Outcome {
        void accept(Object value, Throwable failure);
    }

    final HandlerMetadata metadata;
    private final SocketIOInvoker invoker;
    private final Object bean;
    private final ParamBinder[] binders;
    final Class<?> errorType;
    private final ManagedContext requestContext;

    Handler(HandlerMetadata metadata, SocketIOInvoker invoker, Object bean, ObjectMapper mapper, Class<?> errorType) {
        this.metadata = metadata;
        this.invoker = invoker;
        this.bean = bean;
        List<ParamMetadata> params = metadata.getParams();
        this.binders = new ParamBinder[params.size()];
        for (int i = 0; i < binders.length; i++) {
            binders[i] = ParamBinder.of(params.get(i), mapper);
        }
        this.errorType = errorType;
        this.requestContext = Arc.container().requestContext();
    }

    ReturnKind returnKind() {
        return metadata.getReturnKind();
    }

    /**
     * Binds the parameters and calls the method on the thread of its execution model, waits for the {@code Uni} or
     * {@code CompletionStage} it returns, and delivers the outcome on {@code context}'s event loop. A parameter that
     * cannot be bound fails the call with an {@link io.quarkiverse.socketio.InvalidEventArgumentException}.
     */
    void call(Context context, BindingSource source, Outcome outcome) {
        Runnable task = () -> invoke(context, source, outcome);
        try {
            switch (metadata.getExecutionModel()) {
                case EVENT_LOOP -> {
                    if (Vertx.currentContext() == context && Context.isOnEventLoopThread()) {
                        task.run();
                    } else {
                        context.runOnContext(v -> task.run());
                    }
                }
                case WORKER -> context.executeBlocking(() -> {
                    task.run();
                    return null;
                }, false).onFailure(failure -> deliver(context, outcome, null, failure));
                case VIRTUAL_THREAD -> VirtualThreadsRecorder.getCurrent().execute(task);
            }
        } catch (RuntimeException e) {
            // a rejected execution (the application is stopping)
            deliver(context, outcome, null, e);
        }
    }

    /**
     * Calls the method on a new duplicated context of {@code context} with a new request context active, as Quarkus
     * WebSockets Next does per message: the request-scoped beans of one call are its own, even when a continuation of
     * an earlier call runs on the socket's context meanwhile. The request context ends (its beans are destroyed) when
     * the call is done, that is once the returned {@code Uni} or {@code CompletionStage} completed; the continuations of
     * a {@code Uni} see it, through Quarkus's context propagation, which captures it while the {@code Uni} is
     * subscribed here.
     */
    private void invoke(Context context, BindingSource source, Outcome outcome) {
        ContextInternal invocation = newInvocationContext(context);
        ContextInternal previous = invocation.beginDispatch();
        requestContext.activate();
        Call call = new Call(context, outcome, requestContext.getState());
        try {
            Object[] args = new Object[binders.length];
            for (int i = 0; i < args.length; i++) {
                args[i] = binders[i].bind(source);
            }
            Object result = invoker.invoke(bean, args);
            ReturnKind kind = metadata.getReturnKind();
            if (result == null || !(kind.isUni() || kind.isCompletionStage())) {
                call.complete(result, null);
            } else if (kind.isUni()) {
                ((Uni<?>) result).subscribe().with(item -> call.complete(item, null), failure -> call.complete(null, failure));
            } else {
                ((CompletionStage<?>) result).whenComplete((value, failure) -> call.complete(value,
                        failure == null ? null : unwrap(failure)));
            }
        } catch (Throwable e) {
            call.complete(null, e);
        } finally {
            requestContext.deactivate();
            invocation.endDispatch(previous);
        }
        call.returned();
    }

    /**
     * A duplicated context of the socket's (same event loop) with the socket's local data, which other parts of the
     * server look up (in an in-JVM cluster, which worker's server is running), except CDI context states: the call
     * has its own.
     */
    private static ContextInternal newInvocationContext(Context context) {
        ContextInternal invocation = (ContextInternal) VertxContext.createNewDuplicatedContext(context);
        if (VertxContext.isDuplicatedContext(context)) {
            ConcurrentMap<Object, Object> locals = ((ContextInternal) context).localContextData();
            if (!locals.isEmpty()) {
                ConcurrentMap<Object, Object> copy = invocation.localContextData();
                locals.forEach((key, value) -> {
                    if (!(value instanceof InjectableContext.ContextState)) {
                        copy.put(key, value);
                    }
                });
            }
        }
        VertxContextSafetyToggle.setContextSafe(invocation, true);
        return invocation;
    }

    /**
     * One call: ends its request context when it completes, then delivers the outcome, at once if the method already
     * returned, else when it returns (so that a call done synchronously is delivered from the socket's context, where
     * the next step starts without a hop).
     */
    private final class Call {

        private final Context context;
        private final Outcome outcome;
        private final InjectableContext.ContextState state;
        private boolean returned;
        private boolean completed;
        private Object value;
        private Throwable failure;

        Call(Context context, Outcome outcome, InjectableContext.ContextState state) {
            this.context = context;
            this.outcome = outcome;
            this.state = state;
        }

        void complete(Object value, Throwable failure) {
            boolean deliverNow;
            synchronized (this) {
                if (completed) {
                    return;
                }
                completed = true;
                this.value = value;
                this.failure = failure;
                deliverNow = returned;
            }
            endRequestContext();
            if (deliverNow) {
                deliver(context, outcome, value, failure);
            }
        }

        void returned() {
            boolean deliverNow;
            synchronized (this) {
                returned = true;
                deliverNow = completed;
            }
            if (deliverNow) {
                deliver(context, outcome, value, failure);
            }
        }

        private void endRequestContext() {
            try {
                requestContext.destroy(state);
            } catch (RuntimeException e) {
                LOG.errorf(e, "Destroying the request context of %s failed", Handler.this);
            }
        }
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static void deliver(Context context, Outcome outcome, Object value, Throwable failure) {
        if (Vertx.currentContext() == context && Context.isOnEventLoopThread()) {
            outcome.accept(value, failure);
        } else {
            context.runOnContext(v -> outcome.accept(value, failure));
        }
    }

    /** How far the failure's class is from the error type this handler takes: 0 for the same class. */
    int distanceTo(Throwable failure) {
        int distance = 0;
        for (Class<?> c = failure.getClass(); c != null; c = c.getSuperclass()) {
            if (c == errorType) {
                return distance;
            }
            distance++;
        }
        return Integer.MAX_VALUE;
    }

    @Override
    public String toString() {
        return metadata.getKind().annotation()
                + (metadata.getEvent() == null ? "" : "(\"" + metadata.getEvent() + "\")") + " "
                + metadata.getDescription();
    }
}
