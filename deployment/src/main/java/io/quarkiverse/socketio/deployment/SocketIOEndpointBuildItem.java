package io.quarkiverse.socketio.deployment;

import java.util.List;

import org.jboss.jandex.ClassInfo;
import org.jboss.jandex.MethodInfo;
import org.jboss.jandex.Type;

import io.quarkiverse.socketio.runtime.declarative.HandlerMetadata;
import io.quarkus.builder.item.MultiBuildItem;

/** A valid {@link io.quarkiverse.socketio.SocketIO} bean and its handler methods. */
public final class SocketIOEndpointBuildItem extends MultiBuildItem {

    /** A handler method, with what the runtime needs of it (the invoker class is set when it is generated). */
    record HandlerMethod(MethodInfo method, HandlerMetadata metadata, List<Type> payloadTypes, Type ackType) {
    }

    final ClassInfo beanClass;
    /** The namespace, or null for dynamic namespaces. */
    final String namespace;
    /** The pattern of dynamic namespaces, or null. */
    final String namespacePattern;
    final List<HandlerMethod> handlers;

    SocketIOEndpointBuildItem(ClassInfo beanClass, String namespace, String namespacePattern,
            List<HandlerMethod> handlers) {
        this.beanClass = beanClass;
        this.namespace = namespace;
        this.namespacePattern = namespacePattern;
        this.handlers = handlers;
    }

    /** The namespace, or the pattern of dynamic namespaces, for messages. */
    String target() {
        return namespace != null ? namespace : "pattern " + namespacePattern;
    }
}
