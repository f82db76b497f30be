package io.quarkiverse.socketio.deployment;

import io.quarkiverse.socketio.runtime.EngineRouteRecorder;
import io.quarkiverse.socketio.runtime.SocketIOServers;
import io.quarkiverse.socketio.runtime.admin.AdminUiInstrumentation;
import io.quarkiverse.socketio.runtime.engine.EngineHttpServerOptionsCustomizer;
import io.quarkus.arc.deployment.AdditionalBeanBuildItem;
import io.quarkus.arc.deployment.SyntheticBeansRuntimeInitBuildItem;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.annotations.Consume;
import io.quarkus.deployment.annotations.ExecutionTime;
import io.quarkus.deployment.annotations.Record;
import io.quarkus.deployment.builditem.FeatureBuildItem;
import io.quarkus.vertx.http.deployment.RouteBuildItem;

class SocketIOProcessor {

    static final String FEATURE = "socketio-cluster";

    @BuildStep
    FeatureBuildItem feature() {
        return new FeatureBuildItem(FEATURE);
    }

    /** The servers of this JVM, which produce the {@code SocketIOServer} bean. */
    @BuildStep
    AdditionalBeanBuildItem serverBean() {
        return AdditionalBeanBuildItem.unremovableOf(SocketIOServers.class);
    }

    /**
     * The Engine.IO endpoint on the application's HTTP router, under {@code quarkus.socketio.path}. Recorded after the
     * cluster role: a primary never gets here.
     */
    @BuildStep
    @Record(ExecutionTime.RUNTIME_INIT)
    @Consume(SyntheticBeansRuntimeInitBuildItem.class)
    RouteBuildItem engineRoute(EngineRouteRecorder recorder, ClusterRoleBuildItem role) {
        return RouteBuildItem.builder()
                .routeFunction(recorder.route())
                .handler(recorder.handler())
                .build();
    }

    /** The Admin UI's namespace and statistics, set up at startup when quarkus.socketio.admin-ui.enabled says so. */
    @BuildStep
    AdditionalBeanBuildItem adminUiInstrumentation() {
        return AdditionalBeanBuildItem.unremovableOf(AdminUiInstrumentation.class);
    }

    /** Raises the HTTP server's WebSocket frame limit so that a message of max-http-buffer-size bytes can arrive. */
    @BuildStep
    AdditionalBeanBuildItem webSocketFrameLimit() {
        return AdditionalBeanBuildItem.unremovableOf(EngineHttpServerOptionsCustomizer.class);
    }
}
