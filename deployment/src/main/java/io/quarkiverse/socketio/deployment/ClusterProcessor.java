package io.quarkiverse.socketio.deployment;

import jakarta.inject.Singleton;

import io.quarkiverse.socketio.runtime.cluster.ClusterMembership;
import io.quarkiverse.socketio.runtime.cluster.ClusterRecorder;
import io.quarkiverse.socketio.runtime.cluster.HandoffReceiver;
import io.quarkiverse.socketio.runtime.cluster.WorkerConfigBuilder;
import io.quarkiverse.socketio.runtime.cluster.WorkerReporter;
import io.quarkus.arc.deployment.AdditionalBeanBuildItem;
import io.quarkus.arc.deployment.SyntheticBeanBuildItem;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.annotations.ExecutionTime;
import io.quarkus.deployment.annotations.Record;
import io.quarkus.deployment.builditem.LaunchModeBuildItem;
import io.quarkus.deployment.builditem.RawCommandLineArgumentsBuildItem;
import io.quarkus.deployment.builditem.RunTimeConfigBuilderBuildItem;
import io.quarkus.runtime.RuntimeValue;

/** The cluster: the process's role, decided first at runtime init, and what a worker needs. */
class ClusterProcessor {

    /**
     * Decides the role: a worker joins its primary; a primary runs the cluster and never lets the startup go on; a
     * command ({@code socketio status}, ...) talks to the running primary and exits; a process on its own goes on. The membership is a bean, for the server's adapters.
     */
    @BuildStep
    @Record(ExecutionTime.RUNTIME_INIT)
    ClusterRoleBuildItem clusterRole(ClusterRecorder recorder, LaunchModeBuildItem launchMode,
            RawCommandLineArgumentsBuildItem commandLine, BuildProducer<SyntheticBeanBuildItem> beans) {
        RuntimeValue<ClusterMembership> membership = recorder.startRole(launchMode.getLaunchMode(), commandLine);
        beans.produce(SyntheticBeanBuildItem.configure(ClusterMembership.class)
                .scope(Singleton.class)
                .unremovable()
                .setRuntimeInit()
                .supplier(recorder.membership(membership))
                .done());
        return new ClusterRoleBuildItem();
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

    /** Takes the client connections the primary hands to a worker. */
    @BuildStep
    AdditionalBeanBuildItem handoffReceiver() {
        return AdditionalBeanBuildItem.unremovableOf(HandoffReceiver.class);
    }
}
