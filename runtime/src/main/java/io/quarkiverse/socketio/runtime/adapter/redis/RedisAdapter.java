package io.quarkiverse.socketio.runtime.adapter.redis;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

import io.quarkiverse.socketio.AckTimeoutException;
import io.quarkiverse.socketio.ClusterTimeoutException;
import io.quarkiverse.socketio.RemoteSocket;
import io.quarkiverse.socketio.runtime.adapter.BroadcastOptions;
import io.quarkiverse.socketio.runtime.adapter.InMemoryAdapter;
import io.quarkiverse.socketio.runtime.adapter.LocalNamespace;
import io.quarkiverse.socketio.runtime.adapter.LocalNamespace.LocalSocket;
import io.quarkiverse.socketio.runtime.parser.SocketIOPacket;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * What the three Redis adapters share: the in-memory adapter for the local sockets, this adapter's uid, the requests
 * to the other servers and what they wait for, and the Java servers of the namespace that tell each other they are
 * alive.
 * <p>
 * <b>Counting servers.</b> Node's adapters count the servers of a namespace with Redis's count of the connections
 * subscribed to one of its channels ({@code PUBSUB NUMSUB}, or {@code SHARDNUMSUB}), and a request waits for as many
 * answers, less itself ({@link RemoteRequest}). So do these, and while a request waits they ask Redis again every
 * {@link RedisAdapterFactory#TICK}: a server that died has lost its connection, and is no longer waited for.
 * <p>
 * <b>Java servers</b> also tell each other they are alive every {@code heartbeat-interval}, with messages Node's
 * adapters ignore (a type they do not know): a Java server silent for {@code heartbeat-timeout} (stopped, or cut off
 * from Redis without Redis knowing yet) is no longer waited for; one that closes says so; one that cannot answer a
 * request (no handler for a server-side event, a request type it does not know) says so at once to a Java requester.
 * <p>
 * Threading: messages from Redis, timers and the bookkeeping of requests and peers run on the factory's context
 * ({@link #onContext}); the local operations may be called from any thread, and hop onto it when they need the
 * bookkeeping. A Uni result completes on the Vert.x context that subscribed, when there was one.
 */
abstract class RedisAdapter extends InMemoryAdapter {

    private static final Logger LOG = Logger.getLogger(RedisAdapter.class);

    protected final RedisAdapterFactory factory;
    protected final String uid;
    protected final String nsp;

    // ---- confined to the factory's context ----
    /** Java servers of this namespace: uid -> when last heard from (nanoTime) */
    private final Map<String, Long> peers = new HashMap<>();
    private final Map<String, RemoteRequest<?>> requests = new HashMap<>();
    private final Map<String, Consumer<JsonNode>> ackListeners = new HashMap<>();
    protected volatile boolean closed;

    RedisAdapter(LocalNamespace namespace, RedisAdapterFactory factory) {
        super(namespace);
        this.factory = factory;
        this.uid = randomId();
        this.nsp = namespace.name();
    }

    // ------------------------------------------------------------------ what each adapter says

    /** Subscribes to this namespace's channels; called once, on the context, when the adapter is made. */
    abstract void subscribe();

    /** Ends the subscriptions; called once, on the context, when the adapter closes. */
    abstract void unsubscribe();

    /** Whether a message of this channel is this adapter's. */
    abstract boolean accepts(String channel);

    /** A message of one of this adapter's channels; on the context. */
    abstract void onMessage(String channel, byte[] payload);

    /** The channel whose subscribers Redis counts as the servers of the namespace, and whether it is a shard one. */
    abstract String countChannel();

    abstract boolean shardedCount();

    /** Tells the other Java servers this one is alive ({@code closing}: that it leaves). */
    abstract void sendHeartbeat(boolean closing);

    /** Tells a Java requester that this server will not answer its request. */
    abstract void sendUnanswered(String requester, String requestId);

    /** Redis is back after an outage: what the adapter kept meanwhile may go now. */
    void onRedisBack() {
    }

    // ------------------------------------------------------------------ peers

    /**
     * A message of another server: a Java one is known from its heartbeats. A Java server heard of for the first time
     * gets this one's heartbeat at once, so that a server that just started knows the others without waiting for
     * their next heartbeat (it sends its first one when it starts, before it hears anything). On the context.
     */
    final void heard(String from, boolean heartbeat) {
        if (from.equals(uid)) {
            return; // this server's own message, back from Redis
        }
        boolean known = peers.containsKey(from);
        if (heartbeat || known) {
            peers.put(from, System.nanoTime());
        }
        if (heartbeat && !known && !closed) {
            sendHeartbeat(false);
        }
    }

    /** A Java server said it leaves: not waited for any more. On the context. */
    final void left(String from) {
        if (peers.remove(from) != null) {
            requests.values().forEach(r -> r.silent(from));
        }
    }

    /** Whether {@code uid} is a Java server (it sends heartbeats): it understands {@link #sendUnanswered}. */
    final boolean isJavaPeer(String from) {
        return peers.containsKey(from);
    }

    /** An answer a Java server will not give: the requester stops waiting for it. On the context. */
    final void unanswered(String requestId, String from) {
        RemoteRequest<?> request = requests.get(requestId);
        if (request != null) {
            request.unanswered(from);
        }
    }

    /**
     * The periodic work: this server's heartbeat, forgetting the silent Java servers, and, while requests wait,
     * Redis's count of subscribers again. On the context.
     */
    final void tick(boolean heartbeatDue) {
        if (closed) {
            return;
        }
        if (heartbeatDue) {
            sendHeartbeat(false);
        }
        long now = System.nanoTime();
        long timeout = factory.heartbeatTimeout().toNanos();
        peers.entrySet().removeIf(peer -> {
            if (now - peer.getValue() <= timeout) {
                return false;
            }
            LOG.debugf("Java server %s of namespace %s is silent; not waited for any more", peer.getKey(), nsp);
            requests.values().forEach(r -> r.silent(peer.getKey()));
            return true;
        });
        if (!requests.isEmpty()) {
            subscriberCount().onSuccess(count -> requests.values().forEach(r -> r.subscribers(count)));
        }
    }

    /** Redis's count of this namespace's servers, this one included. */
    final Future<Integer> subscriberCount() {
        return factory.connector().subscribers(countChannel(), shardedCount());
    }

    // ------------------------------------------------------------------ requests

    /**
     * Starts a request on the context: counts the other servers, registers it, then lets {@code publish} send it
     * (after the count, as Node does, so that every answer finds it registered). A request with nobody to ask
     * completes at once.
     *
     * @param make the request, given how many other servers Redis counts
     * @param onTimeout what the request does when the timeout comes first (with it, still registered)
     */
    final <T> void startRequest(java.util.function.IntFunction<RemoteRequest<T>> make, Duration timeout,
            Runnable publish, Consumer<RemoteRequest<T>> onTimeout) {
        onContext(() -> subscriberCount().onComplete(count -> {
            int others = count.succeeded() ? count.result() - 1 : 0;
            if (count.failed()) {
                LOG.debugf("Cannot count the servers of namespace %s: %s", nsp, count.cause().toString());
            }
            RemoteRequest<T> request = make.apply(others);
            if (request.isDone()) {
                return;
            }
            requests.put(request.id, request);
            request.timer = factory.vertx().setTimer(Math.max(1, timeout.toMillis()), t -> onContext(() -> {
                if (requests.remove(request.id) != null && request.end()) {
                    onTimeout.accept(request);
                }
            }));
            publish.run();
        }));
    }

    /** An answer to a request of this server. On the context. */
    @SuppressWarnings("unchecked")
    final <T> void answer(String requestId, String from, List<T> items) {
        RemoteRequest<T> request = (RemoteRequest<T>) requests.get(requestId);
        if (request == null) {
            return;
        }
        request.answer(from, items);
        if (request.isDone()) {
            requests.remove(requestId);
            factory.vertx().cancelTimer(request.timer);
        }
    }

    /** Whether a request of this id is this server's and waits. On the context. */
    final boolean isOwnRequest(String requestId) {
        return requests.containsKey(requestId) || ackListeners.containsKey(requestId);
    }

    /**
     * fetchSockets: the local sockets, then those of every other server, as {@code publish(requestId)} asks them.
     * Fails with {@link ClusterTimeoutException} when a server did not answer within the timeout (the operator's, or
     * {@code requests-timeout}), as Node's rejects.
     */
    final Uni<List<RemoteSocket>> fetchSockets(BroadcastOptions options, Consumer<String> publish) {
        return Uni.createFrom().emitter(emitter -> {
            List<RemoteSocket> local = new java.util.ArrayList<>();
            for (LocalSocket socket : localTargets(options)) {
                local.add(socket.snapshot());
            }
            if (options.flags().local()) {
                emitter.complete(local);
                return;
            }
            Context caller = Vertx.currentContext();
            Duration timeout = options.flags().timeout() != null ? options.flags().timeout()
                    : factory.requestsTimeout();
            String requestId = randomId();
            startRequest(others -> new RemoteRequest<RemoteSocket>(requestId, others, local,
                    all -> completeOn(caller, emitter, all)), timeout, () -> publish.accept(requestId),
                    request -> failOn(caller, emitter, new ClusterTimeoutException("fetchSockets: "
                            + request.missing() + " server(s) did not answer within " + timeout, request.missing())));
        });
    }

    /**
     * serverSideEmitWithAck: the first argument of each other server's acknowledgement. Fails with
     * {@link AckTimeoutException} carrying the answers received when one did not come within {@code requests-timeout}.
     */
    final Uni<List<JsonNode>> serverSideEmitWithAck(String event, Consumer<String> publish) {
        return Uni.createFrom().emitter(emitter -> {
            Context caller = Vertx.currentContext();
            Duration timeout = factory.requestsTimeout();
            String requestId = randomId();
            startRequest(others -> new RemoteRequest<JsonNode>(requestId, others, List.of(),
                    all -> completeOn(caller, emitter, all)), timeout, () -> publish.accept(requestId),
                    request -> failOn(caller, emitter, new AckTimeoutException("serverSideEmit " + event + ": "
                            + request.missing() + " server(s) did not acknowledge within " + timeout,
                            request.partial())));
        });
    }

    /**
     * A broadcast with acknowledgements: delivered here, published by {@code publish(requestId)}; {@code clientCount}
     * gets the total of this server's clients and every other server's count, once each counted (or is known gone);
     * each acknowledgement goes to {@code ack} as it arrives, until the broadcast's timeout.
     */
    final void broadcastWithAck(SocketIOPacket packet, BroadcastOptions options, IntConsumer clientCount,
            Consumer<JsonNode> ack, Consumer<String> publish) {
        if (options.flags().local()) {
            super.broadcastWithAck(packet, options, clientCount, ack);
            return;
        }
        String requestId = randomId();
        Duration timeout = options.flags().timeout() != null ? options.flags().timeout() : factory.requestsTimeout();
        int[] local = new int[1];
        super.broadcastWithAck(packet, options, count -> local[0] = count, ack);
        onContext(() -> ackListeners.put(requestId, ack));
        startRequest(others -> new RemoteRequest<Integer>(requestId, others, List.of(local[0]),
                counts -> clientCount.accept(counts.stream().mapToInt(Integer::intValue).sum())), timeout,
                () -> publish.accept(requestId), request -> {
                    // the caller fails its own emitWithAck at the timeout; this only forgets the request
                });
        factory.vertx().setTimer(Math.max(1, timeout.toMillis()), t -> onContext(() -> ackListeners.remove(requestId)));
    }

    /** A client's acknowledgement of a broadcast of this server, from another server. On the context. */
    final void broadcastAck(String requestId, JsonNode argument) {
        Consumer<JsonNode> ack = ackListeners.get(requestId);
        if (ack != null) {
            ack.accept(argument);
        }
    }

    /**
     * Delivers a broadcast with acknowledgements another server asked for: its local count goes back with
     * {@code count}, then each acknowledgement's first argument with {@code ack}. The packet gets an ack id of this
     * server's, so it cannot collide with its own.
     */
    final void onBroadcastWithAck(SocketIOPacket sent, BroadcastOptions options, IntConsumer count,
            Consumer<JsonNode> ack) {
        SocketIOPacket packet = new SocketIOPacket(sent.type(), nsp, namespace.nextAckId(), sent.data());
        super.broadcastWithAck(packet, options, count, ack);
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    public Uni<Integer> serverCount() {
        return Uni.createFrom().completionStage(() -> subscriberCount().toCompletionStage());
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        onContext(() -> {
            sendHeartbeat(true);
            unsubscribe();
            factory.removed(this);
        });
        super.close();
    }

    final void onContext(Runnable action) {
        factory.onContext(action);
    }

    /** 16 hex digits, as the sharded and streams adapters of Node make their ids. */
    static String randomId() {
        return String.format("%016x", ThreadLocalRandom.current().nextLong());
    }

    /** Node's acknowledgement callback answers once: the first call only. */
    static final class FirstAnswer implements Consumer<ArrayNode> {
        private final Consumer<ArrayNode> answer;
        private boolean answered;

        FirstAnswer(Consumer<ArrayNode> answer) {
            this.answer = answer;
        }

        @Override
        public synchronized void accept(ArrayNode args) {
            if (!answered) {
                answered = true;
                answer.accept(args);
            }
        }
    }

}
