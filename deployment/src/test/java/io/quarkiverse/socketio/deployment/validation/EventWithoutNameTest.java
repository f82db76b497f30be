package io.quarkiverse.socketio.deployment.validation;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.socketio.OnEvent;
import io.quarkiverse.socketio.SocketIO;
import io.quarkus.test.QuarkusUnitTest;

class EventWithoutNameTest {

    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(Unnamed.class))
            .assertException(DefinitionErrors.expect(
                    "@OnEvent on " + Unnamed.class.getName() + "#handle(String) has no event name",
                    "Name the event it handles: @OnEvent(\"message\")."));

    @Test
    void failsTheBuild() {
    }

    @SocketIO
    static class Unnamed {

        @OnEvent
        void handle(String text) {
        }
    }
}
