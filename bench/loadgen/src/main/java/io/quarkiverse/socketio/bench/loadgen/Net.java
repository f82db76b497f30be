package io.quarkiverse.socketio.bench.loadgen;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

import io.netty.channel.Channel;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.impl.NetSocketInternal;

/**
 * The load generator's Vert.x: {@code --threads} event loops (default 1, like a Node.js load generator), a TCP client
 * for the WebSockets, an HTTP client that opens a fresh connection per request (long-polling), and the optional
 * batched reading of {@code --read-interval}.
 * <p>
 * The server is {@code --url}, or several servers {@code --urls URL,URL,...} (several hosts of one cluster): client i
 * opens its WebSocket to server i mod n; long-polling requests go to the first. An {@code https://} URL is spoken over
 * TLS (WebSockets and polling alike), with the JVM's trusted certificates, or any certificate with {@code --trust-all}
 * (a benchmark's self-signed one).
 */
final class Net implements AutoCloseable {

    final Vertx vertx;
    /** The first server's. */
    final String host;
    final int port;
    /** Every server's, from {@code --urls} (one: {@code --url}); client i connects to server i mod their number. */
    private final String[] hosts;
    private final int[] ports;
    final String path;
    /** Whether the servers are spoken to over TLS ({@code https://}), and trusting any certificate. */
    private final boolean tls;
    private final boolean trustAll;
    private final Context[] loops;
    private final NetClient tcp;
    private HttpClient http;
    private final int readIntervalMs;
    /** WebSocket channels read only every readIntervalMs, per event loop. */
    private final Map<Context, List<Channel>> batched = new ConcurrentHashMap<>();
    /** First distinct error messages with their counts. */
    private final Map<String, Integer> errors = new LinkedHashMap<>();
    final AtomicInteger unexpectedDisconnects = new AtomicInteger();

    Net(Args args) {
        int threads = args.integer("threads", 1);
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(threads).setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1).setBlockedThreadCheckInterval(60_000));
        String[] urls = args.has("urls") ? args.string("urls", "").split(",")
                : new String[] { args.string("url", "http://127.0.0.1:3000") };
        hosts = new String[urls.length];
        ports = new int[urls.length];
        boolean tls = java.net.URI.create(urls[0].trim()).getScheme().equals("https");
        for (int i = 0; i < urls.length; i++) {
            java.net.URI url = java.net.URI.create(urls[i].trim());
            if (url.getScheme().equals("https") != tls) {
                throw new IllegalArgumentException("--urls: all https or none: " + String.join(",", urls));
            }
            hosts[i] = url.getHost();
            ports[i] = url.getPort() > 0 ? url.getPort() : tls ? 443 : 80;
        }
        this.tls = tls;
        trustAll = args.has("trust-all");
        host = hosts[0];
        port = ports[0];
        String p = args.string("path", "/socket.io/");
        path = p.endsWith("/") ? p : p + "/";
        loops = new Context[threads];
        for (int i = 0; i < threads; i++) {
            loops[i] = vertx.getOrCreateContext(); // from a non-Vert.x thread: a new context on the next event loop
        }
        NetClientOptions tcpOptions = new NetClientOptions().setTcpNoDelay(true).setConnectTimeout(20_000)
                .setReuseAddress(true);
        if (tls) {
            tcpOptions.setSsl(true).setTrustAll(trustAll).setHostnameVerificationAlgorithm(trustAll ? "" : "HTTPS");
        }
        tcp = vertx.createNetClient(tcpOptions);
        readIntervalMs = args.integer("read-interval", 0);
        if (readIntervalMs > 0) {
            for (Context loop : loops) {
                List<Channel> channels = new ArrayList<>();
                batched.put(loop, channels);
                loop.runOnContext(v -> vertx.setPeriodic(readIntervalMs, id -> {
                    for (int i = channels.size() - 1; i >= 0; i--) {
                        Channel ch = channels.get(i);
                        if (ch.isActive()) {
                            ch.read(); // one read cycle: whatever arrived since the last one
                        } else {
                            channels.set(i, channels.get(channels.size() - 1));
                            channels.remove(channels.size() - 1);
                        }
                    }
                }));
            }
        }
    }

    /** How many servers the clients are spread over ({@code --urls}). */
    int servers() {
        return hosts.length;
    }

    /** The server of client {@code idx}: an index into {@code --urls}. */
    int server(int idx) {
        return idx % hosts.length;
    }

    /** The event loop of client {@code idx}. */
    Context loop(int idx) {
        return loops[idx % loops.length];
    }

    String wsUri(String sid) {
        return path + "?EIO=4&transport=websocket" + (sid == null ? "" : "&sid=" + sid);
    }

    String pollingUri() {
        return path + "?EIO=4&transport=polling";
    }

    synchronized HttpClient http(int concurrency) {
        if (http == null) {
            // keep-alive off: every request on a new TCP connection, as the Node.js reference client does
            HttpClientOptions options = new HttpClientOptions().setKeepAlive(false).setTcpNoDelay(true)
                    .setConnectTimeout(20_000).setDefaultHost(host).setDefaultPort(port);
            if (tls) {
                options.setSsl(true).setTrustAll(trustAll).setVerifyHost(!trustAll);
            }
            http = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(concurrency * 2 + 8));
        }
        return http;
    }

    /**
     * Opens the WebSocket of client {@code c} on its event loop; the listener hears about the rest. A connection that
     * is not connected to its namespace after {@code timeoutMs} fails with the step it was waiting for.
     */
    void open(SioClient c, String sid, long timeoutMs) {
        Context loop = loop(c.idx);
        loop.runOnContext(v -> {
            long timer = vertx.setTimer(timeoutMs, t -> {
                if (!c.connected) {
                    c.fail(sid != null ? "upgrade timeout (" + (c.isOpen() ? "probe or echo" : "websocket handshake") + ")"
                            : "connect timeout (" + (!c.isOpen() ? "websocket handshake"
                                    : c.sid == null ? "waiting for the open packet" : "waiting for \"40\"") + ")");
                }
            });
            // the upgrade of a long-polling session goes where its handshake went: the first server
            int to = sid == null ? server(c.idx) : 0;
            String toHost = hosts[to];
            int toPort = ports[to];
            tcp.connect(toPort, toHost).onComplete(ar -> {
                if (ar.failed()) {
                    vertx.cancelTimer(timer);
                    c.fail("tcp connect: " + ar.cause().getMessage());
                    return;
                }
                NetSocketInternal so = (NetSocketInternal) ar.result();
                c.start(so, toHost, toPort, wsUri(sid));
            });
        });
    }

    /** From the listener's onWebSocketOpen: read this socket only every --read-interval ms from now on. */
    void batchReads(SioClient c) {
        if (readIntervalMs > 0) {
            c.channel().config().setAutoRead(false);
            batched.get(loop(c.idx)).add(c.channel());
        }
    }

    boolean batching() {
        return readIntervalMs > 0;
    }

    synchronized void error(String message) {
        String m = message == null ? "null" : message;
        if (errors.containsKey(m) || errors.size() < 8) {
            errors.merge(m, 1, Integer::sum);
        } else {
            errors.merge("(other errors)", 1, Integer::sum);
        }
    }

    synchronized Map<String, Integer> errors() {
        return new LinkedHashMap<>(errors);
    }

    /** Forgets the errors and disconnects seen so far (after an unmeasured warm-up). */
    synchronized void resetCounts() {
        errors.clear();
        unexpectedDisconnects.set(0);
    }

    /**
     * Runs {@code task(i, done)} for i in [0, n) with at most {@code limit} in flight; each task calls {@code done}
     * once. Completes when all did.
     */
    static CompletableFuture<Void> pool(int n, int limit, BiConsumer<Integer, Runnable> task) {
        CompletableFuture<Void> all = new CompletableFuture<>();
        if (n == 0) {
            all.complete(null);
            return all;
        }
        AtomicInteger next = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        Runnable[] launch = new Runnable[1];
        launch[0] = () -> {
            int i = next.getAndIncrement();
            if (i >= n) {
                return;
            }
            AtomicInteger once = new AtomicInteger();
            task.accept(i, () -> {
                if (once.getAndIncrement() == 0) {
                    if (finished.incrementAndGet() == n) {
                        all.complete(null);
                    } else {
                        launch[0].run();
                    }
                }
            });
        };
        for (int k = 0; k < Math.min(limit, n); k++) {
            launch[0].run();
        }
        return all;
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        vertx.close().toCompletionStage().toCompletableFuture().orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
    }
}
