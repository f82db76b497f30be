package io.quarkiverse.socketio.devservices;

import java.util.Map;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import io.quarkus.deployment.IsDevServicesSupportedByLaunchMode;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.builditem.DevServicesResultBuildItem;
import io.quarkus.deployment.dev.devservices.DevServicesConfig;

/**
 * The dev cluster as a Dev Service: in dev and test mode the application runs its Socket.IO workers inside the JVM
 * (isolated servers joined by an in-JVM relay), {@value #DEFAULT_WORKERS} of them unless
 * {@code quarkus.socketio.cluster.workers} says otherwise, so that what a developer sees behaves like the packaged
 * cluster. It shows in the Dev UI's Dev Services page with the setting it applies.
 */
class DevClusterProcessor {

    private static final Logger LOG = Logger.getLogger(DevClusterProcessor.class);

    static final String FEATURE = "socketio-cluster";
    static final String WORKERS = "quarkus.socketio.cluster.workers";
    /** Two workers: the fewest that show what crosses between workers (broadcasts, fetchSockets, acks). */
    static final String DEFAULT_WORKERS = "2";

    @BuildStep(onlyIf = { IsDevServicesSupportedByLaunchMode.class, DevServicesConfig.Enabled.class })
    DevServicesResultBuildItem devCluster() {
        Config config = ConfigProvider.getConfig();
        String configured = config.getOptionalValue(WORKERS, String.class).orElse(null);
        String workers = configured != null ? configured.trim() : DEFAULT_WORKERS;
        String what = "0".equals(workers) ? "one server (" + WORKERS + "=0)"
                : "an in-JVM cluster of " + workers + " workers joined by an in-JVM relay";
        LOG.infof("Dev Services for Socket.IO: %s%s", what,
                configured == null ? " (set " + WORKERS + " to change it, 0 for one server)" : "");
        return DevServicesResultBuildItem.discovered()
                .feature(FEATURE)
                .description("Socket.IO: " + what)
                .config(configured == null ? Map.of(WORKERS, DEFAULT_WORKERS) : Map.of())
                .build();
    }
}
