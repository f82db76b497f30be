package io.quarkiverse.socketio.runtime.cluster.primary;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The workers' output as the primary prints it: each line a worker writes (standard output and error, merged), prefixed
 * with {@code [worker N] }, on the primary's standard output, and handed to a sink that keeps the last lines.
 * <p>
 * One daemon thread per worker process reads its pipe until the process's end; the threads still reading are listed,
 * so that the primary's last lines can wait for the workers' ({@link #awaitEnd(long)}). Lines of one worker keep their
 * order; lines of different workers interleave as they come ({@link PrintStream} writes each line whole).
 */
final class WorkerOutput {

    /**
     * The primary's standard output, opened on its own: the logging shutdown of the primary's JVM closes what
     * {@code System.out} writes to, while the workers' last lines (their shutdown) still come in.
     */
    private static final PrintStream STANDARD_OUTPUT = new PrintStream(new FileOutputStream(FileDescriptor.out), true,
            StandardCharsets.UTF_8);

    private final PrintStream out;
    /** The threads printing the workers' output, until each reached the end of its pipe. */
    private final List<Thread> threads = new CopyOnWriteArrayList<>();

    /** Prints on the primary's standard output. */
    WorkerOutput() {
        this(STANDARD_OUTPUT);
    }

    WorkerOutput(PrintStream out) {
        this.out = out;
    }

    /** Prints each line of worker {@code index}'s {@code output}, prefixed, and gives it to {@code kept}. */
    void pipe(int index, InputStream output, Consumer<String> kept) {
        Thread thread = new Thread(() -> {
            BufferedReader lines = new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8));
            int interrupted = 0;
            while (true) {
                String line;
                try {
                    line = lines.readLine();
                } catch (IOException e) {
                    // When the worker exits, the JDK moves what is left in the pipe into the same stream and fails
                    // the read in progress ("Stream closed"): read on, up to the end of the worker's last lines.
                    if (++interrupted > 3) {
                        break;
                    }
                    continue;
                }
                if (line == null) {
                    break;
                }
                String prefixed = "[worker " + index + "] " + line;
                out.println(prefixed);
                kept.accept(prefixed);
            }
            threads.remove(Thread.currentThread());
        }, "socketio-cluster-worker-" + index + "-output");
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
    }

    /** Waits for each pipe still being read to reach its end, at most {@code millisEach} for each. */
    void awaitEnd(long millisEach) {
        for (Thread thread : threads) {
            try {
                thread.join(millisEach);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    void flush() {
        out.flush();
    }
}
