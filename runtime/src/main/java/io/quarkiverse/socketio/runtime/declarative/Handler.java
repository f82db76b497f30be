package io.quarkiverse.socketio.runtime.declarative;

import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.virtual.threads.VirtualThreadsRecorder;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * A handler method ready to be called: its generated invoker, its bean, how to bind each parameter, where it runs.
 */
final class Handler {

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
    }

    ReturnKind returnKind() {
        return metadata.getReturnKind();
    }

    /**
     * Binds the parameters and calls the method on the thread of its execution model, waits for the {@code Uni} or
     * {@code CompletionStage} it returns, and delivers the outcome on {@code context}'s event loop. A parameter that
     * cannot be bound fails the call with a {@link BadEventArgumentException}.
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

    private void invoke(Context context, BindingSource source, Outcome outcome) {
        Object result;
        try {
            Object[] args = new Object[binders.length];
            for (int i = 0; i < args.length; i++) {
                args[i] = binders[i].bind(source);
            }
            result = invoker.invoke(bean, args);
        } catch (Throwable e) {
            deliver(context, outcome, null, e);
            return;
        }
        ReturnKind kind = metadata.getReturnKind();
        if (result == null || !(kind.isUni() || kind.isCompletionStage())) {
            deliver(context, outcome, result, null);
        } else if (kind.isUni()) {
            ((Uni<?>) result).subscribe().with(
                    item -> deliver(context, outcome, item, null),
                    failure -> deliver(context, outcome, null, failure));
        } else {
            ((CompletionStage<?>) result).whenComplete((value, failure) -> deliver(context, outcome, value,
                    failure == null ? null : unwrap(failure)));
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
