package io.quarkiverse.socketio.bench.loadgen;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * {@code hotspots FILE.jfr ... [--top 25] [--filter socketio]}: the methods where a JFR recording's execution samples
 * were taken (self: the top frame), and the methods that were on the stack (inclusive), the latter restricted to
 * frames whose class name contains {@code --filter} when given. Samples of idle threads are not in JFR's execution
 * samples, so the shares are of busy time.
 */
final class Hotspots {

    private Hotspots() {
    }

    static void main(List<String> files, Args args) throws IOException {
        int top = args.integer("top", 25);
        String filter = args.string("filter", null);
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> inclusive = new HashMap<>();
        Map<String, Integer> threads = new HashMap<>();
        int samples = 0;
        for (String file : files) {
            for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(file))) {
                if (!e.getEventType().getName().equals("jdk.ExecutionSample")) {
                    continue;
                }
                RecordedStackTrace st = e.getStackTrace();
                if (st == null || st.getFrames().isEmpty()) {
                    continue;
                }
                samples++;
                var thread = e.getThread("sampledThread");
                String tname = thread == null ? "?" : thread.getJavaName();
                threads.merge(tname == null ? "?" : tname.replaceAll("[0-9]+", "N"), 1, Integer::sum);
                List<RecordedFrame> frames = st.getFrames();
                self.merge(name(frames.get(0)), 1, Integer::sum);
                Set<String> seen = new HashSet<>();
                for (RecordedFrame f : frames) {
                    String n = name(f);
                    if ((filter == null || n.contains(filter)) && seen.add(n)) {
                        inclusive.merge(n, 1, Integer::sum);
                    }
                }
            }
        }
        System.out.println("samples: " + samples + " (" + String.join(", ", files) + ")");
        print("threads", threads, samples, top);
        print("self (top frame)", self, samples, top);
        print("inclusive" + (filter == null ? "" : " (frames containing '" + filter + "')"), inclusive, samples, top);
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    private static void print(String title, Map<String, Integer> counts, int samples, int top) {
        System.out.println("\n" + title + ":");
        counts.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(top)
                .forEach(e -> System.out
                        .println(String.format(Locale.ROOT, "%6.1f%%  %s", 100.0 * e.getValue() / samples, e.getKey())));
    }
}
