package io.quarkiverse.socketio.runtime.cluster.primary;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.SocketAddress;

/**
 * One worker as the router reaches it: its index and address, the connections to it (a pooled HTTP/1.1 client for
 * plain requests, a client of raw TCP connections for piped WebSockets, the {@link HandoffSender} its WebSockets are
 * handed over when it takes them), whether it still takes new requests, and its least-connection count.
 * <p>
 * Created, drained and removed by {@link StickyRouter} under its lock; the flags and the sender are volatile, so the
 * router's event loops read them without one. The count is changed through {@link SessionTable} only, which keeps the
 * rules of what it counts; {@link StickyRouter} reads it to choose.
 */
final class RoutedWorker {

    final int index;
    final SocketAddress address;
    /** Plain requests (and polling); pooled, keep-alive. */
    final HttpClient http;
    /** Raw connections of piped WebSockets: closing it closes them all. */
    final NetClient net;
    /** Handshakes in flight + sessions the router knows of + plain requests and WebSockets in flight. */
    final AtomicInteger load = new AtomicInteger();
    /** No request of any kind goes there any more; its sessions are forgotten. */
    volatile boolean removed;
    /** No new handshake or plain request goes there; requests of its sessions still do. */
    volatile boolean draining;
    /** Where its WebSockets are handed over; null: they are piped. */
    volatile HandoffSender handoff;

    RoutedWorker(int index, SocketAddress address, HttpClient http, NetClient net) {
        this.index = index;
        this.address = address;
        this.http = http;
        this.net = net;
    }

    /** A worker with its own pooled HTTP client and raw connection client, created on {@code vertx}. */
    static RoutedWorker create(Vertx vertx, int index, SocketAddress address, RouterOptions options) {
        int connectTimeout = (int) Math.min(Integer.MAX_VALUE, options.connectTimeout().toMillis());
        HttpClientOptions httpOptions = new HttpClientOptions()
                .setDefaultHost(address.host())
                .setDefaultPort(address.port())
                .setKeepAlive(true)
                .setPipelining(false)
                .setTryUseCompression(false)
                .setDecompressionSupported(false)
                .setConnectTimeout(connectTimeout);
        HttpClient http = vertx.createHttpClient(httpOptions,
                new PoolOptions().setHttp1MaxSize(options.maxConnectionsPerWorker()));
        NetClient net = vertx.createNetClient(new NetClientOptions().setConnectTimeout(connectTimeout).setTcpNoDelay(true));
        return new RoutedWorker(index, address, http, net);
    }

    /** Marks it removed and closes every connection to it: pooled, piped and the handoff channel. */
    List<Future<?>> close() {
        removed = true;
        HandoffSender sender = handoff;
        if (sender != null) {
            sender.close();
        }
        return List.of(http.close(), net.close());
    }

    @Override
    public String toString() {
        return "worker " + index;
    }
}
