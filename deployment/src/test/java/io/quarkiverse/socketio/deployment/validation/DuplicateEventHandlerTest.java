package io.quarkiverse.socketio.deployment.validation;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.socketio.OnEvent;
import io.quarkiverse.socketio.SocketIO;
import io.quarkiverse.socketio.SocketIOSocket;
import io.quarkus.test.QuarkusUnitTest;

class DuplicateEventHandlerTest {

    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(Chat.class))
            .assertException(DefinitionErrors.expect(
                    "@OnEvent(\"chat\") is declared twice in namespace /chat",
                    Chat.class.getName() + "#first(SocketIOSocket, String)",
                    Chat.class.getName() + "#second(String)",
                    "Keep one handler per event."));

    @Test
    void failsTheBuild() {
    }

    @SocketIO(namespace = "/chat")
    static class Chat {

        @OnEvent("chat")
        void first(SocketIOSocket socket, String text) {
        }

        @OnEvent("chat")
        void second(String text) {
        }
    }
}
