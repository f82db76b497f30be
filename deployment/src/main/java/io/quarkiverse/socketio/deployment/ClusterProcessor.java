package io.quarkiverse.socketio.deployment;

import jakarta.inject.Singleton;

import io.quarkiverse.socketio.runtime.ClusterMembership;
import io.quarkiverse.socketio.runtime.ProcessRoleRecorder;
import io.quarkiverse.socketio.runtime.WorkerReporter;
import io.quarkiverse.socketio.runtime.cluster.worker.WorkerConfigBuilder;
import io.quarkus.arc.deployment.AdditionalBeanBuildItem;
import io.quarkus.arc.deployment.SyntheticBeanBuildItem;
import io.quarkus.deployment.IsNormal;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.annotations.ExecutionTime;
import io.quarkus.deployment.annotations.Record;
import io.quarkus.deployment.builditem.LaunchModeBuildItem;
import io.quarkus.deployment.builditem.RawCommandLineArgumentsBuildItem;
import io.quarkus.deployment.builditem.RunTimeConfigBuilderBuildItem;
import io.quarkus.deployment.builditem.RunTimeConfigurationDefaultBuildItem;
import io.quarkus.runtime.RuntimeValue;
import io.quarkus.tls.deployment.spi.TlsRegistryBuildItem;

/** The cluster: the process's role, decided first at runtime init, and what a worker needs. */
class ClusterProcessor {

    /** Two workers: the fewest that show what crosses between workers (broadcasts, fetchSockets, acks). */
    static final String DEV_WORKERS = "2";

    /**
     * Decides the role: a worker joins its primary; a primary runs the cluster and never lets the startup go on; a
     * command ({@code socketio status}, ...) talks to the running primary and exits; a process on its own goes on. The
     * membership is a bean, for the server's adapters. After the TLS registry: the primary serves HTTPS with its
     * configurations.
     */
    @BuildStep
    @Record(ExecutionTime.RUNTIME_INIT)
    ClusterRoleBuildItem clusterRole(ProcessRoleRecorder recorder, LaunchModeBuildItem launchMode,
            RawCommandLineArgumentsBuildItem commandLine, TlsRegistryBuildItem tlsRegistry,
            BuildProducer<SyntheticBeanBuildItem> beans) {
        RuntimeValue<ClusterMembership> membership = recorder.startRole(launchMode.getLaunchMode(), commandLine,
                tlsRegistry.registry());
        beans.produce(SyntheticBeanBuildItem.configure(ClusterMembership.class)
                .scope(Singleton.class)
                .unremovable()
                .setRuntimeInit()
                .supplier(recorder.membership(membership))
                .done());
        return new ClusterRoleBuildItem();
    }

    /**
     * Dev and test mode run the in-JVM cluster of {@value #DEV_WORKERS} workers unless
     * {@code quarkus.socketio.cluster.workers} says otherwise: a default of the build, so it holds with Dev Services
     * off too. The packaged application keeps the configured default, 0.
     */
    @BuildStep(onlyIfNot = IsNormal.class)
    RunTimeConfigurationDefaultBuildItem devClusterWorkers() {
        return new RunTimeConfigurationDefaultBuildItem("quarkus.socketio.cluster.workers", DEV_WORKERS);
    }

    /** A worker serves HTTP on the loopback port its primary chose, whatever else the configuration says. */
    @BuildStep
    RunTimeConfigBuilderBuildItem workerHttpConfig() {
        return new RunTimeConfigBuilderBuildItem(WorkerConfigBuilder.class);
    }

    /** Tells the primary when the worker serves, and how many sockets. */
    @BuildStep
    AdditionalBeanBuildItem workerReporter() {
        return AdditionalBeanBuildItem.unremovableOf(WorkerReporter.class);
    }
}
