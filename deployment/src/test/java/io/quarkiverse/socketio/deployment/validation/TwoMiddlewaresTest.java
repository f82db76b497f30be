package io.quarkiverse.socketio.deployment.validation;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.socketio.Handshake;
import io.quarkiverse.socketio.Middleware;
import io.quarkiverse.socketio.SocketIO;
import io.quarkiverse.socketio.SocketIOSocket;
import io.quarkus.test.QuarkusUnitTest;

class TwoMiddlewaresTest {

    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(Guarded.class))
            .assertException(DefinitionErrors.expect(
                    "@Middleware is declared twice on " + Guarded.class.getName(),
                    Guarded.class.getName() + "#token(Handshake)",
                    Guarded.class.getName() + "#origin(SocketIOSocket)",
                    "Merge them into one method, or add further middlewares with SocketIONamespace.use(...)."));

    @Test
    void failsTheBuild() {
    }

    @SocketIO(namespace = "/guarded")
    static class Guarded {

        @Middleware
        void token(Handshake handshake) {
        }

        @Middleware
        void origin(SocketIOSocket socket) {
        }
    }
}
