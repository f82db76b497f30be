package io.quarkiverse.socketio.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import org.eclipse.microprofile.config.ConfigProvider;

import io.quarkiverse.socketio.runtime.cluster.OperatorCommand;
import io.quarkiverse.socketio.runtime.cluster.WorkerEnvironment;
import io.quarkiverse.socketio.runtime.cluster.primary.ClusterControl;
import io.quarkiverse.socketio.runtime.cluster.primary.ClusterPrimary;
import io.quarkiverse.socketio.runtime.cluster.worker.WorkerLink;
import io.quarkiverse.socketio.runtime.config.SocketIOConfig;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.RuntimeValue;
import io.quarkus.runtime.annotations.Recorder;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.metrics.MetricsOptions;

/**
 * Decides, early in the application's startup (before the HTTP router is built and before any application bean
 * starts), what this process is: a worker (its environment says so), the primary of a cluster (workers configured),
 * a dev or test mode process that runs the workers inside its JVM, or a process on its own. The primary never returns from
 * here: the rest of the startup, the application's code,
 * runs only in the workers.
 */
@Recorder
public class ProcessRoleRecorder {

    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(30);

    private final RuntimeValue<SocketIOConfig> config;

    public ProcessRoleRecorder(RuntimeValue<SocketIOConfig> config) {
        this.config = config;
    }

    public RuntimeValue<ClusterMembership> startRole(LaunchMode launchMode,
            Supplier<String[]> commandLine) {
        String[] arguments = commandLine.get();
        if (launchMode == LaunchMode.NORMAL && arguments != null && arguments.length > 0
                && OperatorCommand.CLI_COMMAND.equals(arguments[0])) {
            int status = ClusterControl.runClient(httpPort(), List.of(arguments).subList(1, arguments.length),
                    System.out);
            System.out.flush();
            // Quarkus' shutdown would wait for a startup that a command never finishes
            Runtime.getRuntime().halt(status);
        }
        Optional<WorkerEnvironment> worker = WorkerEnvironment.current();
        if (worker.isPresent()) {
            WorkerLink link = WorkerLink.connect(worker.get(), JOIN_TIMEOUT, () -> Quarkus.asyncExit(1));
            return new RuntimeValue<>(ClusterMembership.worker(link));
        }
        int workers = config.getValue().cluster().workers();
        if (workers == 0) {
            return new RuntimeValue<>(ClusterMembership.alone());
        }
        if (launchMode != LaunchMode.NORMAL) {
            // dev and test mode keep live reload and one JVM: the workers are isolated servers inside it
            return new RuntimeValue<>(ClusterMembership.inJvmCluster(workers));
        }
        String host = ConfigProvider.getConfig().getOptionalValue("quarkus.http.host", String.class).orElse("0.0.0.0");
        int port = httpPort();
        try {
            new ClusterPrimary(primaryVertx(), config.getValue(), workers, host, port).run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        throw new IllegalStateException("The Socket.IO cluster primary stopped serving");
    }

    /**
     * The primary's own Vert.x: the application's is set up for the application (its metrics and tracing SPIs look up
     * beans that never start in the primary, and would fail each connection it accepts). On Linux's native transport
     * when it is there: only its channels can be handed to a worker.
     */
    private static Vertx primaryVertx() {
        return Vertx.vertx(new VertxOptions().setMetricsOptions(new MetricsOptions().setEnabled(false))
                .setPreferNativeTransport(true));
    }

    private static int httpPort() {
        return ConfigProvider.getConfig().getOptionalValue("quarkus.http.port", Integer.class).orElse(8080);
    }

    public Supplier<ClusterMembership> membership(RuntimeValue<ClusterMembership> membership) {
        return membership::getValue;
    }
}
