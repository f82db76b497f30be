package io.quarkiverse.socketio.runtime.adapter.redis;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.jboss.logging.Logger;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;

/**
 * One process's connections to Redis for its Redis adapters, through the Quarkus Redis client ({@link Redis}, the
 * client named by {@code quarkus.socketio.redis.client-name}):
 * <ul>
 * <li><b>publications</b> (PUBLISH, SPUBLISH, XADD) go on one connection of their own, so that Redis executes them in
 * the order they were made, as Node's single publishing client does (the pool would spread them over several
 * connections, and two broadcasts of one handler could overtake each other);</li>
 * <li><b>subscriptions</b> (SUBSCRIBE, PSUBSCRIBE, SSUBSCRIBE) live on another one, which carries nothing else: the
 * Vert.x client mixes the replies of other commands with the messages on such a connection. Each channel is subscribed
 * once per process, so Redis counts this process once in {@code PUBSUB NUMSUB}, which is how Node's adapters count
 * servers;</li>
 * <li>everything else (PUBSUB NUMSUB, XRANGE, SET, GET) goes through the client's pool.</li>
 * </ul>
 * Both connections are opened again when they are lost, with a delay that doubles from 100 ms to 5 s, and the
 * subscriptions are made again, with the commands that made them, in their order (a new connection's subscriptions
 * look on the wire as those of Node's adapters). Messages published while Redis is away are lost (pub/sub keeps nothing); the
 * {@link Listener} is told when the connector goes down and up, for the readiness check and for what an adapter keeps
 * meanwhile.
 * <p>
 * At most {@link #MAX_IN_FLIGHT} publications wait for Redis's answer on the connection; later ones wait in the
 * connector's own queue, in order, up to {@link #MAX_QUEUED}. The Vert.x connection refuses a command when more than
 * {@code quarkus.redis.max-waiting-handlers} (2048 by default) are unanswered, and a burst of broadcasts (a handler
 * emitting in a loop, a warm-up blast) would otherwise lose every publication past that many.
 * <p>
 * Threading: every method runs on, and every listener call comes from, the connector's {@link Context} (one event
 * loop); the methods may be called from any thread and hop onto it.
 */
final class RedisConnector {

    private static final Logger LOG = Logger.getLogger(RedisConnector.class);
    static final long MIN_RETRY_MS = 100;
    static final long MAX_RETRY_MS = 5000;
    /** How long {@link #close()} waits for the last commands to be written (or answered) before it closes anyway. */
    static final long CLOSE_GRACE_MS = 1000;
    /** Publications sent and not answered yet, at most: well below the Vert.x client's default 2048 waiting handlers. */
    static final int MAX_IN_FLIGHT = 512;
    /** Publications waiting for their turn, at most; beyond, a publication fails (and a warning says how many). */
    static final int MAX_QUEUED = 100_000;
    private static final long OVERFLOW_WARNING_INTERVAL_NS = 10_000_000_000L;

    /** What the connector tells its adapters. Called on the connector's context. */
    interface Listener {

        /**
         * A message of a subscription.
         *
         * @param channel the channel it was published to
         * @param payload its bytes, exactly as published
         */
        void onMessage(String channel, byte[] payload);

        /** The connections to Redis are all up and subscribed ({@code true}), or one was lost ({@code false}). */
        void onAvailability(boolean up);
    }

    private final Vertx vertx;
    private final Context context;
    private final Redis redis;
    private final Listener listener;
    private final String description;

    // ---- confined to the context ----
    private final Set<String> channels = new LinkedHashSet<>();
    private final Set<String> patterns = new LinkedHashSet<>();
    private final Set<String> shardChannels = new LinkedHashSet<>();
    /**
     * The same subscriptions as the commands that made them, in the order they were made: a new subscriber connection
     * sends these commands again, so that Redis sees what Node's adapters send (one PSUBSCRIBE then one SUBSCRIBE of
     * three channels per namespace, for the classic adapter), whenever the connection opens.
     */
    private final List<Subscription> subscriptions = new ArrayList<>();
    private RedisConnection subscriber;
    private RedisConnection publisher;
    /** subscription confirmations still expected on the current subscriber connection */
    private int pendingConfirmations;
    private boolean up;
    private boolean closed;
    private long retryDelay = MIN_RETRY_MS;
    private long retryTimer = -1;
    private String lastFailure;
    /** the last command written to the subscriber connection: {@link #close()} waits for it */
    private Future<?> lastSubscription = Future.succeededFuture();
    /** completed when no publication is waiting or unanswered any more, once {@link #close()} asked */
    private final Promise<Void> publicationsDrained = Promise.promise();
    /** completed once {@link #close()} closed both connections */
    private final Promise<Void> closedPromise = Promise.promise();
    /**
     * publications not sent yet, in order: made while the publisher connection was being opened, or while
     * {@link #MAX_IN_FLIGHT} others were unanswered
     */
    private final Deque<Pending> waiting = new ArrayDeque<>();
    /** publications sent on the current publisher connection and not answered yet */
    private int inFlight;
    /** publications refused since the last warning about it */
    private long refused;
    private long lastRefusalWarning = System.nanoTime() - OVERFLOW_WARNING_INTERVAL_NS;

    private record Pending(Request request, Promise<Response> promise) {
    }

    /** A subscribing command and the names of it still subscribed. */
    private record Subscription(Command command, Set<String> names) {
    }

    /**
     * @param context the event-loop context everything runs on
     * @param description how the log names the Redis this reaches (the client's name)
     */
    RedisConnector(Vertx vertx, Context context, Redis redis, Listener listener, String description) {
        this.vertx = vertx;
        this.context = context;
        this.redis = redis;
        this.listener = listener;
        this.description = description;
    }

    /** Opens the connections. */
    void start() {
        onContext(this::connect);
    }

    /** Whether both connections are open and every subscription confirmed. Any thread. */
    boolean isUp() {
        return up;
    }

    /** Why the connector is down, or {@code null}. */
    String lastFailure() {
        return lastFailure;
    }

    // ------------------------------------------------------------------ subscriptions

    /** Subscribes to channels (SUBSCRIBE), now and after every reconnection. */
    void subscribe(String... names) {
        onContext(() -> change(channels, names, true, Command.SUBSCRIBE, Command.UNSUBSCRIBE));
    }

    /** Ends subscriptions to channels, with one UNSUBSCRIBE of those of these names that were subscribed. */
    void unsubscribe(String... names) {
        onContext(() -> change(channels, names, false, Command.SUBSCRIBE, Command.UNSUBSCRIBE));
    }

    /** Subscribes to patterns (PSUBSCRIBE). */
    void psubscribe(String... names) {
        onContext(() -> change(patterns, names, true, Command.PSUBSCRIBE, Command.PUNSUBSCRIBE));
    }

    void punsubscribe(String... names) {
        onContext(() -> change(patterns, names, false, Command.PSUBSCRIBE, Command.PUNSUBSCRIBE));
    }

    /** Subscribes to shard channels (SSUBSCRIBE, Redis 7), one command per channel as Node does. */
    void ssubscribe(String... names) {
        onContext(() -> {
            for (String name : names) {
                change(shardChannels, new String[] { name }, true, Command.SSUBSCRIBE, Command.SUNSUBSCRIBE);
            }
        });
    }

    void sunsubscribe(String... names) {
        onContext(() -> {
            for (String name : names) {
                change(shardChannels, new String[] { name }, false, Command.SSUBSCRIBE, Command.SUNSUBSCRIBE);
            }
        });
    }

    /**
     * Subscribes ({@code add}) or unsubscribes the names not in that state yet, with one command.
     *
     * @param set the names subscribed with {@code subscribe}, ended with {@code unsubscribe}
     */
    private void change(Set<String> set, String[] names, boolean add, Command subscribe, Command unsubscribe) {
        Set<String> changed = new LinkedHashSet<>();
        for (String name : names) {
            if (add ? set.add(name) : set.remove(name)) {
                changed.add(name);
            }
        }
        if (changed.isEmpty()) {
            return;
        }
        if (add) {
            subscriptions.add(new Subscription(subscribe, changed));
        } else {
            subscriptions.removeIf(s -> s.command == subscribe && s.names.removeAll(changed) && s.names.isEmpty());
        }
        if (subscriber == null) {
            return; // sent with the others when the subscriber connects
        }
        if (add) {
            pendingConfirmations += changed.size();
            available(false);
        }
        lastSubscription = subscriber.send(withArgs(add ? subscribe : unsubscribe, changed)).onFailure(this::lost);
    }

    // ------------------------------------------------------------------ commands

    /**
     * Sends a publication (PUBLISH, SPUBLISH, XADD) on the publishing connection, after those sent before it. Fails at
     * once when Redis is away, or when {@link #MAX_QUEUED} publications are waiting already.
     */
    Future<Response> publish(Request request) {
        Promise<Response> promise = Promise.promise();
        onContext(() -> {
            if (closed) {
                promise.fail("The Socket.IO Redis adapter is closed");
            } else if (publisher == null && retryTimer != -1) {
                promise.fail("Redis (" + description + ") is not reachable"
                        + (lastFailure == null ? "" : ": " + lastFailure));
            } else if (waiting.size() >= MAX_QUEUED) {
                refuse(promise);
            } else {
                waiting.add(new Pending(request, promise));
                sendWaiting();
            }
        });
        return promise.future();
    }

    /** Sends waiting publications while the connection is open and fewer than {@link #MAX_IN_FLIGHT} are unanswered. */
    private void sendWaiting() {
        while (publisher != null && inFlight < MAX_IN_FLIGHT && !waiting.isEmpty()) {
            Pending pending = waiting.poll();
            RedisConnection connection = publisher;
            inFlight++;
            connection.send(pending.request).onComplete(result -> {
                pending.promise.handle(result);
                onContext(() -> {
                    if (connection == publisher) { // not a late answer of a connection lost since
                        inFlight--;
                        sendWaiting();
                        if (closed && inFlight == 0 && waiting.isEmpty()) {
                            publicationsDrained.tryComplete();
                        }
                    }
                });
            });
        }
    }

    private void refuse(Promise<Response> promise) {
        refused++;
        long now = System.nanoTime();
        if (now - lastRefusalWarning >= OVERFLOW_WARNING_INTERVAL_NS) {
            LOG.warnf("Socket.IO Redis adapter: %d publications to Redis (%s) were dropped: %d were waiting to be "
                    + "sent already; Redis or the network does not keep up with this server's broadcasts", refused,
                    description, MAX_QUEUED);
            refused = 0;
            lastRefusalWarning = now;
        }
        promise.fail("Too many publications are waiting for Redis (" + description + ")");
    }

    /** Sends a command through the client's pool. */
    Future<Response> send(Request request) {
        return redis.send(request);
    }

    /**
     * Sends commands on one connection of the client's pool, one after the other (a MULTI ... EXEC transaction must
     * not be spread over several connections).
     */
    Future<List<Response>> batch(List<Request> requests) {
        return redis.batch(requests);
    }

    /** A connection of its own, for a blocking read (XREAD BLOCK); the caller closes it. */
    Future<RedisConnection> connectDedicated() {
        return redis.connect();
    }

    /** The number of connections subscribed to a channel ({@code PUBSUB NUMSUB}, or {@code SHARDNUMSUB}). */
    Future<Integer> subscribers(String channel, boolean sharded) {
        Request request = Request.cmd(Command.PUBSUB).arg(sharded ? "SHARDNUMSUB" : "NUMSUB").arg(channel);
        return send(request).map(response -> {
            // [channel, count]: an array in RESP2 and RESP3 alike
            Response count = response.size() >= 2 ? response.get(1) : null;
            return count == null ? 0 : count.toInteger();
        });
    }

    // ------------------------------------------------------------------ connecting

    private void connect() {
        if (closed) {
            return;
        }
        retryTimer = -1;
        Future<RedisConnection> subscribing = subscriber != null ? Future.succeededFuture(subscriber)
                : redis.connect().onSuccess(this::subscriberOpened);
        Future<RedisConnection> publishing = publisher != null ? Future.succeededFuture(publisher)
                : redis.connect().onSuccess(this::publisherOpened);
        Future.all(subscribing, publishing).onFailure(this::lost);
    }

    private void subscriberOpened(RedisConnection connection) {
        if (closed) {
            connection.close();
            return;
        }
        subscriber = connection;
        connection.handler(this::onPush);
        connection.endHandler(v -> lost(connection, "the subscriber connection closed"));
        connection.exceptionHandler(failure -> lost(connection, failure.toString()));
        pendingConfirmations = channels.size() + patterns.size() + shardChannels.size();
        for (Subscription subscription : subscriptions) {
            lastSubscription = connection.send(withArgs(subscription.command, subscription.names))
                    .onFailure(this::lost);
        }
        checkUp();
    }

    private void publisherOpened(RedisConnection connection) {
        if (closed) {
            connection.close();
            return;
        }
        publisher = connection;
        connection.endHandler(v -> lost(connection, "the publishing connection closed"));
        connection.exceptionHandler(failure -> lost(connection, failure.toString()));
        inFlight = 0;
        sendWaiting();
        checkUp();
    }

    private static Request withArgs(Command command, Set<String> args) {
        Request request = Request.cmd(command);
        args.forEach(request::arg);
        return request;
    }

    /**
     * A push of the subscriber connection: {@code [message, channel, payload]}, {@code [pmessage, pattern, channel,
     * payload]}, {@code [smessage, channel, payload]}, or a confirmation ({@code [subscribe, channel, count]} ...).
     * RESP3 gives them as PUSH, RESP2 as arrays: the first element tells.
     */
    private void onPush(Response push) {
        if (push == null || (push.type() != ResponseType.PUSH && push.type() != ResponseType.MULTI)
                || push.size() < 3) {
            return;
        }
        String kind = push.get(0).toString();
        switch (kind) {
            case "message", "smessage" -> deliver(push.get(1).toString(), push.get(2));
            case "pmessage" -> {
                if (push.size() >= 4) {
                    deliver(push.get(2).toString(), push.get(3));
                }
            }
            case "subscribe", "psubscribe", "ssubscribe" -> {
                if (pendingConfirmations > 0) {
                    pendingConfirmations--;
                }
                checkUp();
            }
            default -> {
                // unsubscribe confirmations
            }
        }
    }

    /**
     * Hands a message to the listener, and keeps what it throws: thrown back into the Vert.x client (it calls this
     * handler from its reply parser), an exception leaves the parser in the middle of the message, and every later
     * reply of the connection is read out of step (seen with a malformed message that a decoder did not expect).
     */
    private void deliver(String channel, Response payload) {
        try {
            listener.onMessage(channel, payload == null ? new byte[0] : payload.toBytes());
        } catch (RuntimeException e) {
            LOG.warnf(e, "Socket.IO Redis adapter: dropped a message of channel %s that could not be applied", channel);
        }
    }

    private void checkUp() {
        available(subscriber != null && publisher != null && pendingConfirmations == 0);
    }

    private void available(boolean nowUp) {
        if (nowUp == up) {
            return;
        }
        up = nowUp;
        if (nowUp) {
            retryDelay = MIN_RETRY_MS;
            if (lastFailure != null) {
                LOG.infof("Socket.IO Redis adapter: connected to Redis (%s) again, subscriptions restored", description);
            }
            lastFailure = null;
        }
        listener.onAvailability(nowUp);
    }

    private void lost(Throwable failure) {
        lost(null, failure.toString());
    }

    /** A connection was lost (or could not be opened): both are closed, and opened again after the delay. */
    private void lost(RedisConnection which, String why) {
        if (closed || (which != null && which != subscriber && which != publisher)) {
            return;
        }
        if (lastFailure == null) {
            LOG.warnf("Socket.IO Redis adapter: lost Redis (%s): %s; local clients are served, messages to other "
                    + "servers are not, until it is back", description, why);
        }
        lastFailure = why;
        RedisConnection oldSubscriber = subscriber;
        RedisConnection oldPublisher = publisher;
        subscriber = null;
        publisher = null;
        inFlight = 0;
        if (oldSubscriber != null) {
            oldSubscriber.close();
        }
        if (oldPublisher != null) {
            oldPublisher.close();
        }
        failWaiting("Redis (" + description + ") is not reachable: " + why);
        available(false);
        if (retryTimer == -1) {
            long delay = retryDelay;
            retryDelay = Math.min(MAX_RETRY_MS, retryDelay * 2);
            retryTimer = vertx.setTimer(delay, t -> context.runOnContext(v -> connect()));
        }
    }

    /**
     * Closes both connections; nothing is opened again. Each closes once the last command sent on it went out (the
     * publications: once Redis answered the last of them), within {@link #CLOSE_GRACE_MS}: the Vert.x client writes a command
     * on the
     * connection's own context, which may be another event loop, while closing is immediate, so an adapter's last
     * words (its farewell, its SUNSUBSCRIBEs) could otherwise be cut off.
     *
     * @return completed when both connections are closed
     */
    Future<Void> close() {
        onContext(() -> {
            if (closed) {
                return;
            }
            closed = true;
            if (retryTimer != -1) {
                vertx.cancelTimer(retryTimer);
            }
            List<Future<Void>> closing = new ArrayList<>();
            if (subscriber != null) {
                closing.add(closeAfter(lastSubscription, subscriber));
            }
            if (publisher != null) {
                // the publications still waiting go on being sent: the adapter's farewell may be among them
                if (inFlight == 0 && waiting.isEmpty()) {
                    publicationsDrained.tryComplete();
                }
                closing.add(closeAfter(publicationsDrained.future(), publisher));
            } else {
                failWaiting("The Socket.IO Redis adapter is closed");
            }
            Future.join(closing).onComplete(all -> {
                failWaiting("The Socket.IO Redis adapter closed before this publication was sent");
                closedPromise.tryComplete();
            });
            subscriber = null;
            up = false;
        });
        return closedPromise.future();
    }

    private void failWaiting(String why) {
        while (!waiting.isEmpty()) {
            waiting.poll().promise.fail(why);
        }
    }

    private Future<Void> closeAfter(Future<?> last, RedisConnection connection) {
        Promise<Void> connectionClosed = Promise.promise();
        boolean[] done = new boolean[1];
        Runnable close = () -> {
            if (!done[0]) {
                done[0] = true;
                connection.close().onComplete(result -> connectionClosed.tryComplete());
            }
        };
        long timer = vertx.setTimer(CLOSE_GRACE_MS, t -> context.runOnContext(v -> close.run()));
        last.onComplete(result -> context.runOnContext(v -> {
            vertx.cancelTimer(timer);
            close.run();
        }));
        return connectionClosed.future();
    }

    private void onContext(Runnable action) {
        if (Vertx.currentContext() == context) {
            action.run();
        } else {
            context.runOnContext(v -> action.run());
        }
    }
}
