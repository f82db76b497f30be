package io.quarkiverse.socketio.deployment;

import io.quarkiverse.socketio.runtime.engine.EngineHttpServerOptionsCustomizer;
import io.quarkiverse.socketio.runtime.server.SocketIOServerImpl;
import io.quarkus.arc.deployment.AdditionalBeanBuildItem;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.builditem.FeatureBuildItem;

class SocketIOProcessor {

    static final String FEATURE = "socketio-cluster";

    @BuildStep
    FeatureBuildItem feature() {
        return new FeatureBuildItem(FEATURE);
    }

    /** The server bean: it mounts the Engine.IO endpoint on the HTTP router when the application starts. */
    @BuildStep
    AdditionalBeanBuildItem serverBean() {
        return AdditionalBeanBuildItem.unremovableOf(SocketIOServerImpl.class);
    }

    /** Raises the HTTP server's WebSocket frame limit so that a message of max-http-buffer-size bytes can arrive. */
    @BuildStep
    AdditionalBeanBuildItem webSocketFrameLimit() {
        return AdditionalBeanBuildItem.unremovableOf(EngineHttpServerOptionsCustomizer.class);
    }
}
