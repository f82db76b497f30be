package io.quarkiverse.socketio.runtime.declarative;

import java.util.List;

/** The {@link io.quarkiverse.socketio.SocketIO} beans of the application: a synthetic bean made at build time. */
public final class DeclarativeEndpoints {

    private final List<EndpointMetadata> endpoints;

    public DeclarativeEndpoints(List<EndpointMetadata> endpoints) {
        this.endpoints = List.copyOf(endpoints);
    }

    public List<EndpointMetadata> endpoints() {
        return endpoints;
    }
}
