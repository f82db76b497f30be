package io.quarkiverse.socketio.it.cluster;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The packaged reference application ({@code target/quarkus-app/quarkus-run.jar}, built by {@code quarkus:build} in
 * the {@code package} phase) started as a real cluster: {@code java -Dquarkus.socketio.cluster.workers=2 -jar ...} on
 * a free port of 127.0.0.1. Its output (the primary's and the workers') goes to {@code target/cluster-it/<name>.log},
 * which is followed line by line. {@link #close()} kills whatever is left of it, workers included.
 * <p>
 * The heartbeat and connect timeout are set back to the Node.js defaults (25 s, 20 s, 45 s): the reference
 * application's own 300 ms / 200 ms / 1 s are meant for the protocol tests, and 200 clients connecting at once to
 * freshly started JVMs on two cores miss a 200 ms pong deadline (measured: every session lost to "ping timeout").
 * No test here relies on a heartbeat to notice a lost worker: the primary closes the clients' connections.
 */
final class PackagedCluster implements AutoCloseable {

    static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
    static final Path LOG_DIR = Path.of("target", "cluster-it");

    static final Pattern IPC = Pattern.compile("Socket\\.IO cluster IPC channel: (\\S+)");
    static final Pattern READY = Pattern.compile("Socket\\.IO cluster worker (\\d+) ready \\(pid (\\d+)\\)");
    static final Pattern LISTENING = Pattern
            .compile("Socket\\.IO cluster primary listening on https?://\\S+ .*with (\\d+) workers");
    static final Pattern EXITED = Pattern.compile(
            "Socket\\.IO cluster worker (\\d+) \\(pid (\\d+)\\) exited with code (-?\\d+); restarting it in (\\d+) ms");
    static final Pattern CRASH_LOOP = Pattern.compile(
            "Socket\\.IO cluster worker (\\d+) crashed (\\d+) times within (\\d+)s: crash loop, it is not restarted");
    static final Pattern STOPPED = Pattern.compile("Socket\\.IO cluster primary stopped");
    /** Quarkus' startup line of a worker, with its management interface's port. */
    static final Pattern WORKER_MANAGEMENT = Pattern
            .compile("^\\[worker (\\d+)\\] .*Management interface listening on http://[^:]+:(\\d+)");
    /** What {@code ClusterFixture} logs when it starts, in every process that runs application code. */
    static final Pattern FIXTURE_STARTED = Pattern
            .compile("Cluster fixture: /cluster serves in pid (\\d+), worker (\\d+)");

    private static final List<String> DEFAULTS = List.of(
            "-Dquarkus.http.host=127.0.0.1",
            "-Dquarkus.socketio.cluster.workers=2",
            "-Dquarkus.socketio.ping-interval=25s",
            "-Dquarkus.socketio.ping-timeout=20s",
            "-Dquarkus.socketio.connect-timeout=45s");

    private final String name;
    private final Process process;
    private final int port;
    private final Path logFile;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Set<Long> workerPids = new LinkedHashSet<>();
    private volatile Thread reader;

    private PackagedCluster(String name, Process process, int port, Path logFile) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.logFile = logFile;
    }

    /**
     * Starts the cluster and waits (at most {@code startTimeout}) until the primary listens.
     *
     * @param name the log file's name
     * @param extraArgs JVM options added after the defaults (a later {@code -D} of the same name wins)
     */
    static PackagedCluster start(String name, Duration startTimeout, String... extraArgs) throws Exception {
        PackagedCluster cluster = launch(name, extraArgs);
        try {
            cluster.awaitLine(LISTENING, startTimeout);
        } catch (Throwable e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /** Starts the cluster's primary and returns at once (for a start that is meant to fail, say). */
    static PackagedCluster launch(String name, String... extraArgs) throws Exception {
        assertTrue(Files.isRegularFile(JAR), JAR.toAbsolutePath() + " is missing: it is built by quarkus:build in the "
                + "package phase (run the cluster ITs with `verify`)");
        Files.createDirectories(LOG_DIR);
        int port = freePort();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Dquarkus.http.port=" + port);
        // the management interface (when the application enables it) must not collide with anything else either
        command.add("-Dquarkus.management.port=" + freePort());
        command.addAll(DEFAULTS);
        command.addAll(List.of(extraArgs));
        command.add("-jar");
        command.add(JAR.toString());
        Path logFile = LOG_DIR.resolve(name + ".log");
        Files.writeString(logFile, "$ " + String.join(" ", command) + "\n", StandardCharsets.UTF_8);
        long start = Files.size(logFile);
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
        PackagedCluster cluster = new PackagedCluster(name, process, port, logFile);
        cluster.readOutput(start);
        return cluster;
    }

    static int freePort() throws IOException {
        try (ServerSocket free = new ServerSocket(0)) {
            return free.getLocalPort();
        }
    }

    static PackagedCluster start(String name, String... extraArgs) throws Exception {
        return start(name, Duration.ofSeconds(90), extraArgs);
    }

    /**
     * Follows the log file the process writes (its stdout and stderr are redirected to it: reading a pipe loses what
     * the primary writes last when it exits while the workers still hold the pipe), one line at a time.
     */
    private void readOutput(long start) {
        Thread reader = new Thread(() -> {
            try (FileChannel file = FileChannel.open(logFile, StandardOpenOption.READ)) {
                file.position(start);
                ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
                ByteArrayOutputStream line = new ByteArrayOutputStream();
                boolean exited = false;
                while (true) {
                    chunk.clear();
                    int read = file.read(chunk);
                    if (read <= 0) {
                        if (exited) {
                            break;
                        }
                        // one more pass after the exit, for what was written just before it
                        exited = !process.isAlive();
                        Thread.sleep(exited ? 100 : 20);
                        continue;
                    }
                    for (int i = 0; i < read; i++) {
                        byte b = chunk.get(i);
                        if (b == '\n') {
                            add(line.toString(StandardCharsets.UTF_8));
                            line.reset();
                        } else if (b != '\r') {
                            line.write(b);
                        }
                    }
                }
                if (line.size() > 0) {
                    add(line.toString(StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                lines.add("[PackagedCluster] output reader: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "cluster-output-" + name);
        reader.setDaemon(true);
        reader.start();
        this.reader = reader;
    }

    private void add(String line) {
        Matcher ready = READY.matcher(line);
        if (ready.find()) {
            synchronized (workerPids) {
                workerPids.add(Long.parseLong(ready.group(2)));
            }
        }
        lines.add(line);
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    /** The sockets the primary has open (its file descriptors that are sockets). */
    long openSockets() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid()), "fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().startsWith("socket:");
                } catch (IOException e) {
                    return false; // closed meanwhile
                }
            }).count();
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    List<String> lines() {
        return List.copyOf(lines);
    }

    /** A line of the output and where {@code pattern} matched in it. */
    record Line(String text, Matcher match) {

        String group(int group) {
            return match.group(group);
        }

        long number(int group) {
            return Long.parseLong(match.group(group));
        }
    }

    /** Every line matching {@code pattern} in the output so far, in order. */
    /** The management interface of the current process of a worker (the last one started for that index). */
    URI workerManagementUri(int worker) {
        List<Line> started = matches(WORKER_MANAGEMENT).stream().filter(l -> l.number(1) == worker).toList();
        if (started.isEmpty()) {
            throw new AssertionError("worker " + worker + " logged no management interface" + describe());
        }
        return URI.create("http://127.0.0.1:" + started.get(started.size() - 1).group(2) + "/");
    }

    List<Line> matches(Pattern pattern) {
        List<Line> found = new ArrayList<>();
        for (String line : lines) {
            Matcher m = pattern.matcher(line);
            if (m.find()) {
                found.add(new Line(line, m));
            }
        }
        return found;
    }

    /** The first line matching {@code pattern}, waiting for it at most {@code timeout}. */
    Line awaitLine(Pattern pattern, Duration timeout) throws InterruptedException {
        return awaitLine(pattern, m -> true, timeout);
    }

    /** The first line matching {@code pattern} that {@code accept} takes, waiting for it at most {@code timeout}. */
    Line awaitLine(Pattern pattern, Predicate<Matcher> accept, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int from = 0;
        while (true) {
            List<String> now = lines();
            for (int i = from; i < now.size(); i++) {
                Matcher m = pattern.matcher(now.get(i));
                if (m.find() && accept.test(m)) {
                    return new Line(now.get(i), m);
                }
            }
            from = now.size();
            if (System.nanoTime() > deadline) {
                fail("No log line matching '" + pattern + "' within " + timeout.toMillis() + " ms" + describe());
            }
            if (!process.isAlive() && from == lines.size()) {
                // the last lines may still be on their way from the reader
                Thread.sleep(200);
                if (from == lines.size()) {
                    fail("The primary exited (status " + process.exitValue() + ") without a log line matching '"
                            + pattern + "'" + describe());
                }
            }
            Thread.sleep(25);
        }
    }

    /**
     * Waits until worker {@code index}, which ran as {@code pid}, was logged as exited (at WARN) and then as ready again
     * with another pid; checks that the old process is gone and the primary stays up.
     *
     * @return the exit line and the new pid
     */
    Restart awaitRestart(int index, long pid, Duration exitTimeout) throws InterruptedException {
        Line exited = awaitLine(EXITED,
                m -> m.group(1).equals(Integer.toString(index)) && Long.parseLong(m.group(2)) == pid, exitTimeout);
        assertTrue(exited.text().contains("WARN"), "logged at WARN: " + exited.text());
        Line restarted = awaitLine(READY,
                m -> m.group(1).equals(Integer.toString(index)) && Long.parseLong(m.group(2)) != pid,
                Duration.ofSeconds(60));
        assertTrue(restarted.number(2) != pid, "a new pid for worker " + index);
        assertFalse(alive(pid), "the old process of worker " + index + " is gone");
        assertTrue(isAlive(), "the primary stays up" + describe());
        return new Restart(exited, restarted.number(2));
    }

    /** A worker's exit line, and the pid it was restarted with. */
    record Restart(Line exited, long newPid) {
    }

    /** The pid of each worker index from its last ready line. */
    Map<Integer, Long> readyWorkers() {
        Map<Integer, Long> ready = new LinkedHashMap<>();
        for (Line m : matches(READY)) {
            ready.put(Integer.parseInt(m.group(1)), m.number(2));
        }
        return ready;
    }

    /** Every worker pid seen in a ready line. */
    Set<Long> allWorkerPids() {
        synchronized (workerPids) {
            return Set.copyOf(workerPids);
        }
    }

    Path ipcPath() {
        List<Line> ipc = matches(IPC);
        if (ipc.isEmpty()) {
            fail("No IPC channel line" + describe());
        }
        return Path.of(ipc.get(0).group(1));
    }

    /** SIGKILL to one worker. */
    static void kill9(long pid) {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        assertTrue(handle.isPresent(), "process " + pid + " is running");
        assertTrue(handle.get().destroyForcibly(), "SIGKILL sent to " + pid);
    }

    /**
     * SIGSTOP to one worker, returning once it is stopped: it stays alive and keeps its IPC link open, but answers
     * nothing.
     */
    static void sigstop(long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-STOP", Long.toString(pid)).redirectErrorStream(true).start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0,
                "kill -STOP " + pid + ": " + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            Process ps = new ProcessBuilder("ps", "-o", "stat=", "-p", Long.toString(pid)).start();
            String state = new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            ps.waitFor(10, TimeUnit.SECONDS);
            if (state.startsWith("T")) {
                return;
            }
            if (System.nanoTime() > deadline) {
                fail("process " + pid + " is not stopped after SIGSTOP: state '" + state + "'");
            }
            Thread.sleep(20);
        }
    }

    /**
     * The whole host dies: SIGKILL to the primary and every worker, in one loop once all are known (so none of them
     * sees another go first and acts on it: the primary restarting a worker, a worker leaving by itself), then waits
     * (at most 10 s) until every one is gone.
     *
     * @return the pids killed, the primary's first
     */
    List<Long> kill9Host() throws Exception {
        List<ProcessHandle> all = new ArrayList<>();
        all.add(process.toHandle());
        process.descendants().forEach(all::add);
        for (long pid : allWorkerPids()) {
            ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(h -> !all.contains(h)).ifPresent(all::add);
        }
        for (ProcessHandle handle : all) {
            handle.destroyForcibly();
        }
        for (ProcessHandle handle : all) {
            handle.onExit().get(10, TimeUnit.SECONDS);
        }
        return all.stream().map(ProcessHandle::pid).toList();
    }

    /** Waits until workers 1 to {@code count} each have a ready line whose process is alive. */
    Map<Integer, Long> awaitWorkersReady(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Map<Integer, Long> ready = readyWorkers();
            boolean all = true;
            for (int index = 1; index <= count; index++) {
                Long pid = ready.get(index);
                all &= pid != null && alive(pid);
            }
            if (all) {
                return ready;
            }
            if (System.nanoTime() > deadline) {
                fail(count + " workers are not ready and alive after " + timeout.toMillis() + " ms: " + ready
                        + describe());
            }
            Thread.sleep(50);
        }
    }

    static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** SIGTERM to the primary; its exit status, or a failure when it did not exit within {@code timeout}. */
    int stop(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            fail("The primary did not exit within " + timeout.toMillis() + " ms of SIGTERM" + describe());
        }
        reader.join(5000); // it ends once it read the last lines
        return process.exitValue();
    }

    /** Waits (at most {@code timeout}) for the primary to exit by itself; its exit status. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            fail("The primary did not exit within " + timeout.toMillis() + " ms" + describe());
        }
        reader.join(5000);
        return process.exitValue();
    }

    /** Where to look, and the end of the log, for failure messages. */
    String describe() {
        List<String> now = lines();
        int from = Math.max(0, now.size() - 60);
        return "\n--- " + logFile.toAbsolutePath() + " (last " + (now.size() - from) + " of " + now.size()
                + " lines)\n" + String.join("\n", now.subList(from, now.size()));
    }

    /** Kills the primary and every worker it started (also workers seen in the log, should they outlive it). */
    @Override
    public void close() {
        List<ProcessHandle> all = new ArrayList<>();
        if (process.isAlive()) {
            process.descendants().forEach(all::add);
        }
        for (long pid : allWorkerPids()) {
            ProcessHandle.of(pid).ifPresent(all::add);
        }
        all.add(process.toHandle());
        for (ProcessHandle handle : all) {
            if (handle.isAlive()) {
                handle.destroyForcibly();
            }
        }
        for (ProcessHandle handle : all) {
            try {
                handle.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                // nothing more to do
            }
        }
    }
}
