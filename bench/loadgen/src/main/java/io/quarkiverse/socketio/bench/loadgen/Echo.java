package io.quarkiverse.socketio.bench.loadgen;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * {@code echo}: open loop. R {@code echo} emits per second in total, round-robin over C WebSocket clients, each with
 * an ack id; the latency of one is the time from its send to the arrival of its ack. A 1 ms timer sends what is due,
 * so a late timer shows as a burst, not as fewer messages. The payload is {@code "<id>:" + S x's}, checked in the ack.
 */
final class Echo {

    private Echo() {
    }

    static Map<String, Object> run(Net net, Args args) throws Exception {
        int clients = args.integer("clients", 200);
        int rate = args.integer("rate", 5000);
        double duration = args.number("duration", 10);
        int size = args.integer("size", 16);
        long ackTimeoutNanos = (long) (args.number("ack-timeout", 5) * 1e9);
        long serverPid = args.longValue("rss-pid", 0);
        long baseline = LoadGen.baselineKb(serverPid);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("clients", clients);
        r.put("target_rate", rate);
        r.put("duration_s", duration);
        r.put("payload", "\"<id>:\" + " + size + " x");
        double warmup = args.number("warmup", 0);
        r.put("warmup_s", warmup);
        r.put("read_interval_ms", args.integer("read-interval", 0));
        r.put("threads", args.integer("threads", 1));
        LoadGen.partial = new LinkedHashMap<>(r);

        int total = (int) Math.ceil(rate * duration);
        long[] latencies = new long[total + 16];
        AtomicInteger nLat = new AtomicInteger();
        AtomicInteger late = new AtomicInteger();
        AtomicInteger mismatched = new AtomicInteger();
        AtomicInteger outstanding = new AtomicInteger();
        // per client: send time of each id still waiting for its ack, in a ring (0 = none)
        int perClient = Math.max(1, (int) Math.ceil((double) rate / clients * (ackTimeoutNanos / 1e9 + duration)));
        int ring = Integer.highestOneBit(Math.min(perClient, 1 << 16) * 2) << 1; // a power of two >= 2 x perClient
        AtomicLongArray[] sent = new AtomicLongArray[clients];
        long[] nextId = new long[clients];
        for (int k = 0; k < clients; k++) {
            sent[k] = new AtomicLongArray(ring);
            nextId[k] = 1;
        }

        long[] measureFrom = { Long.MAX_VALUE };
        int[] warmSent = new int[1];
        SioClient.Listener listener = new SioClient.Listener() {
            @Override
            public void onAck(SioClient c, long id, byte[] b, int argsOff, int end) {
                long now = System.nanoTime();
                long t = sent[c.idx].getAndSet((int) (id & (ring - 1)), 0);
                if (t == 0) {
                    return;
                }
                outstanding.decrementAndGet();
                if (!payloadMatches(b, argsOff, end, id, size)) {
                    mismatched.incrementAndGet();
                }
                long l = now - t;
                if (l > ackTimeoutNanos) {
                    late.incrementAndGet();
                } else if (t >= measureFrom[0]) {
                    int i = nLat.getAndIncrement();
                    if (i < latencies.length) {
                        latencies[i] = l;
                    }
                }
            }
        };
        Connector connector = new Connector(net, clients, listener);
        int failures = connector.connect(args.integer("concurrency", 100), 20_000, System.nanoTime());
        LoadGen.log(
                "echo: " + (clients - failures) + "/" + clients + " connected in " + Json.round(connector.seconds, 2) + " s");
        r.put("connect_seconds", Json.round(connector.seconds, 3));
        if (connector.failed(failures, r)) {
            return r;
        }
        Net.sleep(300);
        Map<String, Object> memory = LoadGen.memory(serverPid, baseline, clients);
        LoadGen.partial = new LinkedHashMap<>(r);
        LoadGen.partial.put("phase", "run");

        String pad = "x".repeat(size);
        SioClient[] cs = connector.clients;
        long[] tickLateness = new long[(int) ((warmup + duration) * 1000) + 1000];
        int[] ticks = new int[1];
        int[] sentCount = new int[1];
        CompletableFuture<Void> sending = new CompletableFuture<>();
        long sendStart = System.nanoTime();
        // --warmup S: the same load for S seconds first; those echoes are not measured
        long start = sendStart + (long) (warmup * 1e9);
        measureFrom[0] = start;
        long stopSending = start + (long) (duration * 1e9);
        net.loop(0).runOnContext(v -> {
            long[] previous = { sendStart };
            int[] rr = { 0 };
            net.vertx.setPeriodic(1, id -> {
                long now = System.nanoTime();
                if (ticks[0] < tickLateness.length) {
                    tickLateness[ticks[0]++] = Math.max(0, now - previous[0] - 1_000_000);
                }
                previous[0] = now;
                long until = Math.min(now, stopSending);
                long due = (long) ((until - sendStart) / 1e9 * rate);
                while (sentCount[0] + warmSent[0] < due) {
                    int k = rr[0];
                    rr[0] = k + 1 == clients ? 0 : k + 1;
                    long msgId = nextId[k]++;
                    long slot = sent[k].getAndSet((int) (msgId & (ring - 1)), now);
                    if (slot != 0) {
                        late.incrementAndGet(); // an id ring-size older never came back
                    } else {
                        outstanding.incrementAndGet();
                    }
                    cs[k].sendText("42" + msgId + "[\"echo\",\"" + msgId + ":" + pad + "\"]");
                    if (now < start) {
                        warmSent[0]++;
                    } else {
                        sentCount[0]++;
                    }
                }
                if (now >= stopSending) {
                    net.vertx.cancelTimer(id);
                    sending.complete(null);
                }
            });
        });
        long untilStart = start - System.nanoTime();
        if (untilStart > 0) {
            Net.sleep(untilStart / 1_000_000);
        }
        CpuWindow cpu = new CpuWindow(serverPid);
        sending.get();
        double sendSeconds = (System.nanoTime() - start) / 1e9;
        long waitUntil = System.nanoTime() + ackTimeoutNanos;
        while (outstanding.get() > 0 && System.nanoTime() < waitUntil) {
            Net.sleep(20);
        }
        double runSeconds = (System.nanoTime() - start) / 1e9;
        Map<String, Object> cpuResult = cpu.stop();
        int acked = Math.min(nLat.get(), latencies.length);
        int timeouts = outstanding.get() + late.get();
        r.put("ok", timeouts == 0 && mismatched.get() == 0 && net.unexpectedDisconnects.get() == 0);
        r.put("warmup_sent", warmSent[0]);
        r.put("sent", sentCount[0]);
        r.put("acked", acked);
        r.put("timeouts", timeouts);
        r.put("mismatched", mismatched.get());
        r.put("send_rate", Math.round(sentCount[0] / sendSeconds));
        r.put("achieved_rate", Math.round(acked / sendSeconds));
        r.put("run_seconds", Json.round(runSeconds, 2));
        Map<String, Object> p = Json.percentiles(latencies, acked, "");
        r.putAll(p);
        Map<String, Object> loop = Json.percentiles(tickLateness, ticks[0], "");
        r.put("loadgen_timer_late_p99_ms", loop.get("p99_ms"));
        r.put("loadgen_timer_late_max_ms", loop.get("max_ms"));
        r.put("unexpected_disconnects", net.unexpectedDisconnects.get());
        r.putAll(cpuResult);
        r.putAll(memory);
        connector.closeAll();
        return r;
    }

    /** Whether {@code b[off..end)} is {@code ["<id>:<size x's>"]}. */
    static boolean payloadMatches(byte[] b, int off, int end, long id, int size) {
        int p = off;
        if (end - p < 2 || b[p] != '[' || b[p + 1] != '"') {
            return false;
        }
        p += 2;
        long v = 0;
        int digits = 0;
        while (p < end && b[p] >= '0' && b[p] <= '9') {
            v = v * 10 + (b[p++] - '0');
            digits++;
        }
        if (digits == 0 || v != id || p >= end || b[p++] != ':') {
            return false;
        }
        for (int i = 0; i < size; i++) {
            if (p >= end || b[p++] != 'x') {
                return false;
            }
        }
        return end - p == 2 && b[p] == '"' && b[p + 1] == ']';
    }
}
