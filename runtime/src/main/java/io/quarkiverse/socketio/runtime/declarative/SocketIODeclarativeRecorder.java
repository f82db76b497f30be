package io.quarkiverse.socketio.runtime.declarative;

import java.util.List;
import java.util.function.Supplier;

import io.quarkus.runtime.annotations.Recorder;

/** Hands the build-time description of the {@link io.quarkiverse.socketio.SocketIO} beans to the runtime. */
@Recorder
public class SocketIODeclarativeRecorder {

    public Supplier<DeclarativeEndpoints> endpoints(List<EndpointMetadata> endpoints) {
        DeclarativeEndpoints value = new DeclarativeEndpoints(endpoints);
        return () -> value;
    }
}
