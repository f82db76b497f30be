package io.quarkiverse.socketio.runtime.cluster.primary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import io.quarkiverse.socketio.runtime.cluster.WorkerStatus.State;

/**
 * The operator's reload, restart and scale without processes: the workers are instances of a fake supervision whose
 * readiness the test decides. What is checked is what the operator reads (the progress lines, the errors) and the
 * order of the steps: a replacement serves before the old worker drains, one reconfiguration at a time.
 */
class ReconfigurationsTest {

    final FakeWorkers workers = new FakeWorkers(2);
    final List<String> drained = new CopyOnWriteArrayList<>();
    final Reconfigurations reconfigurations = new Reconfigurations(workers, instance -> {
        drained.add(instance.pid());
        instance.state = State.STOPPED;
    }, Duration.ofMillis(100));
    final List<String> progress = new CopyOnWriteArrayList<>();

    @Test
    void reloadReplacesEachWorkerInTurnAndReportsEachStep() throws Exception {
        reconfigurations.reload(progress::add);
        assertEquals(List.of(
                "reloading to configuration generation 2",
                "worker 1: starting a replacement (pid 1003)",
                "worker 1: replacement ready (pid 1003), draining pid 1001",
                "worker 1: replaced",
                "worker 2: starting a replacement (pid 1004)",
                "worker 2: replacement ready (pid 1004), draining pid 1002",
                "worker 2: replaced",
                "reloaded 2 workers"), progress);
        assertEquals(List.of("1001", "1002"), drained);
        assertEquals(Map.of(1, "1003", 2, "1004"), workers.currentPids());
        assertEquals(List.of(2, 2), workers.currentGenerations(), "the replacements run the new generation");
    }

    @Test
    void aReplacementThatExitsEndsTheReloadAndTheOldWorkerKeepsServing() throws Exception {
        workers.onLaunch = instance -> instance.ready.completeExceptionally(new IllegalStateException(
                "worker 1 (pid 1003) exited with code 3 before it was ready"));
        IllegalStateException failure = assertThrows(IllegalStateException.class,
                () -> reconfigurations.reload(progress::add));
        assertEquals("worker 1: the replacement did not become ready (worker 1 (pid 1003) exited with code 3 before it "
                + "was ready); the old worker keeps serving", failure.getMessage());
        assertEquals(List.of("reloading to configuration generation 2", "worker 1: starting a replacement (pid 1003)"),
                progress);
        assertTrue(((FakeProcess) workers.launched.get(2).process).destroyedForcibly, "the replacement is killed");
        assertEquals(List.of(), drained, "no old worker drained");
        assertEquals(Map.of(1, "1001", 2, "1002"), workers.currentPids());
        assertEquals(3, workers.nextGeneration(), "the generation wanted stays the reload's");

        // the failed reload does not block the next one
        workers.onLaunch = instance -> instance.ready.complete(null);
        progress.clear();
        reconfigurations.restart(2, progress::add);
        assertEquals("worker 2: replaced", progress.get(progress.size() - 1));
    }

    @Test
    void aReplacementThatStaysSilentIsGivenUpAfterTheStartTimeout() {
        workers.onLaunch = instance -> {
        };
        long start = System.nanoTime();
        IllegalStateException failure = assertThrows(IllegalStateException.class,
                () -> reconfigurations.restart(1, progress::add));
        assertEquals("worker 1: the replacement did not become ready (not ready within 100 ms); the old worker keeps "
                + "serving", failure.getMessage());
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(1100),
                "awaited worker-start-timeout and one second more");
        assertEquals(Map.of(1, "1001", 2, "1002"), workers.currentPids());
    }

    @Test
    void anOldWorkerThatAlreadyExitedIsNotDrained() throws Exception {
        workers.launched.get(0).state = State.STOPPED;
        reconfigurations.restart(1, progress::add);
        assertEquals(List.of(
                "worker 1: starting a replacement (pid 1003)",
                "worker 1: replacement ready (pid 1003), draining pid 1001",
                "worker 1: replaced"), progress);
        assertEquals(List.of(), drained);
    }

    @Test
    void restartOfAWorkerThatDoesNotExist() throws Exception {
        IllegalArgumentException failure = assertThrows(IllegalArgumentException.class,
                () -> reconfigurations.restart(3, progress::add));
        assertEquals("There is no worker 3", failure.getMessage());
        assertEquals(List.of(), progress);
        reconfigurations.restart(2, progress::add);
    }

    @Test
    void scaleUpAwaitsTheNewWorkersAndScaleDownDrainsTheHighest() throws Exception {
        reconfigurations.scale(4, progress::add);
        assertEquals(List.of(
                "worker 3: starting (pid 1003)",
                "worker 4: starting (pid 1004)",
                "worker 3: ready",
                "worker 4: ready",
                "scaled to 4 workers"), progress);
        progress.clear();
        reconfigurations.scale(2, progress::add);
        assertEquals(List.of(
                "worker 4: draining (pid 1004)",
                "worker 4: stopped",
                "worker 3: draining (pid 1003)",
                "worker 3: stopped",
                "scaled to 2 workers"), progress);
        assertEquals(List.of("1004", "1003"), drained);
        assertEquals(List.of(1, 2), workers.indexes());
        progress.clear();
        reconfigurations.scale(2, progress::add);
        assertEquals(List.of("scaled to 2 workers"), progress);
    }

    @Test
    void scaleRefusesACountOutOfRange() {
        for (int count : new int[] { 0, -1, 1025 }) {
            IllegalArgumentException failure = assertThrows(IllegalArgumentException.class,
                    () -> reconfigurations.scale(count, progress::add));
            assertEquals("A cluster has 1 to 1024 workers; use stop to stop it", failure.getMessage());
        }
    }

    @Test
    void oneReconfigurationAtATime() throws Exception {
        workers.onLaunch = instance -> {
        };
        CompletableFuture<Void> reload = CompletableFuture.runAsync(() -> {
            try {
                reconfigurations.reload(progress::add);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (workers.launched.size() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        for (Reconfiguration other : List.<Reconfiguration> of(p -> reconfigurations.reload(p),
                p -> reconfigurations.restart(1, p), p -> reconfigurations.scale(3, p))) {
            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> other.run(s -> {
            }));
            assertEquals("Another reload, restart or scale is in progress", refused.getMessage());
        }
        workers.onLaunch = instance -> instance.ready.complete(null);
        workers.launched.get(2).ready.complete(null);
        reload.get(5, TimeUnit.SECONDS);
        assertEquals("reloaded 2 workers", progress.get(progress.size() - 1));
        reconfigurations.scale(3, s -> {
        });
    }

    @Test
    void nothingIsReconfiguredWhileTheClusterStops() {
        workers.stopping = true;
        for (Reconfiguration command : List.<Reconfiguration> of(p -> reconfigurations.reload(p),
                p -> reconfigurations.restart(1, p), p -> reconfigurations.scale(3, p))) {
            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> command.run(s -> {
            }));
            assertEquals("The cluster is stopping", refused.getMessage());
        }
        assertEquals(2, workers.launched.size(), "nothing launched");
    }

    @FunctionalInterface
    interface Reconfiguration {
        void run(Consumer<String> progress) throws Exception;
    }

    /** Slots and instances as the supervisor keeps them; each launched instance gets pid 1000 + its node. */
    static final class FakeWorkers implements Reconfigurations.Workers {

        final Map<Integer, WorkerSlot> slots = new TreeMap<>();
        final List<WorkerInstance> launched = new CopyOnWriteArrayList<>();
        /** what happens to a launched instance: by default it becomes ready at once */
        volatile Consumer<WorkerInstance> onLaunch = instance -> instance.ready.complete(null);
        volatile boolean stopping;
        int generation = 1;

        FakeWorkers(int count) {
            for (int index = 1; index <= count; index++) {
                WorkerSlot slot = new WorkerSlot(index);
                slots.put(index, slot);
                slot.current = launch(slot);
                slot.current.state = State.READY;
            }
        }

        private WorkerInstance launch(WorkerSlot slot) {
            WorkerInstance instance = new WorkerInstance(slot, launched.size() + 1, generation);
            instance.process = new FakeProcess(1000 + instance.node);
            launched.add(instance);
            onLaunch.accept(instance);
            return instance;
        }

        synchronized Map<Integer, String> currentPids() {
            Map<Integer, String> pids = new TreeMap<>();
            slots.forEach((index, slot) -> pids.put(index, slot.current.pid()));
            return pids;
        }

        synchronized List<Integer> currentGenerations() {
            List<Integer> generations = new ArrayList<>();
            slots.values().forEach(slot -> generations.add(slot.current.generation));
            return generations;
        }

        @Override
        public boolean stopping() {
            return stopping;
        }

        @Override
        public synchronized int nextGeneration() {
            return ++generation;
        }

        @Override
        public synchronized List<Integer> indexes() {
            return new ArrayList<>(slots.keySet());
        }

        @Override
        public synchronized Reconfigurations.Replacement launchReplacement(int index) {
            WorkerSlot slot = slots.get(index);
            return slot == null ? null : new Reconfigurations.Replacement(slot.current, launch(slot));
        }

        @Override
        public synchronized void promote(WorkerInstance replacement) {
            replacement.slot.current = replacement;
        }

        @Override
        public synchronized List<WorkerInstance> addUpTo(int count) {
            List<WorkerInstance> started = new ArrayList<>();
            for (int index = slots.size() + 1; index <= count; index++) {
                WorkerSlot slot = new WorkerSlot(index);
                slots.put(index, slot);
                slot.current = launch(slot);
                started.add(slot.current);
            }
            return started;
        }

        @Override
        public synchronized List<Reconfigurations.Removed> removeAbove(int count) {
            List<Reconfigurations.Removed> removed = new ArrayList<>();
            while (slots.size() > count) {
                WorkerSlot slot = slots.remove(slots.size());
                removed.add(new Reconfigurations.Removed(slot.index, slot.current));
            }
            return removed;
        }
    }

    /** A process that is only a pid, and remembers being killed. */
    static final class FakeProcess extends Process {

        final long pid;
        volatile boolean destroyedForcibly;

        FakeProcess(long pid) {
            this.pid = pid;
        }

        @Override
        public long pid() {
            return pid;
        }

        @Override
        public OutputStream getOutputStream() {
            return OutputStream.nullOutputStream();
        }

        @Override
        public InputStream getInputStream() {
            return InputStream.nullInputStream();
        }

        @Override
        public InputStream getErrorStream() {
            return InputStream.nullInputStream();
        }

        @Override
        public int waitFor() {
            return 0;
        }

        @Override
        public int exitValue() {
            return 0;
        }

        @Override
        public void destroy() {
        }

        @Override
        public Process destroyForcibly() {
            destroyedForcibly = true;
            return this;
        }

        @Override
        public boolean isAlive() {
            return !destroyedForcibly;
        }
    }
}
