package io.quarkiverse.socketio.runtime.cluster.primary;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Memory and CPU of a process, for the {@code status} command and the primary's metrics: the resident memory from
 * {@code /proc/<pid>/status}, the CPU time from {@link ProcessHandle}; zero where the system does not tell (not Linux,
 * or the process just exited). Reading blocks on the file system: never on an event loop.
 *
 * @param rssKb the resident memory, in kB
 * @param cpuMillis the CPU time, user and system
 */
record ProcessMetrics(long rssKb, long cpuMillis) {

    static final ProcessMetrics NONE = new ProcessMetrics(0, 0);

    static ProcessMetrics of(long pid) {
        long rss = 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not on Linux, or the process just exited
        }
        long cpu = ProcessHandle.of(pid).flatMap(p -> p.info().totalCpuDuration()).map(Duration::toMillis)
                .orElse(0L);
        return new ProcessMetrics(rss, cpu);
    }
}
