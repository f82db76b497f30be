package io.quarkiverse.socketio.runtime.cluster.primary;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The last lines a worker slot wrote, for the {@code logs} command: at most a fixed number, the oldest dropped first.
 * Thread-safe: the worker's output thread adds while an operator's command reads; each call holds this object's lock.
 */
final class LastLines {

    /** How many lines each worker slot keeps. */
    static final int KEPT = 200;

    private final int capacity;
    private final Deque<String> lines = new ArrayDeque<>();

    LastLines() {
        this(KEPT);
    }

    LastLines(int capacity) {
        this.capacity = capacity;
    }

    synchronized void add(String line) {
        lines.addLast(line);
        if (lines.size() > capacity) {
            lines.removeFirst();
        }
    }

    /** The lines kept, oldest first. */
    synchronized List<String> lines() {
        return new ArrayList<>(lines);
    }
}
