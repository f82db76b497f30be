package io.quarkiverse.socketio.runtime.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

/** The operator's commands: the words of the command line, and what each asks of a cluster. */
class OperatorCommandTest {

    @Test
    void wordsParseToCommandsAndBack() {
        for (List<String> words : List.of(List.of("status"), List.of("status", "--json"), List.of("reload"),
                List.of("restart", "2"), List.of("scale", "4"), List.of("logs"), List.of("stop"))) {
            assertEquals(words, OperatorCommand.parse(words).words());
        }
        assertEquals(new OperatorCommand.Restart(3), OperatorCommand.parse(List.of("restart", "3")));
    }

    @Test
    void aWrongCommandNamesTheProblemAndShowsTheUsage() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> OperatorCommand.parse(List.of("explode")));
        assertTrue(unknown.getMessage().contains("explode") && unknown.getMessage().contains("restart"),
                unknown.getMessage());
        IllegalArgumentException notANumber = assertThrows(IllegalArgumentException.class,
                () -> OperatorCommand.parse(List.of("scale", "many")));
        assertTrue(notANumber.getMessage().contains("many") && notANumber.getMessage().contains("<count>"),
                notANumber.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> OperatorCommand.parse(List.of("restart")));
        assertTrue(missing.getMessage().contains("<worker>"), missing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> OperatorCommand.parse(List.of()));
    }

    @Test
    void eachCommandCallsItsOperation() throws Exception {
        Recorder cluster = new Recorder();
        List<String> progress = new ArrayList<>();
        assertEquals("restarted worker 2", new OperatorCommand.Restart(2).run(cluster, progress::add));
        assertEquals("scaled to 3", new OperatorCommand.Scale(3).run(cluster, progress::add));
        assertEquals("reloaded", new OperatorCommand.Reload().run(cluster, progress::add));
        assertEquals("2 workers, configuration generation 7", new OperatorCommand.Status(false).run(cluster,
                progress::add));
        assertTrue(new OperatorCommand.Status(true).run(cluster, progress::add).contains("\"state\":\"READY\""));
        assertEquals(List.of("restart 2", "scale 3", "reload"), cluster.calls);
        assertTrue(progress.get(progress.size() - 2).startsWith("1 "), progress.toString());
    }

    /** A cluster that records what it is asked. */
    private static final class Recorder implements ClusterOperations {
        final List<String> calls = new ArrayList<>();

        @Override
        public List<WorkerStatus> status() {
            return List.of(new WorkerStatus(1, 11, WorkerStatus.State.READY, 1000, 0, 3, 2048, 500, 7),
                    new WorkerStatus(2, 12, WorkerStatus.State.STARTING, 0, 1, 0, 1024, 100, 7));
        }

        @Override
        public int generation() {
            return 7;
        }

        @Override
        public List<String> logs() {
            return List.of();
        }

        @Override
        public void reload(Consumer<String> progress) {
            calls.add("reload");
        }

        @Override
        public void restart(int worker, Consumer<String> progress) {
            calls.add("restart " + worker);
        }

        @Override
        public void scale(int workers, Consumer<String> progress) {
            calls.add("scale " + workers);
        }

        @Override
        public void stop() {
            calls.add("stop");
        }
    }
}
