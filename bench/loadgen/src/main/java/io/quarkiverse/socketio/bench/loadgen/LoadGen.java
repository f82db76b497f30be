package io.quarkiverse.socketio.bench.loadgen;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The load generator of the bench (see bench/README.md). {@code java -jar loadgen.jar MODE [--option value ...]}
 * prints exactly one JSON line on standard output when the run ends (progress goes to standard error) and exits 0 when
 * the run's {@code ok} is true, 1 when not, 2 when it hit {@code --timeout}.
 *
 * <pre>
 * fanout   --clients 1000 --count 1000 --size 64
 *          [--urls URL,URL --rss-pid PID,PID --redis-pid PID]   (several hosts: clients spread over the servers,
 *                                                       cross-host delivery latency)
 * connect  --clients 2000 --transport polling|websocket [--hold SEC]
 * echo     --clients 200 --rate 5000 --duration 10 [--size 16]
 * memory   --clients 5000 --hold 5 --rss-pid PID        (connect --transport websocket, RSS per idle connection)
 * contract --clients 20                                 (checks the bench app contract end to end)
 * recovery --clients 200 --count 100 --size 64 --duration 30 [--metrics URL]
 *                                                       (recovery store size while broadcasts flow to gone clients)
 * summarize FILE.jsonl ...                              (markdown tables: medians per server, WORKERS and step)
 * hotspots FILE.jfr ... [--filter socketio --top 25]   (where a JFR recording's execution samples were taken)
 * common:  --url http://127.0.0.1:3000 --path /socket.io/ --concurrency 100 --timeout 150 --rss-pid PID
 *          --threads 1 (event loops) --read-interval MS (read each WebSocket every MS ms only)
 *          --trust-all (with an https:// URL: any certificate, such as a benchmark's self-signed one)
 *          --server NAME --workers N --label L --adapter A (copied into the JSON line)
 * </pre>
 */
public final class LoadGen {

    private static final AtomicBoolean PRINTED = new AtomicBoolean();
    private static final PrintStream OUT = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
            StandardCharsets.UTF_8);
    /** What the mode knows so far, printed if the hard timeout strikes. */
    static volatile Map<String, Object> partial = new LinkedHashMap<>();

    private LoadGen() {
    }

    public static void main(String[] argv) {
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            System.setProperty("io.netty.leakDetection.level", "disabled");
        }
        Args args = new Args(argv);
        String mode = args.positional.isEmpty() ? args.string("mode", "") : args.positional.get(0);
        if (mode.equals("summarize")) {
            Summarize.main(args.positional.subList(1, args.positional.size()), args);
            return;
        }
        if (mode.equals("hotspots")) {
            try {
                Hotspots.main(args.positional.subList(1, args.positional.size()), args);
            } catch (java.io.IOException e) {
                System.err.println(e);
                System.exit(1);
            }
            return;
        }
        Map<String, Object> head = new LinkedHashMap<>();
        head.put("mode", mode);
        for (String meta : new String[] { "label", "server", "workers", "adapter" }) {
            if (args.has(meta)) {
                head.put(meta, meta.equals("workers") ? (Object) args.integer(meta, 0) : args.string(meta, ""));
            }
        }
        head.put("started_at", Instant.now().toString());
        head.put("load_avg_at_start", Proc.loadAverage());
        long timeoutS = args.longValue("timeout", 150);
        Thread watchdog = new Thread(() -> {
            Net.sleep(timeoutS * 1000);
            Map<String, Object> r = new LinkedHashMap<>(head);
            r.put("ok", false);
            r.put("timed_out", true);
            r.put("error", "hard timeout " + timeoutS + " s");
            r.putAll(partial);
            finish(r, 2);
        }, "watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        Map<String, Object> result;
        try (Net net = new Net(args)) {
            result = switch (mode) {
                case "fanout" -> Fanout.run(net, args);
                case "connect" -> Connect.run(net, args, args.string("transport", "websocket"));
                case "memory" -> Connect.run(net, args, "websocket");
                case "echo" -> Echo.run(net, args);
                case "contract" -> Contract.run(net, args);
                case "recovery" -> RecoveryStore.run(net, args);
                default -> {
                    System.err.println(
                            "usage: java -jar loadgen.jar fanout|connect|echo|memory|contract|recovery|summarize [options]"
                                    + " (see bench/README.md)");
                    System.exit(64);
                    yield null;
                }
            };
        } catch (Throwable t) {
            result = new LinkedHashMap<>();
            result.put("ok", false);
            result.put("error", String.valueOf(t));
            result.putAll(partial);
            t.printStackTrace();
        }
        Map<String, Object> r = new LinkedHashMap<>(head);
        r.putAll(result);
        finish(r, Boolean.TRUE.equals(r.get("ok")) ? 0 : 1);
    }

    static void finish(Map<String, Object> result, int code) {
        if (PRINTED.compareAndSet(false, true)) {
            OUT.println(Json.write(result));
            OUT.flush();
            Runtime.getRuntime().halt(code);
        }
    }

    static void log(String message) {
        System.err.println("[loadgen] " + message);
    }

    /** RSS of the server's process tree: total, per process, socket fds per process, KB per connection. */
    static Map<String, Object> memory(long serverPid, long baselineKb, int connections) {
        return memory(serverPid > 0 ? new long[] { serverPid } : new long[0], baselineKb, connections);
    }

    /** The same for the trees of several servers (several hosts) together. */
    static Map<String, Object> memory(long[] serverPids, long baselineKb, int connections) {
        Map<String, Object> r = new LinkedHashMap<>();
        if (serverPids.length == 0) {
            return r;
        }
        Map<Long, Long> per = new LinkedHashMap<>();
        for (long pid : serverPids) {
            per.putAll(Proc.treeRssKb(pid));
        }
        long kb = per.values().stream().mapToLong(Long::longValue).sum();
        Map<String, Object> perMb = new LinkedHashMap<>();
        Map<String, Object> sockets = new LinkedHashMap<>();
        for (Map.Entry<Long, Long> e : per.entrySet()) {
            String name = e.getKey() + " " + Proc.name(e.getKey());
            perMb.put(name, Json.round(e.getValue() / 1024.0, 1));
            sockets.put(name, Proc.sockets(e.getKey()));
        }
        r.put("rss_pid",
                serverPids.length == 1 ? (Object) serverPids[0] : Arrays.stream(serverPids).boxed().toList());
        r.put("rss_mb", Json.round(kb / 1024.0, 1));
        r.put("rss_baseline_mb", Json.round(baselineKb / 1024.0, 1));
        r.put("kb_per_connection", connections > 0 ? Json.round((double) (kb - baselineKb) / connections, 2) : null);
        r.put("rss_per_process_mb", perMb);
        r.put("sockets_per_process", sockets);
        r.put("loadgen_rss_mb", Json.round(Proc.rssKb(ProcessHandle.current().pid()) / 1024.0, 1));
        return r;
    }

    /** How much each process of the server's tree grew since {@code before} (its RSS per pid, KB), in MB. */
    static Map<String, Object> growthPerProcessMb(long serverPid, Map<Long, Long> before) {
        Map<String, Object> r = new LinkedHashMap<>();
        if (serverPid > 0) {
            Proc.treeRssKb(serverPid).forEach((pid, kb) -> r.put(pid + " " + Proc.name(pid),
                    Json.round((kb - before.getOrDefault(pid, 0L)) / 1024.0, 1)));
        }
        return r;
    }

    static long baselineKb(long serverPid) {
        return serverPid <= 0 ? 0 : Proc.treeRssKb(serverPid).values().stream().mapToLong(Long::longValue).sum();
    }

    static long baselineKb(long[] serverPids) {
        long kb = 0;
        for (long pid : serverPids) {
            kb += baselineKb(pid);
        }
        return kb;
    }

    /** {@code --rss-pid PID} or, several servers, {@code --rss-pid PID,PID,...}: the roots of their process trees. */
    static long[] serverPids(Args args) {
        String value = args.string("rss-pid", "0");
        return Arrays.stream(value.split(",")).mapToLong(v -> Long.parseLong(v.trim())).filter(pid -> pid > 0)
                .toArray();
    }
}
