package io.quarkiverse.socketio.deployment;

import io.quarkiverse.socketio.runtime.observability.SocketIOLivenessCheck;
import io.quarkiverse.socketio.runtime.observability.SocketIOMeterBinder;
import io.quarkiverse.socketio.runtime.observability.SocketIOReadinessCheck;
import io.quarkus.arc.deployment.AdditionalBeanBuildItem;
import io.quarkus.deployment.Capabilities;
import io.quarkus.deployment.Capability;
import io.quarkus.deployment.annotations.BuildStep;

/**
 * The Socket.IO meters and health checks (readiness, liveness), for applications that have Micrometer or SmallRye
 * Health.
 */
class ObservabilityProcessor {

    @BuildStep
    AdditionalBeanBuildItem meters(Capabilities capabilities) {
        // Micrometer provides the metrics capability; the binder needs Micrometer's classes, so check for them too
        return capabilities.isPresent(Capability.METRICS) && micrometerPresent()
                ? AdditionalBeanBuildItem.unremovableOf(SocketIOMeterBinder.class)
                : null;
    }

    private static boolean micrometerPresent() {
        try {
            Class.forName("io.micrometer.core.instrument.binder.MeterBinder", false,
                    Thread.currentThread().getContextClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    @BuildStep
    AdditionalBeanBuildItem healthChecks(Capabilities capabilities) {
        return capabilities.isPresent(Capability.SMALLRYE_HEALTH)
                ? AdditionalBeanBuildItem.builder().addBeanClasses(SocketIOReadinessCheck.class,
                        SocketIOLivenessCheck.class).setUnremovable().build()
                : null;
    }
}
