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
import io.quarkiverse.socketio.runtime.cluster.primary.PublicListeners;
import io.quarkiverse.socketio.runtime.cluster.worker.WorkerLink;
import io.quarkiverse.socketio.runtime.config.SocketIOConfig;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.RuntimeValue;
import io.quarkus.runtime.annotations.Recorder;
import io.quarkus.tls.TlsConfigurationRegistry;
import io.quarkus.vertx.http.runtime.VertxHttpBuildTimeConfig;
import io.quarkus.vertx.http.runtime.VertxHttpConfig;
import io.quarkus.vertx.http.runtime.options.HttpServerOptionsUtils;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
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
    private final RuntimeValue<VertxHttpConfig> httpConfig;
    private final VertxHttpBuildTimeConfig httpBuildTimeConfig;

    public ProcessRoleRecorder(RuntimeValue<SocketIOConfig> config, RuntimeValue<VertxHttpConfig> httpConfig,
            VertxHttpBuildTimeConfig httpBuildTimeConfig) {
        this.config = config;
        this.httpConfig = httpConfig;
        this.httpBuildTimeConfig = httpBuildTimeConfig;
    }

    /**
     * @param tlsRegistry the TLS registry, its configurations validated: the primary's HTTPS takes its certificate
     *        there or from {@code quarkus.http.ssl.*}, as the HTTP server of one process does
     */
    public RuntimeValue<ClusterMembership> startRole(LaunchMode launchMode,
            Supplier<String[]> commandLine, Supplier<TlsConfigurationRegistry> tlsRegistry) {
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
            new ClusterPrimary(primaryVertx(), config.getValue(), workers, publicListeners(host, port, tlsRegistry))
                    .run();
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
     * The primary's public listeners. Quarkus's own code builds the HTTPS options (from the TLS registry's default or
     * named configuration, else {@code quarkus.http.ssl.*}), so the primary takes every key store format, password and
     * protocol setting a single process takes, and the setting's errors read the same; no certificate: no HTTPS, as in
     * one process.
     */
    private PublicListeners publicListeners(String host, int port, Supplier<TlsConfigurationRegistry> tlsRegistry)
            throws Exception {
        HttpServerOptions tls = HttpServerOptionsUtils.createSslOptions(httpBuildTimeConfig, httpConfig.getValue(),
                LaunchMode.NORMAL, List.of(), tlsRegistry.get());
        if (tls == null || tls.getKeyCertOptions() == null) {
            return PublicListeners.plain(host, port);
        }
        VertxHttpConfig.InsecureRequests insecure = HttpServerOptionsUtils
                .getInsecureRequestStrategy(httpConfig.getValue(), httpBuildTimeConfig, LaunchMode.NORMAL);
        return new PublicListeners(host, port, PublicListeners.Insecure.valueOf(insecure.name()), tls.setHost(host));
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
