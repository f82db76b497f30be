package io.quarkiverse.socketio.bench.loadgen;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code fanout}: C WebSocket clients join room {@code bench}; client 0 emits {@code blast({count: N, size: S})}; the
 * clock runs from that emit until every client received its N {@code tick}s. Each client must see i = 0..N-1 in order.
 * The tick index is read with a byte scan for {@code "i":} (any key order), with a JSON parse as the fallback.
 * <p>
 * Over several servers ({@code --urls}, several hosts of one cluster): client k connects to server k mod n, so client
 * 0, the blaster, is on the first. The arrival time of every measured tick at every client is kept (the load
 * generator's clock), and for each tick i the cross-host delay of a client of another server is its arrival time minus
 * the median arrival time of tick i over the clients of the first server: {@code cross_host_*_ms} are the percentiles
 * of those delays over every tick and every client of the other servers; {@code same_host_*_ms} the same for the
 * first server's own clients (the spread within the blaster's host, for comparison).
 */
final class Fanout {

    private static final byte[] TICK = "42[\"tick\",".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] I_KEY = "\"i\":".getBytes(StandardCharsets.US_ASCII);

    private Fanout() {
    }

    static Map<String, Object> run(Net net, Args args) throws Exception {
        int clients = args.integer("clients", 1000);
        int count = args.integer("count", 1000);
        int size = args.integer("size", 64);
        long[] serverPids = LoadGen.serverPids(args);
        long redisPid = args.longValue("redis-pid", 0);
        long timeoutS = args.longValue("timeout", 150);
        long baseline = LoadGen.baselineKb(serverPids);
        int servers = net.servers();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("clients", clients);
        r.put("count", count);
        r.put("size", size);
        int warmup = args.integer("warmup", 0);
        r.put("warmup", warmup);
        r.put("read_interval_ms", args.integer("read-interval", 0));
        r.put("threads", args.integer("threads", 1));
        if (servers > 1) {
            r.put("hosts", servers);
            r.put("urls", args.string("urls", ""));
        }
        LoadGen.partial = new LinkedHashMap<>(r);

        int[] got = new int[clients];
        int[] next = new int[clients];
        int[] misordered = new int[clients];
        AtomicInteger unparsed = new AtomicInteger();
        AtomicInteger remaining = new AtomicInteger(clients);
        long[] endNanos = new long[1];
        long[] ackNanos = new long[1];
        CompletableFuture<Void> allDone = new CompletableFuture<>();
        // the optional warm-up blast (not measured): counted apart
        AtomicBoolean warming = new AtomicBoolean(warmup > 0);
        int[] warmGot = new int[clients];
        AtomicInteger warmRemaining = new AtomicInteger(clients);
        CompletableFuture<Void> warmDone = new CompletableFuture<>();
        // several servers: when each measured tick reached each client
        long[][] arrival = servers > 1 ? new long[clients][count] : null;

        SioClient.Listener listener = new SioClient.Listener() {
            @Override
            public void onEvent(SioClient c, byte[] b, int off, int end) {
                if (!startsWith(b, off, end, TICK)) {
                    return;
                }
                int i = tickIndex(b, off + TICK.length, end);
                if (i < 0) {
                    try {
                        JsonNode packet = Json.MAPPER.readTree(b, off + 2, end - off - 2);
                        i = packet.path(1).path("i").asInt(-1);
                    } catch (Exception e) {
                        i = -1;
                    }
                    if (i < 0) {
                        unparsed.incrementAndGet();
                        return;
                    }
                }
                int k = c.idx;
                if (warming.get()) {
                    if (++warmGot[k] == warmup && warmRemaining.decrementAndGet() == 0) {
                        warmDone.complete(null);
                    }
                    return;
                }
                if (arrival != null && i < count) {
                    arrival[k][i] = System.nanoTime();
                }
                if (i != next[k]) {
                    misordered[k]++;
                }
                next[k] = i + 1;
                if (++got[k] == count && remaining.decrementAndGet() == 0) {
                    endNanos[0] = System.nanoTime();
                    allDone.complete(null);
                }
            }

            @Override
            public void onAck(SioClient c, long id, byte[] b, int argsOff, int end) {
                if (c.idx == 0 && id == 2) {
                    ackNanos[0] = System.nanoTime();
                }
            }
        };
        Connector connector = new Connector(net, clients, listener);
        long t0 = System.nanoTime();
        int failures = connector.connect(args.integer("concurrency", 100), 20_000, t0);
        LoadGen.log(
                "fanout: " + (clients - failures) + "/" + clients + " connected in " + Json.round(connector.seconds, 2) + " s");
        r.put("connect_seconds", Json.round(connector.seconds, 3));
        if (connector.failed(failures, r)) {
            return r;
        }
        if (warmup > 0) {
            long w0 = System.nanoTime();
            connector.clients[0].sendText("421[\"blast\",{\"count\":" + warmup + ",\"size\":" + size + "}]");
            try {
                warmDone.get(Math.max(10, timeoutS / 2), TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                r.put("ok", false);
                r.put("error", "warm-up blast incomplete");
                // which clients miss ticks, and on which server
                int[] incompletePerServer = new int[servers];
                long missing = 0;
                int minGot = warmup;
                for (int k = 0; k < clients; k++) {
                    int g = warmGot[k];
                    if (g < warmup) {
                        incompletePerServer[net.server(k)]++;
                        missing += warmup - g;
                    }
                    minGot = Math.min(minGot, g);
                }
                r.put("warmup_missing_ticks", missing);
                r.put("warmup_min_received", minGot);
                r.put("warmup_incomplete_clients_per_server", incompletePerServer);
                r.put("unexpected_disconnects", net.unexpectedDisconnects.get());
                connector.closeAll();
                return r;
            }
            r.put("warmup_seconds", Json.round((System.nanoTime() - w0) / 1e9, 3));
            // every warm-up tick arrived: nothing of it is in flight any more
            warming.set(false);
            Net.sleep(200);
        }
        Net.sleep(args.longValue("settle", 500));
        Map<String, Object> memory = LoadGen.memory(serverPids, baseline, clients);
        LoadGen.partial = new LinkedHashMap<>(r);
        LoadGen.partial.put("phase", "fanout");

        CpuWindow cpu = new CpuWindow(serverPids, redisPid);
        long start = System.nanoTime();
        connector.clients[0].sendText("422[\"blast\",{\"count\":" + count + ",\"size\":" + size + "}]");
        boolean completed = true;
        try {
            allDone.get(Math.max(10, timeoutS - (long) connector.seconds - 10), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            completed = false;
        }
        long stop = completed ? endNanos[0] : System.nanoTime();
        Map<String, Object> cpuResult = cpu.stop();
        double seconds = (stop - start) / 1e9;
        // read the counters on their event loop(s): a short pause lets late frames land first when incomplete
        long lost = 0;
        long extra = 0;
        long mis = 0;
        int minGot = count;
        for (int k = 0; k < clients; k++) {
            if (got[k] < count) {
                lost += count - got[k];
            } else {
                extra += got[k] - count;
            }
            mis += misordered[k];
            minGot = Math.min(minGot, got[k]);
        }
        long delivered = (long) clients * count - lost;
        r.put("ok", completed && lost == 0 && mis == 0 && net.unexpectedDisconnects.get() == 0);
        r.put("deliveries", delivered);
        r.put("deliveries_per_s", Math.round(delivered / seconds));
        r.put("seconds", Json.round(seconds, 3));
        r.put("blast_ack_ms", ackNanos[0] == 0 ? null : Json.round((ackNanos[0] - start) / 1e6, 1));
        r.put("lost", lost);
        r.put("misordered", mis);
        r.put("extra", extra);
        r.put("unparsed", unparsed.get());
        r.put("min_received", minGot);
        r.put("completed", completed);
        r.put("unexpected_disconnects", net.unexpectedDisconnects.get());
        if (arrival != null) {
            r.putAll(crossHost(arrival, servers, start));
        }
        r.putAll(cpuResult);
        r.put("loadgen_cpu_us_per_delivery", delivered == 0 ? null
                : Json.round(1e6 * ((Number) cpuResult.get("loadgen_cpu_s")).doubleValue() / delivered, 2));
        if (cpuResult.containsKey("server_cpu_s")) {
            r.put("server_cpu_us_per_delivery", delivered == 0 ? null
                    : Json.round(1e6 * ((Number) cpuResult.get("server_cpu_s")).doubleValue() / delivered, 2));
        }
        r.putAll(memory);
        connector.closeAll();
        return r;
    }

    /**
     * The cross-host delivery latency (see the class comment) and, per server, {@code host_clients} and
     * {@code host_seconds}: from the blast until its last client had the last tick.
     */
    static Map<String, Object> crossHost(long[][] arrival, int servers, long start) {
        int clients = arrival.length;
        int count = clients == 0 ? 0 : arrival[0].length;
        long[] cross = new long[clients * count];
        long[] same = new long[clients * count];
        int nCross = 0;
        int nSame = 0;
        long[] first = new long[clients];
        for (int i = 0; i < count; i++) {
            int n = 0;
            for (int k = 0; k < clients; k += servers) {
                if (arrival[k][i] != 0) {
                    first[n++] = arrival[k][i];
                }
            }
            if (n == 0) {
                continue;
            }
            Arrays.sort(first, 0, n);
            long median = n % 2 == 1 ? first[n / 2] : (first[n / 2 - 1] + first[n / 2]) / 2;
            for (int k = 0; k < clients; k++) {
                if (arrival[k][i] == 0) {
                    continue;
                }
                if (k % servers == 0) {
                    same[nSame++] = arrival[k][i] - median;
                } else {
                    cross[nCross++] = arrival[k][i] - median;
                }
            }
        }
        Map<String, Object> r = new LinkedHashMap<>();
        Map<String, Object> c = Json.percentiles(cross, nCross, "cross_host_");
        Map<String, Object> s = Json.percentiles(same, nSame, "same_host_");
        for (String q : new String[] { "p50", "p90", "p99", "p999", "max", "mean" }) {
            r.put("cross_host_" + q + "_ms", c.get("cross_host_" + q + "_ms"));
        }
        r.put("cross_host_samples", nCross);
        for (String q : new String[] { "p50", "p99", "max" }) {
            r.put("same_host_" + q + "_ms", s.get("same_host_" + q + "_ms"));
        }
        List<Object> hostClients = new ArrayList<>();
        List<Object> hostSeconds = new ArrayList<>();
        for (int h = 0; h < servers; h++) {
            int n = 0;
            long last = 0;
            boolean complete = true;
            for (int k = h; k < clients; k += servers) {
                n++;
                long t = count == 0 ? 0 : arrival[k][count - 1];
                complete &= t != 0;
                last = Math.max(last, t);
            }
            hostClients.add(n);
            hostSeconds.add(complete && n > 0 ? Json.round((last - start) / 1e9, 3) : null);
        }
        r.put("host_clients", hostClients);
        r.put("host_seconds", hostSeconds);
        return r;
    }

    static boolean startsWith(byte[] b, int off, int end, byte[] prefix) {
        if (end - off < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[off + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** The digits after the first {@code "i":} in {@code b[from..end)}, or -1. */
    static int tickIndex(byte[] b, int from, int end) {
        outer: for (int p = from; p + I_KEY.length <= end; p++) {
            for (int j = 0; j < I_KEY.length; j++) {
                if (b[p + j] != I_KEY[j]) {
                    continue outer;
                }
            }
            int q = p + I_KEY.length;
            while (q < end && b[q] == ' ') {
                q++;
            }
            int v = 0;
            int digits = 0;
            while (q < end && b[q] >= '0' && b[q] <= '9') {
                v = v * 10 + (b[q] - '0');
                q++;
                digits++;
            }
            return digits > 0 ? v : -1;
        }
        return -1;
    }
}
