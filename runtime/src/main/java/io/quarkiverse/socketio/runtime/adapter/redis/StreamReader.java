package io.quarkiverse.socketio.runtime.adapter.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * The one reader of the streams adapters' stream for a server (a {@link RedisAdapterFactory}): a loop of
 * {@code XREAD COUNT <read-count> BLOCK <block-time> STREAMS <stream> <last id>} on a connection of its own
 * ({@link RedisConnector#connectDedicated()}: a blocking read would hold a connection of the pool for up to
 * {@code block-time}), sent again at once after each reply, whether it brought entries or timed out. Every entry is
 * handed to the factory in stream order, with its id; the adapters of its namespace apply it.
 * <p>
 * <b>Where it starts.</b> Node's reader sends {@code $} ("only what is added from now on") until it got a first entry,
 * and sends {@code $} again after each read that timed out, so an entry added between such a reply and the next read
 * is never read. This one asks where the stream ends when it starts ({@code XREVRANGE <stream> + - COUNT 1}; an empty
 * or missing stream ends at {@code 0-0}) and reads from there: the same "from now on", without the gap, and its
 * {@link #position()} is always a real id. A server therefore never replays the history of the stream.
 * <p>
 * <b>Its position</b> is the id of the last entry handed to the factory: every entry up to it has been applied on this
 * server, none after it. A session restore reads the stream up to this position (see
 * {@link StreamsRedisAdapter#restoreSession}), and may wait for it ({@link #whenAtLeast}).
 * <p>
 * <b>Outages.</b> Any failure (the connection closed, Redis gone, an error reply) closes the connection; it is opened
 * again after a delay that doubles from 100 ms to 5 s, and the reading goes on from the position: what was added
 * meanwhile is read then, if Redis still has it.
 * <p>
 * Threading: everything runs on the factory's context; {@link #position()} and {@link #isReading()} may be read from
 * any thread.
 */
final class StreamReader {

    private static final Logger LOG = Logger.getLogger(StreamReader.class);

    /** An entry of the stream: its id and its fields (the streams adapters write {@code uid nsp type data}). */
    record Entry(StreamId id, Map<String, String> fields) {
    }

    private final Vertx vertx;
    private final RedisAdapterFactory factory;
    private final String stream;
    private final int readCount;
    private final long blockMillis;
    private final Consumer<Entry> sink;

    // ---- confined to the context ----
    private RedisConnection connection;
    private volatile StreamId position;
    private volatile boolean reading;
    private boolean closed;
    private long retryDelay = RedisConnector.MIN_RETRY_MS;
    private long retryTimer = -1;
    private String lastFailure;
    private final List<Waiter> waiters = new ArrayList<>();

    private record Waiter(StreamId target, Runnable action) {
    }

    /**
     * @param sink what gets each entry, on the factory's context, in stream order
     */
    StreamReader(Vertx vertx, RedisAdapterFactory factory, String stream, int readCount, Duration blockTime,
            Consumer<Entry> sink) {
        this.vertx = vertx;
        this.factory = factory;
        this.stream = stream;
        this.readCount = Math.max(1, readCount);
        this.blockMillis = Math.max(1, blockTime.toMillis());
        this.sink = sink;
    }

    void start() {
        factory.onContext(this::open);
    }

    /** The id of the last entry handed on, or {@code null} before the reader knows where the stream ended. */
    StreamId position() {
        return position;
    }

    /** Whether the reader is connected and reading. */
    boolean isReading() {
        return reading;
    }

    /** Why the reader is not reading, or {@code null}. */
    String lastFailure() {
        return lastFailure;
    }

    /**
     * Runs {@code action} on the context once the position is at least {@code target}: at once when it is, else
     * right after the read that moves it there. Nothing runs when the reader closes first.
     */
    void whenAtLeast(StreamId target, Runnable action) {
        factory.onContext(() -> {
            if (position != null && position.compareTo(target) >= 0) {
                action.run();
            } else if (!closed) {
                waiters.add(new Waiter(target, action));
            }
        });
    }

    void close() {
        factory.onContext(() -> {
            closed = true;
            reading = false;
            waiters.clear();
            if (retryTimer != -1) {
                vertx.cancelTimer(retryTimer);
                retryTimer = -1;
            }
            if (connection != null) {
                connection.close();
                connection = null;
            }
        });
    }

    // ------------------------------------------------------------------ the loop (on the context)

    private void open() {
        retryTimer = -1;
        if (closed) {
            return;
        }
        factory.connector().connectDedicated().onComplete(opened -> factory.onContext(() -> {
            if (opened.failed()) {
                lost(null, opened.cause().toString());
                return;
            }
            RedisConnection opening = opened.result();
            if (closed) {
                opening.close();
                return;
            }
            connection = opening;
            opening.endHandler(v -> factory.onContext(() -> lost(opening, "the reader's connection closed")));
            opening.exceptionHandler(failure -> factory.onContext(() -> lost(opening, failure.toString())));
            if (position != null) {
                read(opening);
                return;
            }
            opening.send(Request.cmd(Command.XREVRANGE).arg(stream).arg("+").arg("-").arg("COUNT").arg(1))
                    .onComplete(last -> factory.onContext(() -> {
                        if (last.failed()) {
                            lost(opening, last.cause().toString());
                            return;
                        }
                        List<Entry> entries = entries(last.result());
                        position = entries.isEmpty() ? StreamId.ZERO : entries.get(0).id();
                        LOG.debugf("Socket.IO Redis streams adapter: reading stream %s after %s", stream, position);
                        read(opening);
                    }));
        }));
    }

    private void read(RedisConnection on) {
        if (closed || on != connection) {
            return;
        }
        reading = true;
        on.send(Request.cmd(Command.XREAD).arg("COUNT").arg(readCount).arg("BLOCK").arg(blockMillis)
                .arg("STREAMS").arg(stream).arg(position.toString())).onComplete(reply -> factory.onContext(() -> {
                    if (on != connection) {
                        return;
                    }
                    if (reply.failed()) {
                        lost(on, reply.cause().toString());
                        return;
                    }
                    retryDelay = RedisConnector.MIN_RETRY_MS;
                    lastFailure = null;
                    for (Entry entry : entries(streamOf(reply.result()))) {
                        if (entry.id().isAfter(position)) {
                            position = entry.id();
                            if (entry.fields().containsKey("nsp")) {
                                sink.accept(entry);
                            }
                        }
                    }
                    runWaiters();
                    read(on);
                }));
    }

    private void runWaiters() {
        if (waiters.isEmpty()) {
            return;
        }
        List<Waiter> due = new ArrayList<>();
        waiters.removeIf(waiter -> {
            if (position.compareTo(waiter.target) >= 0) {
                due.add(waiter);
                return true;
            }
            return false;
        });
        due.forEach(waiter -> waiter.action.run());
    }

    /** The connection failed (or could not be opened): closed, and opened again after the delay. */
    private void lost(RedisConnection which, String why) {
        if (closed || (which != null && which != connection)) {
            return;
        }
        if (lastFailure == null) {
            LOG.debugf("Socket.IO Redis streams adapter: the reader of stream %s stopped (%s); it reads again from %s "
                    + "when Redis answers", stream, why, position);
        }
        lastFailure = why;
        reading = false;
        if (connection != null) {
            connection.close();
            connection = null;
        }
        if (retryTimer == -1) {
            long delay = retryDelay;
            retryDelay = Math.min(RedisConnector.MAX_RETRY_MS, retryDelay * 2);
            retryTimer = vertx.setTimer(delay, t -> factory.onContext(this::open));
        }
    }

    // ------------------------------------------------------------------ replies

    /**
     * The entries of this reader's stream in an XREAD reply: RESP3 gives a map keyed by stream name, RESP2 an array
     * of {@code [stream, entries]}; {@code null} when the read timed out.
     */
    private Response streamOf(Response reply) {
        if (reply == null) {
            return null;
        }
        if (reply.isMap()) {
            return reply.get(stream);
        }
        for (Response one : reply) {
            if (one != null && one.size() >= 2 && stream.equals(one.get(0).toString())) {
                return one.get(1);
            }
        }
        return null;
    }

    /** The entries of an array of {@code [id, [field, value, ...]]}, as XREAD, XRANGE and XREVRANGE give them. */
    static List<Entry> entries(Response array) {
        if (array == null || array.size() == 0) {
            return List.of();
        }
        List<Entry> entries = new ArrayList<>(array.size());
        for (Response item : array) {
            if (item == null || item.size() < 2 || item.get(0) == null) {
                continue;
            }
            StreamId id = StreamId.parse(item.get(0).toString());
            if (id != null) {
                entries.add(new Entry(id, fields(item.get(1))));
            }
        }
        return entries;
    }

    private static Map<String, String> fields(Response fields) {
        if (fields == null) {
            return Map.of();
        }
        Map<String, String> map = new LinkedHashMap<>();
        if (fields.isMap()) {
            for (String key : fields.getKeys()) {
                Response value = fields.get(key);
                map.put(key, value == null ? null : value.toString());
            }
        } else {
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                Response value = fields.get(i + 1);
                map.put(fields.get(i).toString(), value == null ? null : value.toString());
            }
        }
        return Collections.unmodifiableMap(map);
    }
}
