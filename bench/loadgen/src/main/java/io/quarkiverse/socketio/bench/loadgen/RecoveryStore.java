package io.quarkiverse.socketio.bench.loadgen;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code recovery}: the memory bound of connection state recovery's store (the server runs with recovery on and its
 * primary's management interface, see bench/README.md). C clients connect to room {@code bench} and leave without a
 * word (their TCP connections are closed): the server keeps their sessions for the window, and never sees them again.
 * Client 0 stays and emits {@code blast({count: N, size: S})} one after another for D seconds, so broadcasts keep
 * flowing to the room of those sessions. Every second the primary's metrics ({@code --metrics}) are read: the store's
 * sessions, broadcasts and bytes. The run reports the highest and last values, and the server's RSS.
 */
final class RecoveryStore {

    private static final String[] GAUGES = { "socketio_recovery_sessions", "socketio_recovery_disconnected_sessions",
            "socketio_recovery_packets", "socketio_recovery_bytes", "socketio_recovery_evicted_packets_total" };

    private RecoveryStore() {
    }

    static Map<String, Object> run(Net net, Args args) throws Exception {
        int leavers = args.integer("clients", 200);
        int count = args.integer("count", 100);
        int size = args.integer("size", 64);
        long duration = args.longValue("duration", 30);
        long serverPid = args.longValue("rss-pid", 0);
        URI metrics = URI.create(args.string("metrics", "http://127.0.0.1:9000/q/socketio/metrics"));
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("clients", leavers);
        r.put("count", count);
        r.put("size", size);
        r.put("duration_s", duration);
        LoadGen.partial = new LinkedHashMap<>(r);

        Map<Long, CompletableFuture<Void>> acks = new ConcurrentHashMap<>();
        SioClient.Listener listener = new SioClient.Listener() {
            @Override
            public void onAck(SioClient c, long id, byte[] b, int argsOff, int end) {
                CompletableFuture<Void> ack = acks.remove(id);
                if (ack != null) {
                    ack.complete(null);
                }
            }
        };
        Connector connector = new Connector(net, leavers + 1, listener);
        int failures = connector.connect(args.integer("concurrency", 100), 20_000, System.nanoTime());
        r.put("connect_seconds", Json.round(connector.seconds, 3));
        if (connector.failed(failures, r)) {
            return r;
        }
        for (int k = 1; k <= leavers; k++) {
            connector.clients[k].close();
        }
        LoadGen.log("recovery: " + leavers + " clients left; blasting for " + duration + " s");

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        List<Map<String, Object>> samples = new ArrayList<>();
        Map<String, Long> highest = new LinkedHashMap<>();
        long start = System.nanoTime();
        long nextSample = start;
        long broadcasts = 0;
        long ackId = 1;
        while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(duration)) {
            CompletableFuture<Void> ack = new CompletableFuture<>();
            acks.put(ackId, ack);
            connector.clients[0].sendText("42" + ackId + "[\"blast\",{\"count\":" + count + ",\"size\":" + size + "}]");
            ack.get(30, TimeUnit.SECONDS);
            ackId++;
            broadcasts += count;
            if (System.nanoTime() >= nextSample) {
                nextSample += TimeUnit.SECONDS.toNanos(1);
                Map<String, Object> sample = sample(http, metrics);
                sample.put("t_s", Json.round((System.nanoTime() - start) / 1e9, 1));
                sample.put("broadcasts", broadcasts);
                samples.add(sample);
                for (String gauge : GAUGES) {
                    Object value = sample.get(gauge);
                    if (value instanceof Long v) {
                        highest.merge(gauge, v, Math::max);
                    }
                }
                LoadGen.partial.put("samples", samples.size());
            }
        }
        r.put("broadcasts", broadcasts);
        r.put("broadcasts_per_s", Json.round(broadcasts / ((System.nanoTime() - start) / 1e9), 0));
        r.put("store_highest", highest);
        r.put("store_last", samples.isEmpty() ? null : samples.get(samples.size() - 1));
        r.put("samples", samples);
        r.putAll(LoadGen.memory(serverPid, 0, leavers + 1));
        r.put("ok", !samples.isEmpty() && samples.get(0).containsKey("socketio_recovery_packets"));
        if (!Boolean.TRUE.equals(r.get("ok"))) {
            r.put("error", "no recovery store metrics at " + metrics + " (is connection state recovery on, and the "
                    + "management interface?)");
        }
        connector.closeAll();
        return r;
    }

    /** The recovery gauges of the metrics page, by name. */
    private static Map<String, Object> sample(HttpClient http, URI metrics) {
        Map<String, Object> sample = new LinkedHashMap<>();
        try {
            String text = http.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            for (String line : text.split("\n")) {
                for (String gauge : GAUGES) {
                    if (line.startsWith(gauge + " ")) {
                        sample.put(gauge, Long.parseLong(line.substring(gauge.length() + 1).trim()));
                    }
                }
            }
        } catch (Exception e) {
            sample.put("error", String.valueOf(e));
        }
        return sample;
    }
}
