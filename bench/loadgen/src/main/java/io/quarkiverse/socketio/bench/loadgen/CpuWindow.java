package io.quarkiverse.socketio.bench.loadgen;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU used over a measured phase by the load generator, by the server's process tree (when its pid is known) and by
 * the whole machine. Percentages of one core, as {@code top} shows them, except {@code machine_cpu_pct}: the share of
 * all cores that was busy.
 * <p>
 * Several servers (several hosts, {@code --rss-pid PID,PID}): their trees count together as the server, with
 * {@code server_cpu_pct_per_host} beside; a Redis server between them ({@code --redis-pid}) is reported apart as
 * {@code redis_cpu_pct}, and not counted as other processes.
 */
final class CpuWindow {

    private final long[] serverPids;
    private final long redisPid;
    private final long t0 = System.nanoTime();
    private final double[] self0 = Proc.selfCpu();
    private final List<Map<Long, Double>> server0 = new ArrayList<>();
    private final double redis0;
    private final long[] machine0 = Proc.machine();

    CpuWindow(long serverPid) {
        this(serverPid > 0 ? new long[] { serverPid } : new long[0], 0);
    }

    CpuWindow(long[] serverPids, long redisPid) {
        this.serverPids = serverPids;
        this.redisPid = redisPid;
        for (long pid : serverPids) {
            server0.add(Proc.treeCpu(pid));
        }
        this.redis0 = redisPid > 0 ? Proc.cpuSeconds(redisPid) : 0;
    }

    /** Ends the window; the fields go into the result line. */
    Map<String, Object> stop() {
        double wall = (System.nanoTime() - t0) / 1e9;
        double[] self1 = Proc.selfCpu();
        long[] machine1 = Proc.machine();
        Map<String, Object> r = new LinkedHashMap<>();
        double user = self1[0] - self0[0];
        double sys = self1[1] - self0[1];
        double lg = user + sys;
        r.put("measured_s", Json.round(wall, 3));
        r.put("loadgen_cpu_s", Json.round(lg, 3));
        r.put("loadgen_cpu_sys_s", Json.round(sys, 3));
        r.put("loadgen_cpu_pct", Json.round(100 * lg / wall, 1));
        double server = 0;
        if (serverPids.length > 0) {
            Map<String, Object> perProcess = new LinkedHashMap<>();
            List<Object> perHost = new ArrayList<>();
            for (int h = 0; h < serverPids.length; h++) {
                double host = 0;
                for (Map.Entry<Long, Double> e : Proc.treeCpu(serverPids[h]).entrySet()) {
                    double used = e.getValue() - server0.get(h).getOrDefault(e.getKey(), 0.0);
                    host += used;
                    perProcess.put(e.getKey() + " " + Proc.name(e.getKey()), Json.round(100 * used / wall, 1));
                }
                server += host;
                perHost.add(Json.round(100 * host / wall, 1));
            }
            r.put("server_cpu_s", Json.round(server, 3));
            r.put("server_cpu_pct", Json.round(100 * server / wall, 1));
            r.put("server_cpu_pct_per_process", perProcess);
            if (serverPids.length > 1) {
                r.put("server_cpu_pct_per_host", perHost);
            }
        }
        double redis = 0;
        if (redisPid > 0) {
            redis = Math.max(0, Proc.cpuSeconds(redisPid) - redis0);
            r.put("redis_cpu_s", Json.round(redis, 3));
            r.put("redis_cpu_pct", Json.round(100 * redis / wall, 1));
        }
        if (machine0 != null && machine1 != null && machine1[1] > machine0[1]) {
            double busy = (double) (machine1[0] - machine0[0]) / (machine1[1] - machine0[1]);
            int cores = Runtime.getRuntime().availableProcessors();
            r.put("machine_cpu_pct", Json.round(100 * busy, 1));
            r.put("machine_steal_pct", Json.round(100.0 * (machine1[2] - machine0[2]) / (machine1[1] - machine0[1]), 1));
            r.put("machine_cores", cores);
            if (serverPids.length > 0) {
                // neither the server(s), Redis nor the load generator: other processes, unattributed kernel work
                r.put("other_cpu_pct",
                        Json.round(Math.max(0, 100 * busy * cores - 100 * (lg + server + redis) / wall), 1));
            }
        }
        return r;
    }
}
