package io.quarkiverse.socketio.deployment;

import java.util.Optional;

import io.quarkiverse.socketio.runtime.observability.SocketIOLivenessCheck;
import io.quarkiverse.socketio.runtime.observability.SocketIOMeterBinder;
import io.quarkiverse.socketio.runtime.observability.SocketIOReadinessCheck;
import io.quarkus.arc.deployment.AdditionalBeanBuildItem;
import io.quarkus.deployment.Capabilities;
import io.quarkus.deployment.Capability;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.metrics.MetricsCapabilityBuildItem;
import io.quarkus.runtime.metrics.MetricsFactory;

/**
 * The Socket.IO meters and health checks (readiness, liveness), for applications that have Micrometer or SmallRye
 * Health.
 */
class ObservabilityProcessor {

    /** The meters, when the application's metrics are Micrometer's (the binder is a Micrometer MeterBinder). */
    @BuildStep
    AdditionalBeanBuildItem meters(Optional<MetricsCapabilityBuildItem> metrics) {
        return metrics.isPresent() && metrics.get().metricsSupported(MetricsFactory.MICROMETER)
                ? AdditionalBeanBuildItem.unremovableOf(SocketIOMeterBinder.class)
                : null;
    }

    @BuildStep
    AdditionalBeanBuildItem healthChecks(Capabilities capabilities) {
        return capabilities.isPresent(Capability.SMALLRYE_HEALTH)
                ? AdditionalBeanBuildItem.builder().addBeanClasses(SocketIOReadinessCheck.class,
                        SocketIOLivenessCheck.class).setUnremovable().build()
                : null;
    }
}
