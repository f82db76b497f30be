package io.quarkiverse.socketio.runtime.cluster.primary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/** The workers' lines as the primary prints and keeps them, without processes. */
class WorkerOutputTest {

    final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    final WorkerOutput output = new WorkerOutput(new PrintStream(printed, true, StandardCharsets.UTF_8));
    final List<String> kept = new CopyOnWriteArrayList<>();

    @Test
    void eachLineIsPrintedAndKeptWithTheWorkersIndex() {
        output.pipe(3, stream("started\nserving é\r\nlast line without end"), kept::add);
        output.awaitEnd(5000);
        assertEquals(List.of("[worker 3] started", "[worker 3] serving é", "[worker 3] last line without end"), kept);
        assertEquals(String.join(System.lineSeparator(), kept) + System.lineSeparator(),
                printed.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aReadFailingWhileTheWorkerExitsDoesNotLoseTheLinesAfterIt() {
        // what the JDK does to the pipe of a process that exited: the read in progress fails, the rest is still there
        InputStream closing = new InputStream() {
            final InputStream rest = stream("first\nsecond\n");
            int failures = 2;

            @Override
            public int read() throws IOException {
                return rest.read();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (failures-- > 0) {
                    throw new IOException("Stream closed");
                }
                return rest.read(b, off, len);
            }
        };
        output.pipe(1, closing, kept::add);
        output.awaitEnd(5000);
        assertEquals(List.of("[worker 1] first", "[worker 1] second"), kept);
    }

    @Test
    void theLastLinesOfASlotAreBounded() {
        LastLines lines = new LastLines(3);
        IntStream.rangeClosed(1, 5).forEach(i -> lines.add("line " + i));
        assertEquals(List.of("line 3", "line 4", "line 5"), lines.lines());

        LastLines slot = new LastLines();
        IntStream.rangeClosed(1, 250).forEach(i -> slot.add("line " + i));
        assertEquals(LastLines.KEPT, slot.lines().size());
        assertEquals("line 51", slot.lines().get(0));
    }

    private static InputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
