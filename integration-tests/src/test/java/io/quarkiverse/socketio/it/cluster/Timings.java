package io.quarkiverse.socketio.it.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;

/** The measured facts of the multi-host ITs: printed, and kept in {@code target/cluster-it/<test>-timings.txt}. */
final class Timings {

    private Timings() {
    }

    static long millisSince(long nanoTime) {
        return (System.nanoTime() - nanoTime) / 1_000_000;
    }

    /** A measured fact of {@code test}: to the test's output and to its timings file. */
    static void report(String test, String format, Object... args) {
        String line = "[" + test + "] " + String.format(format, args);
        System.out.println(line);
        try {
            Files.createDirectories(PackagedCluster.LOG_DIR);
            Files.writeString(PackagedCluster.LOG_DIR.resolve(test + "-timings.txt"), line + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            // the output has it
        }
    }
}
