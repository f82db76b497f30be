package io.quarkiverse.socketio.deployment.validation;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.socketio.OnConnect;
import io.quarkiverse.socketio.SocketIO;
import io.quarkiverse.socketio.SocketIOSocket;
import io.quarkus.test.QuarkusUnitTest;

class UnsupportedParameterTypeTest {

    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(Lobby.class))
            .assertException(DefinitionErrors.expect(
                    "Unsupported parameter type java.lang.String of @OnConnect "
                            + Lobby.class.getName() + "#joined(SocketIOSocket, String)",
                    "@OnConnect takes SocketIOSocket and Handshake",
                    "Remove the parameter"));

    @Test
    void failsTheBuild() {
    }

    @SocketIO(namespace = "/lobby")
    static class Lobby {

        @OnConnect
        void joined(SocketIOSocket socket, String name) {
        }
    }
}
