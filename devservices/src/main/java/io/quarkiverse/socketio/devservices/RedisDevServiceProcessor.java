package io.quarkiverse.socketio.devservices;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import io.quarkus.deployment.Capabilities;
import io.quarkus.deployment.Capability;
import io.quarkus.deployment.IsDevServicesSupportedByLaunchMode;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.annotations.BuildSteps;
import io.quarkus.deployment.builditem.DevServicesResultBuildItem;
import io.quarkus.deployment.builditem.DockerStatusBuildItem;
import io.quarkus.deployment.builditem.LaunchModeBuildItem;
import io.quarkus.deployment.dev.devservices.DevServicesConfig;
import io.quarkus.deployment.pkg.builditem.OutputTargetBuildItem;
import io.quarkus.runtime.configuration.ConfigurationException;

/**
 * Redis for the Socket.IO Redis adapters in dev and test mode: when the application picked one and its Redis client has no
 * hosts, a {@code redis-server} from the {@code PATH} ({@link RedisServer}), owned by Dev Services: started before the
 * application, kept across live reloads while this configuration stays the same, shared by the test classes of a run
 * that share an application, and stopped with the application.
 * <p>
 * quarkus-redis-client has a Dev Service of its own, a container, which starts only where a container runtime works.
 * Both would set the client's hosts; to give them one value, this one waits for that one ({@code dependsOnConfig}) and,
 * if it set the hosts, uses its Redis and starts nothing.
 */
@BuildSteps(onlyIf = { IsDevServicesSupportedByLaunchMode.class, DevServicesConfig.Enabled.class })
class RedisDevServiceProcessor {

    private static final Logger LOG = Logger.getLogger(RedisDevServiceProcessor.class);

    /** The extension's feature, which Dev Services and its Dev UI page list the server under. */
    static final String FEATURE = "socketio-cluster";
    /** One Redis server of ours at a time, per launch mode: a new configuration replaces it. */
    static final String SERVICE_NAME = "redis";
    static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    @BuildStep
    DevServicesResultBuildItem redisServer(SocketIODevServicesConfig devServices, DevServicesConfig globalDevServices,
            Capabilities capabilities, LaunchModeBuildItem launchMode, OutputTargetBuildItem target,
            DockerStatusBuildItem containerRuntime) {
        Config config = ConfigProvider.getConfig();
        RedisAdapterChoice choice = RedisAdapterChoice.of(config);
        if (!choice.usesRedis()) {
            return null;
        }
        if (!capabilities.isPresent(Capability.REDIS_CLIENT)) {
            ConfigurationException e = new ConfigurationException(choice.missingClientMessage());
            e.setStackTrace(new StackTraceElement[0]);
            throw e;
        }
        if (!devServices.enabled()) {
            LOG.debugf("Dev Services for Socket.IO: no Redis started (quarkus.socketio.devservices.enabled=false)");
            return null;
        }
        if (choice.clientConfigured(config)) {
            LOG.debugf("Dev Services for Socket.IO: no Redis started, %s is configured", choice.hostsProperty());
            return null;
        }

        Optional<Path> executable = RedisServer.findOnPath(System.getenv("PATH"));
        if (executable.isEmpty() && !(choice.redisClientDevServiceEnabled(config)
                && containerRuntime.isContainerRuntimeAvailable())) {
            // nothing can give the client a Redis: say so now, rather than at startup
            throw RedisServer.notFound(choice);
        }
        String version = executable.map(RedisServer::version).orElse(null);
        int port = devServices.port().orElse(0);
        Path logFile = target.getOutputDirectory().resolve("socketio-dev-services")
                .resolve("redis-server-" + launchMode.getLaunchMode().getDefaultProfile() + ".log");
        Duration startTimeout = globalDevServices.timeout().orElse(START_TIMEOUT);
        String hostsProperty = choice.hostsProperty();

        return DevServicesResultBuildItem.owned()
                .feature(FEATURE)
                .serviceName(SERVICE_NAME)
                // java.lang types compare equal across the class loaders of live reloads: a change restarts the server
                .serviceConfig(String.join("|", String.valueOf(executable.orElse(null)), String.valueOf(port),
                        hostsProperty, String.valueOf(startTimeout)))
                .description(executable.isPresent()
                        ? "Redis " + (version != null ? version + " " : "") + "(" + executable.get() + ") for the Socket.IO "
                                + choice.adapter() + " adapter, through " + choice.describeClient()
                        : "Redis (quarkus-redis-client's container) for the Socket.IO " + choice.adapter()
                                + " adapter, through " + choice.describeClient())
                .startable(() -> new RedisServer(executable.orElse(null), port, logFile, startTimeout))
                // optional: started after quarkus-redis-client's Dev Service, handed its hosts if it set them
                .dependsOnConfig(hostsProperty, RedisServer::useExisting, true)
                .configProvider(Map.of(hostsProperty, RedisServer::hosts))
                .postStartHook(server -> logStarted(server, choice))
                .build();
    }

    private static void logStarted(RedisServer server, RedisAdapterChoice choice) {
        if (server.usesExisting()) {
            LOG.infof("Dev Services for Socket.IO: the %s adapter uses the Redis of quarkus-redis-client's Dev Service "
                    + "(%s=%s); no redis-server started", choice.adapter(), choice.hostsProperty(), server.hosts());
        } else {
            LOG.infof("Dev Services for Socket.IO: Redis %s (redis-server, pid %d, port %d) for the %s adapter: %s=%s; "
                    + "its log: %s", server.reportedVersion(), server.pid(), server.port(), choice.adapter(),
                    choice.hostsProperty(), server.hosts(), server.logFile());
        }
    }
}
