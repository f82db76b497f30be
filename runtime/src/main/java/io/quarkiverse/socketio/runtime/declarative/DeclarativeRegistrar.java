package io.quarkiverse.socketio.runtime.declarative;

import java.util.regex.Pattern;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkiverse.socketio.SocketIONamespace;
import io.quarkiverse.socketio.SocketIOServer;
import io.quarkus.arc.Arc;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

/**
 * Binds the {@link io.quarkiverse.socketio.SocketIO} beans to their namespaces when the application starts, while the
 * HTTP router is set up (before the server accepts connections). Reflection runs here only: the bean and error classes
 * are loaded by name and each generated invoker is instantiated once; nothing is looked up per event.
 */
@Singleton
public class DeclarativeRegistrar {

    @Inject
    SocketIOServer io;

    @Inject
    ObjectMapper mapper;

    @Inject
    Vertx vertx;

    @Inject
    DeclarativeEndpoints endpoints;

    void register(@Observes Router router) {
        for (EndpointMetadata endpoint : endpoints.endpoints()) {
            Object bean = Arc.container().instance(load(endpoint.getBeanClass())).get();
            DeclarativeNamespace namespace = new DeclarativeNamespace(vertx);
            for (HandlerMetadata handler : endpoint.getHandlers()) {
                SocketIOInvoker invoker = newInvoker(handler.getInvokerClass());
                Class<?> errorType = handler.getErrorType() == null ? null : load(handler.getErrorType());
                namespace.add(new Handler(handler, invoker, bean, mapper, errorType));
            }
            SocketIONamespace target = endpoint.getNamespacePattern() != null
                    ? io.of(Pattern.compile(endpoint.getNamespacePattern()))
                    : io.of(endpoint.getNamespace());
            namespace.attach(target);
        }
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, Thread.currentThread().getContextClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("Cannot load " + name, e);
        }
    }

    private static SocketIOInvoker newInvoker(String name) {
        try {
            return (SocketIOInvoker) load(name).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Cannot create the generated invoker " + name, e);
        }
    }
}
