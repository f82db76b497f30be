package io.quarkiverse.socketio.runtime.adapter.redis;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.quarkiverse.socketio.runtime.adapter.Adapter;
import io.quarkiverse.socketio.runtime.adapter.AdapterFactory;
import io.quarkiverse.socketio.runtime.adapter.AdapterObserver;
import io.quarkiverse.socketio.runtime.adapter.LocalNamespace;
import io.quarkiverse.socketio.runtime.adapter.wire.ClusterMessageCodec;
import io.quarkiverse.socketio.runtime.config.SocketIOConfig;
import io.quarkiverse.socketio.runtime.config.SocketIOConfig.AdapterKind;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.impl.VertxInternal;
import io.vertx.redis.client.Redis;

/**
 * The Redis adapters of one server (a process on its own, a worker process, or a worker of the in-JVM cluster): one
 * adapter per namespace, of the kind {@code quarkus.socketio.adapter} names, all sharing one {@link RedisConnector}.
 * It hands each message from Redis to the adapter whose channel it is, runs the periodic work (heartbeats, the silent
 * Java servers, the counts of pending requests) and tells whether Redis is reachable, for the readiness check. With
 * the streams adapter it also owns the one {@link StreamReader} of the stream (one per server, not per namespace: every
 * namespace shares the stream), and hands each entry to the adapter of its namespace.
 * <p>
 * Threading: everything Redis delivers and every timer runs on one event-loop context of this factory; the adapters'
 * local operations may be called from any thread.
 */
public final class RedisAdapterFactory implements AdapterFactory, RedisConnector.Listener {

    /** How often the periodic work runs: the delay after which a request notices a server that left. */
    static final Duration TICK = Duration.ofMillis(500);
    /** The longest {@link #close()} waits for the connections to close: their grace, and a second more. */
    static final Duration CLOSE_WAIT = Duration.ofMillis(RedisConnector.CLOSE_GRACE_MS + 1000);

    private final Vertx vertx;
    private final Context context;
    private final AdapterKind kind;
    private final SocketIOConfig.RedisAdapter settings;
    private final Duration requestsTimeout;
    private final boolean recovery;
    private final SocketIOConfig config;
    private final RedisConnector connector;
    /** the streams adapters' reader, {@code null} for the other kinds */
    private final StreamReader reader;
    private final ClusterMessageCodec codec = new ClusterMessageCodec();
    private final List<RedisAdapter> adapters = new CopyOnWriteArrayList<>();
    private final long ticks;
    private final int ticksPerHeartbeat;
    private int tickCount;
    private volatile AdapterObserver observer = AdapterObserver.NONE;
    private volatile boolean closed;

    /**
     * @param redis the Quarkus Redis client the adapters use
     * @param clientName how the log names it
     * @param kind which of Node's Redis adapters to speak
     */
    public RedisAdapterFactory(Vertx vertx, Redis redis, String clientName, AdapterKind kind, SocketIOConfig config) {
        this(vertx, redis, clientName, kind, config, ((VertxInternal) vertx).createEventLoopContext());
    }

    /** @param context the event-loop context everything Redis delivers is applied on */
    public RedisAdapterFactory(Vertx vertx, Redis redis, String clientName, AdapterKind kind, SocketIOConfig config,
            Context context) {
        if (!kind.isRedis()) {
            throw new IllegalArgumentException("Not a Redis adapter: " + kind);
        }
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.kind = kind;
        this.config = config;
        this.settings = config.redis();
        this.requestsTimeout = config.cluster().requestsTimeout();
        this.recovery = config.connectionStateRecovery().enabled();
        this.context = Objects.requireNonNull(context, "context");
        this.connector = new RedisConnector(vertx, context, redis, this, "client " + clientName);
        this.ticksPerHeartbeat = (int) Math.max(1, settings.heartbeatInterval().toMillis() / TICK.toMillis());
        connector.start();
        if (kind == AdapterKind.REDIS_STREAMS) {
            reader = new StreamReader(vertx, this, settings.streamName(), settings.readCount(), settings.blockTime(),
                    this::onStreamEntry);
            reader.start();
        } else {
            reader = null;
        }
        this.ticks = vertx.setPeriodic(TICK.toMillis(), t -> context.runOnContext(v -> tick()));
    }

    @Override
    public Adapter create(LocalNamespace namespace) {
        if (closed) {
            throw new IllegalStateException("The Redis adapter factory is closed");
        }
        RedisAdapter adapter = switch (kind) {
            case REDIS -> new ClassicRedisAdapter(namespace, this);
            case REDIS_SHARDED -> new ShardedRedisAdapter(namespace, this);
            case REDIS_STREAMS -> new StreamsRedisAdapter(namespace, this);
            default -> throw new IllegalStateException(kind.name());
        };
        for (RedisAdapter previous : adapters) {
            if (previous.nsp.equals(adapter.nsp)) {
                previous.close();
            }
        }
        adapters.add(adapter);
        onContext(() -> {
            adapter.subscribe();
            adapter.sendHeartbeat(false);
        });
        return adapter;
    }

    /**
     * With the streams adapter and connection state recovery on, the sessions and the broadcasts a client missed are
     * kept in Redis; the other adapters leave them to the server's own store, as Node's do.
     */
    @Override
    public boolean keepsRecoveryElsewhere() {
        return recovery && kind == AdapterKind.REDIS_STREAMS;
    }

    @Override
    public void observe(AdapterObserver observer) {
        this.observer = observer;
    }

    /** Redis not reachable, a subscription not confirmed yet, or (streams adapter) the stream not read. */
    @Override
    public Optional<String> unavailability() {
        String why = !connector.isUp() ? Objects.requireNonNullElse(connector.lastFailure(), "connecting")
                : reader != null && !reader.isReading()
                        ? "the stream is not read: " + Objects.requireNonNullElse(reader.lastFailure(), "connecting")
                        : null;
        return why == null ? Optional.empty()
                : Optional.of("the " + kind.name().toLowerCase(Locale.ROOT).replace('_', '-') + " adapter cannot reach "
                        + "Redis (" + why + ")");
    }

    /** Which adapter this is. */
    public AdapterKind kind() {
        return kind;
    }

    /**
     * Closes the adapters (each says goodbye and unsubscribes) and the connections. Off an event loop (a server that
     * stops), it waits until the connections are closed, at most {@link #CLOSE_WAIT}: the Redis client is closed next
     * at shutdown, and would cut the adapters' last commands off (seen in ClassicRedisAdapterWireTest: three of the
     * eight UNSUBSCRIBEs of a closing server went out).
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        vertx.cancelTimer(ticks);
        for (RedisAdapter adapter : adapters) {
            adapter.close();
        }
        if (reader != null) {
            reader.close();
        }
        Promise<Void> connectionsClosed = Promise.promise();
        onContext(() -> connector.close().onComplete(connectionsClosed));
        if (!Context.isOnEventLoopThread()) {
            try {
                connectionsClosed.future().toCompletionStage().toCompletableFuture()
                        .get(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                // closed anyway: the Redis client's close ends what is left
            }
        }
    }

    // ------------------------------------------------------------------ RedisConnector.Listener (on the context)

    @Override
    public void onMessage(String channel, byte[] payload) {
        for (RedisAdapter adapter : adapters) {
            if (adapter.accepts(channel)) {
                adapter.onMessage(channel, payload);
                return;
            }
        }
    }

    @Override
    public void onAvailability(boolean up) {
        if (up) {
            for (RedisAdapter adapter : adapters) {
                adapter.onRedisBack();
            }
        }
    }

    /** An entry of the stream, in stream order: the streams adapter of its namespace applies it. */
    private void onStreamEntry(StreamReader.Entry entry) {
        String nsp = entry.fields().get("nsp");
        for (RedisAdapter adapter : adapters) {
            if (adapter instanceof StreamsRedisAdapter streams && adapter.nsp.equals(nsp)) {
                streams.onEntry(entry);
                return;
            }
        }
    }

    private void tick() {
        boolean heartbeat = ++tickCount % ticksPerHeartbeat == 0;
        for (RedisAdapter adapter : adapters) {
            adapter.tick(heartbeat);
        }
    }

    // ------------------------------------------------------------------ for the adapters

    Vertx vertx() {
        return vertx;
    }

    RedisConnector connector() {
        return connector;
    }

    /** The stream's reader (streams adapter only, else {@code null}). */
    StreamReader reader() {
        return reader;
    }

    ClusterMessageCodec codec() {
        return codec;
    }

    SocketIOConfig.RedisAdapter settings() {
        return settings;
    }

    SocketIOConfig config() {
        return config;
    }

    Duration requestsTimeout() {
        return requestsTimeout;
    }

    Duration heartbeatTimeout() {
        return settings.heartbeatTimeout();
    }

    boolean recovery() {
        return recovery;
    }

    AdapterObserver observer() {
        return observer;
    }

    /** The adapter of a namespace, or {@code null}; for tests. */
    RedisAdapter adapter(String nsp) {
        for (RedisAdapter adapter : adapters) {
            if (adapter.nsp.equals(nsp)) {
                return adapter;
            }
        }
        return null;
    }

    void removed(RedisAdapter adapter) {
        adapters.remove(adapter);
    }

    void onContext(Runnable action) {
        if (Vertx.currentContext() == context) {
            action.run();
        } else {
            context.runOnContext(v -> action.run());
        }
    }
}
