package io.quarkiverse.socketio.bench.loadgen;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/**
 * {@code connect}: C clients connect, at most {@code --concurrency} at a time.
 * <ul>
 * <li>{@code --transport websocket}: straight to WebSocket ({@code 0{..}}, then {@code 40}).</li>
 * <li>{@code --transport polling}: the real long-polling handshake, each request on a new TCP connection so that the
 * sticky router must route each one on its sid: GET (open packet, sid), POST {@code 40}, GET (the {@code 40} answer);
 * then the upgrade: WebSocket with the sid, {@code 2probe} / {@code 3probe}, {@code 5}, and one {@code echo} with an
 * ack over the upgraded transport.</li>
 * </ul>
 * Then the connections are held idle for {@code --hold} seconds, checked, and the server's RSS is probed: that is the
 * {@code memory} mode (websocket, 5000 clients, 5 s by default). {@code --warmup N}: N clients connect the same way
 * first, unmeasured, and are closed (a compiled server: the JIT's work is not in the figures); in the memory mode the
 * baseline RSS is then taken after them.
 */
final class Connect {

    private Connect() {
    }

    static Map<String, Object> run(Net net, Args args, String transport) throws Exception {
        boolean memoryMode = "memory".equals(args.positional.isEmpty() ? "" : args.positional.get(0));
        int clients = args.integer("clients", memoryMode ? 5000 : 2000);
        int concurrency = args.integer("concurrency", 100);
        long serverPid = args.longValue("rss-pid", 0);
        double hold = args.number("hold", memoryMode ? 5 : 0);
        long startKb = LoadGen.baselineKb(serverPid);
        long baseline = startKb;
        Map<Long, Long> baselinePerProcess = serverPid > 0 ? Proc.treeRssKb(serverPid) : Map.of();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("transport", transport);
        r.put("clients", clients);
        r.put("concurrency", concurrency);
        r.put("hold_s", hold);
        int warmup = args.integer("warmup", 0);
        r.put("warmup_clients", warmup);
        LoadGen.partial = new LinkedHashMap<>(r);
        if (warmup > 0) {
            Connector warming = connector(net, transport, warmup, concurrency);
            int warmFailures = warming.connect(concurrency, 20_000, System.nanoTime());
            LoadGen.log("connect: warm-up of " + warmup + " clients in " + Json.round(warming.seconds, 2) + " s, "
                    + warmFailures + " failures");
            r.put("warmup_failures", warmFailures);
            warming.closeAll();
            Net.sleep(memoryMode ? 3000 : 1000);
            net.resetCounts();
            // The memory probe's warm baseline: what the warm-up's connections leave behind (compiled code, heap the
            // collector grew and keeps) is not counted as the cost of the measured ones.
            baseline = LoadGen.baselineKb(serverPid);
            baselinePerProcess = serverPid > 0 ? Proc.treeRssKb(serverPid) : Map.of();
        }

        Connector connector;
        CpuWindow cpu = new CpuWindow(serverPid);
        long t0 = System.nanoTime();
        connector = connector(net, transport, clients, concurrency);
        int failures = connector.connect(concurrency, 20_000, t0);
        Map<String, Object> cpuResult = cpu.stop();
        int connected = connector.connected();
        LoadGen.log("connect: " + connected + "/" + clients + " in " + Json.round(connector.seconds, 2) + " s, holding " + hold
                + " s");
        if (hold > 0) {
            Net.sleep((long) (hold * 1000));
        }
        int alive = 0;
        for (SioClient c : connector.clients) {
            if (c != null && c.connected && c.isOpen()) {
                alive++;
            }
        }
        Map<String, Object> memory = LoadGen.memory(serverPid, baseline, alive);
        memory.put("rss_growth_per_process_mb", LoadGen.growthPerProcessMb(serverPid, baselinePerProcess));
        if (warmup > 0 && serverPid > 0) {
            memory.put("rss_start_mb", Json.round(startKb / 1024.0, 1));
            memory.put("kb_per_connection_from_start", alive > 0
                    ? Json.round((((Number) memory.get("rss_mb")).doubleValue() * 1024 - startKb) / alive, 2)
                    : null);
        }
        double okSeconds = connector.okSeconds(t0);
        r.put("ok", failures == 0 && alive == clients);
        r.put("connected", connected);
        r.put("alive_after_hold", alive);
        r.put("failures", failures);
        r.put("errors", net.errors());
        r.put("seconds", Json.round(connector.seconds, 3));
        r.put("connections_per_s", Math.round(connected / connector.seconds));
        r.put("ok_seconds", Json.round(okSeconds, 3));
        r.put("ok_connections_per_s", okSeconds > 0 ? Math.round(connected / okSeconds) : null);
        r.putAll(connector.latencies());
        r.put("unexpected_disconnects", net.unexpectedDisconnects.get());
        r.putAll(cpuResult);
        if (connected > 0) {
            r.put("loadgen_cpu_ms_per_connection",
                    Json.round(1e3 * ((Number) cpuResult.get("loadgen_cpu_s")).doubleValue() / connected, 3));
            if (cpuResult.containsKey("server_cpu_s")) {
                r.put("server_cpu_ms_per_connection",
                        Json.round(1e3 * ((Number) cpuResult.get("server_cpu_s")).doubleValue() / connected, 3));
            }
        }
        r.putAll(memory);
        connector.closeAll();
        return r;
    }

    private static Connector connector(Net net, String transport, int clients, int concurrency) {
        if (transport.equals("polling")) {
            return new PollingConnector(net, clients, net.http(concurrency));
        }
        return new Connector(net, clients, new SioClient.Listener() {
        });
    }

    /** The polling handshake over HTTP, then the upgrade of the same session to WebSocket. */
    static final class PollingConnector extends Connector {

        private final Net net;
        private final HttpClient http;

        PollingConnector(Net net, int n, HttpClient http) {
            super(net, n, new SioClient.Listener() {
            });
            this.net = net;
            this.http = http;
        }

        @Override
        int connect(int concurrency, long timeoutMs, long startNanos0) throws Exception {
            int n = clients.length;
            Net.pool(n, concurrency, (i, finished) -> {
                begin(i, finished);
                net.loop(i).runOnContext(v -> handshake(i, timeoutMs));
            }).get(timeoutMs * 4 + 600_000, TimeUnit.MILLISECONDS);
            seconds = (System.nanoTime() - startNanos0) / 1e9;
            return failures();
        }

        private Future<String> request(HttpMethod method, String uri, String body) {
            RequestOptions options = new RequestOptions().setMethod(method).setURI(uri).setIdleTimeout(20_000);
            if (body != null) {
                options.putHeader("Content-Type", "text/plain;charset=UTF-8");
            }
            return http.request(options)
                    .compose(req -> body == null ? req.send() : req.send(Buffer.buffer(body)))
                    .compose(resp -> resp.body().compose(b -> resp.statusCode() == 200 ? Future.succeededFuture(b.toString())
                            : Future.failedFuture("HTTP " + resp.statusCode() + " " + method + " "
                                    + b.toString().substring(0, Math.min(120, b.length())))));
        }

        private void handshake(int i, long timeoutMs) {
            SioClient c = new SioClient(i, this, false);
            clients[i] = c;
            String base = net.pollingUri();
            request(HttpMethod.GET, base + "&t=" + i + "a", null).compose(open -> {
                String sid = null;
                for (String packet : open.split("\u001e")) {
                    if (packet.startsWith("0")) {
                        try {
                            sid = Json.MAPPER.readTree(packet.substring(1)).path("sid").asText(null);
                        } catch (Exception e) {
                            // below
                        }
                    }
                }
                if (sid == null) {
                    return Future.failedFuture("bad handshake: " + open.substring(0, Math.min(80, open.length())));
                }
                c.sid = sid;
                String q = base + "&sid=" + sid;
                return request(HttpMethod.POST, q + "&t=" + i + "b", "40")
                        .compose(ok -> ok.equals("ok") ? Future.succeededFuture()
                                : Future.failedFuture("POST answered " + ok.substring(0, Math.min(60, ok.length()))))
                        .compose(x -> awaitConnect(q, i, 0));
            }).onComplete(ar -> {
                if (ar.failed()) {
                    c.fail(ar.cause().getMessage());
                } else {
                    upgrade(c, timeoutMs);
                }
            });
        }

        /** GETs until the {@code 40} answer came (it may share a payload with other packets). */
        private Future<Void> awaitConnect(String q, int i, int tries) {
            return request(HttpMethod.GET, q + "&t=" + i + "c" + tries, null).compose(body -> {
                for (String packet : body.split("\u001e")) {
                    if (packet.startsWith("40")) {
                        return Future.succeededFuture();
                    }
                    if (packet.startsWith("44")) {
                        return Future.failedFuture("connect_error " + packet.substring(0, Math.min(80, packet.length())));
                    }
                }
                return tries < 2 ? awaitConnect(q, i, tries + 1) : Future.failedFuture("no CONNECT packet over polling");
            });
        }

        private void upgrade(SioClient c, long timeoutMs) {
            net.open(c, c.sid, timeoutMs);
        }

        @Override
        public void onWebSocketOpen(SioClient c) {
            c.sendText("2probe");
        }

        @Override
        public void onProbe(SioClient c) {
            c.sendText("5");
            c.sendText("421[\"echo\",\"u" + c.idx + "\"]");
        }

        @Override
        public void onAck(SioClient c, long id, byte[] b, int argsOff, int end) {
            if (id == 1 && !c.connected) {
                c.connected = true;
                onConnected(c);
            }
        }
    }
}
