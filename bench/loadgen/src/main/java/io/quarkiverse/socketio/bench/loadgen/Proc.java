package io.quarkiverse.socketio.bench.loadgen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

/** What Linux' /proc says about CPU time, memory and sockets of a process tree and of the whole machine. */
final class Proc {

    /** Clock ticks per second of the times in /proc/PID/stat and /proc/stat (USER_HZ, 100 on Linux). */
    static final double TICKS_PER_S = clockTicks();

    private Proc() {
    }

    private static double clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            p.waitFor();
            return Double.parseDouble(out);
        } catch (Exception | Error e) {
            return 100;
        }
    }

    private static String read(String path) {
        try {
            return Files.readString(Path.of(path), StandardCharsets.ISO_8859_1);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The fields of /proc/PID/stat after the command name: index 0 is the state, 1 the ppid, 11 utime, 12 stime. */
    private static String[] statFields(long pid) {
        String stat = read("/proc/" + pid + "/stat");
        if (stat == null) {
            return null;
        }
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    }

    /** The pid and all its descendants, the pid first. */
    static List<Long> tree(long root) {
        Map<Long, List<Long>> children = new HashMap<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path dir : dirs) {
                long pid = Long.parseLong(dir.getFileName().toString());
                String[] f = statFields(pid);
                if (f != null) {
                    children.computeIfAbsent(Long.parseLong(f[1]), k -> new ArrayList<>()).add(pid);
                }
            }
        } catch (IOException e) {
            // an empty tree below
        }
        List<Long> out = new ArrayList<>();
        ArrayDeque<Long> todo = new ArrayDeque<>();
        todo.add(root);
        while (!todo.isEmpty()) {
            long p = todo.poll();
            out.add(p);
            todo.addAll(children.getOrDefault(p, List.of()));
        }
        return out;
    }

    /** CPU time (user + system) of one process, all its threads, in seconds; -1 when it is gone. */
    static double cpuSeconds(long pid) {
        String[] f = statFields(pid);
        return f == null ? -1 : (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_S;
    }

    /** {user, system} CPU seconds of this process (the load generator). */
    static double[] selfCpu() {
        String[] f = statFields(ProcessHandle.current().pid());
        return f == null ? new double[] { 0, 0 }
                : new double[] { Long.parseLong(f[11]) / TICKS_PER_S, Long.parseLong(f[12]) / TICKS_PER_S };
    }

    /** CPU seconds of every process of the tree, in tree order. */
    static Map<Long, Double> treeCpu(long root) {
        return overTree(root, Proc::cpuSeconds);
    }

    /** A reading of every process of the tree that is still there (a reading below 0: gone), in tree order. */
    private static <T extends Number> Map<Long, T> overTree(long root, LongFunction<T> reading) {
        Map<Long, T> out = new LinkedHashMap<>();
        for (long p : tree(root)) {
            T value = reading.apply(p);
            if (value.doubleValue() >= 0) {
                out.put(p, value);
            }
        }
        return out;
    }

    /** VmRSS of one process in KB, -1 when it is gone. */
    static long rssKb(long pid) {
        String status = read("/proc/" + pid + "/status");
        if (status == null) {
            return -1;
        }
        int i = status.indexOf("VmRSS:");
        if (i < 0) {
            return 0; // a zombie
        }
        int end = status.indexOf("kB", i);
        return Long.parseLong(status.substring(i + 6, end).trim());
    }

    /** VmRSS of every process of the tree in KB, in tree order. */
    static Map<Long, Long> treeRssKb(long root) {
        return overTree(root, Proc::rssKb);
    }

    /** The command name of a process (/proc/PID/comm). */
    static String name(long pid) {
        String comm = read("/proc/" + pid + "/comm");
        return comm == null ? "?" : comm.trim();
    }

    /** How many of the process' file descriptors are sockets. */
    static int sockets(long pid) {
        int n = 0;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/" + pid + "/fd"))) {
            for (Path fd : fds) {
                try {
                    if (Files.readSymbolicLink(fd).toString().startsWith("socket:")) {
                        n++;
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return n;
    }

    /** {busy, total, steal} ticks of the whole machine since boot, from the first line of /proc/stat. */
    static long[] machine() {
        String stat = read("/proc/stat");
        if (stat == null) {
            return null;
        }
        String[] f = stat.substring(0, stat.indexOf('\n')).trim().split("\\s+");
        long total = 0;
        for (int i = 1; i <= 8 && i < f.length; i++) {
            total += Long.parseLong(f[i]);
        }
        long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
        long steal = f.length > 8 ? Long.parseLong(f[8]) : 0;
        return new long[] { total - idle, total, steal };
    }

    /** The 1, 5 and 15 minute load averages. */
    static double[] loadAverage() {
        String s = read("/proc/loadavg");
        if (s == null) {
            return new double[0];
        }
        String[] f = s.trim().split("\\s+");
        return new double[] { Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]) };
    }
}
