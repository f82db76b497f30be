package io.quarkiverse.socketio.deployment.validation;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.socketio.OnConnect;
import io.quarkiverse.socketio.OnEvent;
import io.quarkiverse.socketio.SocketIO;
import io.quarkus.test.QuarkusUnitTest;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/** A Multi needs the event of its items, {@code emit} needs a Multi, and only an {@code @OnEvent} may stream. */
class MultiStreamValidationTest {

    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(Streams.class))
            .assertException(DefinitionErrors.expect(
                    "@OnEvent(\"ticks\") " + Streams.class.getName() + "#ticks() returns Multi but names no event for "
                            + "its items. Name it: @OnEvent(value = \"ticks\", emit = \"item\")",
                    "@OnEvent(\"one\") " + Streams.class.getName() + "#one() sets emit = \"tick\" but returns "
                            + "io.smallrye.mutiny.Uni<java.lang.String>: emit names the event of a Multi's items. "
                            + "Return a Multi, or remove emit.",
                    "@OnConnect " + Streams.class.getName() + "#connect() returns Multi, which only an @OnEvent method "
                            + "may"));

    @Test
    void failsTheBuild() {
    }

    @SocketIO(namespace = "/streams")
    static class Streams {

        @OnEvent("ticks")
        Multi<Integer> ticks() {
            return Multi.createFrom().items(1, 2);
        }

        @OnEvent(value = "one", emit = "tick")
        Uni<String> one() {
            return Uni.createFrom().item("x");
        }

        @OnConnect
        Multi<String> connect() {
            return Multi.createFrom().empty();
        }
    }
}
