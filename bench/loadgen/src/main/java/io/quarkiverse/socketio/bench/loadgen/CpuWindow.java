package io.quarkiverse.socketio.bench.loadgen;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU used over a measured phase by the load generator, by the server's process tree (when its pid is known) and by
 * the whole machine. Percentages of one core, as {@code top} shows them, except {@code machine_cpu_pct}: the share of
 * all cores that was busy.
 */
final class CpuWindow {

    private final long serverPid;
    private final long t0 = System.nanoTime();
    private final double[] self0 = Proc.selfCpu();
    private final Map<Long, Double> server0;
    private final long[] machine0 = Proc.machine();

    CpuWindow(long serverPid) {
        this.serverPid = serverPid;
        this.server0 = serverPid > 0 ? Proc.treeCpu(serverPid) : Map.of();
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
        if (serverPid > 0) {
            Map<Long, Double> server1 = Proc.treeCpu(serverPid);
            Map<String, Object> perProcess = new LinkedHashMap<>();
            for (Map.Entry<Long, Double> e : server1.entrySet()) {
                double used = e.getValue() - server0.getOrDefault(e.getKey(), 0.0);
                server += used;
                perProcess.put(e.getKey() + " " + Proc.name(e.getKey()), Json.round(100 * used / wall, 1));
            }
            r.put("server_cpu_s", Json.round(server, 3));
            r.put("server_cpu_pct", Json.round(100 * server / wall, 1));
            r.put("server_cpu_pct_per_process", perProcess);
        }
        if (machine0 != null && machine1 != null && machine1[1] > machine0[1]) {
            double busy = (double) (machine1[0] - machine0[0]) / (machine1[1] - machine0[1]);
            int cores = Runtime.getRuntime().availableProcessors();
            r.put("machine_cpu_pct", Json.round(100 * busy, 1));
            r.put("machine_steal_pct", Json.round(100.0 * (machine1[2] - machine0[2]) / (machine1[1] - machine0[1]), 1));
            r.put("machine_cores", cores);
            if (serverPid > 0) {
                // neither the server nor the load generator: other processes, unattributed kernel work
                r.put("other_cpu_pct", Json.round(Math.max(0, 100 * busy * cores - 100 * (lg + server) / wall), 1));
            }
        }
        return r;
    }
}
