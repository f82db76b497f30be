package io.quarkiverse.socketio.bench.loadgen;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Connects C clients with WebSocket only ({@code transport=websocket}, {@code 0{..}} then {@code 40}), at most
 * {@code --concurrency} in flight, and hands every later packet to the mode's listener.
 */
class Connector implements SioClient.Listener {

    private final Net net;
    private final SioClient.Listener mode;
    private final Runnable[] done;
    private final long[] startNanos;
    final SioClient[] clients;
    final long[] latencyNanos;
    private int latencies;
    private int failures;
    private long lastOkNanos;
    double seconds;

    Connector(Net net, int n, SioClient.Listener mode) {
        this.net = net;
        this.mode = mode;
        this.done = new Runnable[n];
        this.startNanos = new long[n];
        this.clients = new SioClient[n];
        this.latencyNanos = new long[n];
    }

    /** Connects them all; returns the number of failures. */
    int connect(int concurrency, long timeoutMs, long startNanos0) throws Exception {
        int n = clients.length;
        Net.pool(n, concurrency, (i, finished) -> {
            begin(i, finished);
            SioClient c = new SioClient(i, this, true);
            clients[i] = c;
            net.open(c, null, timeoutMs);
        }).get(timeoutMs + 600_000, TimeUnit.MILLISECONDS);
        seconds = (System.nanoTime() - startNanos0) / 1e9;
        return failures();
    }

    /**
     * When some clients failed to connect: marks the result {@code r} failed with the count and the errors seen, and
     * closes the clients that connected.
     *
     * @return whether the run must stop here
     */
    boolean failed(int failures, Map<String, Object> r) {
        if (failures == 0) {
            return false;
        }
        r.put("ok", false);
        r.put("error", "connect failures");
        r.put("connect_failures", failures);
        r.put("errors", net.errors());
        closeAll();
        return true;
    }

    /** Client {@code i} starts connecting now; {@code finished} is to be run once it connected or failed. */
    synchronized void begin(int i, Runnable finished) {
        done[i] = finished;
        startNanos[i] = System.nanoTime();
    }

    synchronized int failures() {
        return failures;
    }

    synchronized int connected() {
        return latencies;
    }

    synchronized double okSeconds(long startNanos0) {
        return (lastOkNanos - startNanos0) / 1e9;
    }

    /** Latency percentiles of the successful connections. */
    synchronized Map<String, Object> latencies() {
        Map<String, Object> p = Json.percentiles(latencyNanos, latencies, "connect_");
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("connect_p50_ms", p.get("connect_p50_ms"));
        r.put("connect_p99_ms", p.get("connect_p99_ms"));
        r.put("connect_max_ms", p.get("connect_max_ms"));
        return r;
    }

    private Runnable take(int idx) {
        synchronized (this) {
            Runnable r = done[idx];
            done[idx] = null;
            return r;
        }
    }

    @Override
    public void onWebSocketOpen(SioClient c) {
        net.batchReads(c);
        mode.onWebSocketOpen(c);
    }

    @Override
    public void onConnected(SioClient c) {
        long now = System.nanoTime();
        synchronized (this) {
            latencyNanos[latencies++] = now - startNanos[c.idx];
            lastOkNanos = now;
        }
        mode.onConnected(c);
        Runnable r = take(c.idx);
        if (r != null) {
            r.run();
        }
    }

    @Override
    public void onFail(SioClient c, String message) {
        synchronized (this) {
            failures++;
        }
        net.error(message);
        mode.onFail(c, message);
        Runnable r = take(c.idx);
        if (r != null) {
            r.run();
        }
    }

    @Override
    public void onEvent(SioClient c, byte[] b, int off, int end) {
        mode.onEvent(c, b, off, end);
    }

    @Override
    public void onAck(SioClient c, long id, byte[] b, int argsOff, int end) {
        mode.onAck(c, id, b, argsOff, end);
    }

    @Override
    public void onProbe(SioClient c) {
        mode.onProbe(c);
    }

    @Override
    public void onClose(SioClient c, boolean unexpected) {
        if (unexpected) {
            net.unexpectedDisconnects.incrementAndGet();
        }
        mode.onClose(c, unexpected);
    }

    /** Closes every client. */
    void closeAll() {
        for (SioClient c : clients) {
            if (c != null) {
                c.close();
            }
        }
    }
}
