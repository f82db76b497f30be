package io.quarkiverse.socketio.bench.loadgen;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code contract}: checks a server against the bench app contract with C WebSocket clients (not a measurement):
 * {@code echo} acks each client's payload; {@code count} acks C (fetchSockets across the cluster); {@code chat} reaches
 * every client, the sender too; {@code blast} delivers its ticks to everyone in order and acks {@code "done"};
 * {@code serverEmit} acks {@code "ok"} and the clients of the other workers receive {@code relayed} (0 with one process:
 * serverSideEmit goes to the other servers only).
 */
final class Contract {

    private Contract() {
    }

    private static final class State {
        final Map<Long, CompletableFuture<JsonNode>> acks = new ConcurrentHashMap<>();
        final ConcurrentLinkedQueue<JsonNode> events = new ConcurrentLinkedQueue<>();
    }

    static Map<String, Object> run(Net net, Args args) throws Exception {
        int clients = args.integer("clients", 20);
        long[] serverPids = LoadGen.serverPids(args); // several: the servers of several hosts (--urls)
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("clients", clients);
        LoadGen.partial = new LinkedHashMap<>(r);
        State[] state = new State[clients];
        for (int k = 0; k < clients; k++) {
            state[k] = new State();
        }
        SioClient.Listener listener = new SioClient.Listener() {
            @Override
            public void onEvent(SioClient c, byte[] b, int off, int end) {
                try {
                    state[c.idx].events.add(Json.MAPPER.readTree(b, off + 2, end - off - 2));
                } catch (Exception e) {
                    state[c.idx].events.add(Json.MAPPER.getNodeFactory().textNode("unparsable"));
                }
            }

            @Override
            public void onAck(SioClient c, long id, byte[] b, int argsOff, int end) {
                JsonNode argsNode;
                try {
                    argsNode = Json.MAPPER.readTree(b, argsOff, end - argsOff);
                } catch (Exception e) {
                    argsNode = Json.MAPPER.getNodeFactory().textNode("unparsable");
                }
                state[c.idx].acks.computeIfAbsent(id, x -> new CompletableFuture<>()).complete(argsNode);
            }
        };
        Connector connector = new Connector(net, clients, listener);
        int failures = connector.connect(args.integer("concurrency", 100), 20_000, System.nanoTime());
        if (connector.failed(failures, r)) {
            return r;
        }
        SioClient[] cs = connector.clients;
        List<String> problems = new ArrayList<>();

        // echo, from every client, with a non-ASCII payload
        long echoOk = 0;
        for (int k = 0; k < clients; k++) {
            cs[k].sendText("421[\"echo\",{\"k\":" + k + ",\"s\":\"h\u00e9llo \u2713\"}]");
        }
        for (int k = 0; k < clients; k++) {
            JsonNode ack = await(state[k], 1);
            if (ack != null && ack.path(0).path("k").asInt(-1) == k
                    && "h\u00e9llo \u2713".equals(ack.path(0).path("s").asText())) {
                echoOk++;
            }
        }
        r.put("echo_ok", echoOk);
        if (echoOk != clients) {
            problems.add("echo: " + echoOk + " of " + clients);
        }

        // count: fetchSockets across the cluster
        cs[0].sendText("422[\"count\"]");
        JsonNode count = await(state[0], 2);
        r.put("count", count == null ? null : count.path(0));
        if (count == null || count.path(0).asInt(-1) != clients) {
            problems.add("count: " + count + " instead of [" + clients + "]");
        }

        // chat: to room bench, the sender included
        cs[0].sendText("42[\"chat\",{\"m\":\"hi\"}]");
        long chatOk = waitForEvents(state, "chat", 1, 5000);
        r.put("chat_received", chatOk);
        if (chatOk != clients) {
            problems.add("chat: " + chatOk + " of " + clients + " clients");
        }
        clear(state);

        // blast: N ticks, in order, to everyone; then the ack
        int n = 20;
        cs[0].sendText("423[\"blast\",{\"count\":" + n + ",\"size\":3}]");
        JsonNode done = await(state[0], 3);
        long blastOk = waitForEvents(state, "tick", n, 5000);
        long inOrder = 0;
        for (State s : state) {
            int expect = 0;
            boolean good = true;
            for (JsonNode e : s.events) {
                if ("tick".equals(e.path(0).asText())) {
                    good &= e.path(1).path("i").asInt(-1) == expect++ && "xxx".equals(e.path(1).path("pad").asText());
                }
            }
            if (good && expect == n) {
                inOrder++;
            }
        }
        r.put("blast_ack", done == null ? null : done.path(0));
        r.put("blast_complete_in_order", inOrder);
        if (done == null || !"done".equals(done.path(0).asText()) || blastOk != clients || inOrder != clients) {
            problems.add("blast: ack " + done + ", " + inOrder + " of " + clients + " complete and in order");
        }
        clear(state);

        // serverEmit: ack "ok"; the other workers emit "relayed" to their local members of bench
        cs[0].sendText("424[\"serverEmit\",{\"tag\":\"relay-check\"}]");
        JsonNode ok = await(state[0], 4);
        Net.sleep(1000);
        long relayed = 0;
        for (State s : state) {
            for (JsonNode e : s.events) {
                if ("relayed".equals(e.path(0).asText()) && "relay-check".equals(e.path(1).path("tag").asText())) {
                    relayed++;
                }
            }
        }
        r.put("server_emit_ack", ok == null ? null : ok.path(0));
        r.put("relayed_received", relayed);
        if (ok == null || !"ok".equals(ok.path(0).asText())) {
            problems.add("serverEmit: ack " + ok);
        }
        r.put("ok", problems.isEmpty());
        r.put("problems", problems);
        r.putAll(LoadGen.memory(serverPids, 0, 0));
        r.remove("kb_per_connection");
        r.remove("rss_baseline_mb");
        connector.closeAll();
        return r;
    }

    private static JsonNode await(State s, long id) {
        try {
            return s.acks.computeIfAbsent(id, x -> new CompletableFuture<>()).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            return null;
        }
    }

    /** How many clients received at least {@code n} events named {@code name}, waiting up to {@code ms}. */
    private static long waitForEvents(State[] state, String name, int n, long ms) {
        long deadline = System.nanoTime() + ms * 1_000_000;
        long ok;
        do {
            ok = 0;
            for (State s : state) {
                if (s.events.stream().filter(e -> name.equals(e.path(0).asText())).count() >= n) {
                    ok++;
                }
            }
            if (ok == state.length) {
                break;
            }
            Net.sleep(20);
        } while (System.nanoTime() < deadline);
        return ok;
    }

    private static void clear(State[] state) {
        for (State s : state) {
            s.events.clear();
        }
    }
}
