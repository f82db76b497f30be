package io.quarkiverse.socketio.runtime.declarative;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@link io.quarkiverse.socketio.SocketIO} bean and its handlers, as found and validated at build time. Recorded: a
 * bean with a no-argument constructor and accessors.
 */
public class EndpointMetadata {

    private String beanClass;
    /** The namespace name, or null when {@link #namespacePattern} is set. */
    private String namespace;
    /** The pattern of dynamic namespaces, or null. */
    private String namespacePattern;
    private List<HandlerMetadata> handlers = new ArrayList<>();

    public String getBeanClass() {
        return beanClass;
    }

    public void setBeanClass(String beanClass) {
        this.beanClass = beanClass;
    }

    public String getNamespace() {
        return namespace;
    }

    public void setNamespace(String namespace) {
        this.namespace = namespace;
    }

    public String getNamespacePattern() {
        return namespacePattern;
    }

    public void setNamespacePattern(String namespacePattern) {
        this.namespacePattern = namespacePattern;
    }

    public List<HandlerMetadata> getHandlers() {
        return handlers;
    }

    public void setHandlers(List<HandlerMetadata> handlers) {
        this.handlers = handlers;
    }
}
