package io.quarkiverse.socketio.deployment.validation;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.socketio.OnEvent;
import io.quarkiverse.socketio.SocketIO;
import io.quarkiverse.socketio.SocketIOSocket;
import io.quarkus.test.QuarkusUnitTest;

class ReservedEventNameTest {

    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(Reserved.class))
            .assertException(DefinitionErrors.expect(
                    "@OnEvent(\"connect\") on " + Reserved.class.getName() + "#connected(SocketIOSocket) uses a reserved "
                            + "event name",
                    "@OnEvent(\"disconnecting\") on " + Reserved.class.getName() + "#leaving(SocketIOSocket) uses a "
                            + "reserved event name",
                    "connect, connect_error, disconnect, disconnecting, newListener, removeListener are reserved",
                    "Use @OnConnect or @OnDisconnect"));

    @Test
    void failsTheBuild() {
    }

    @SocketIO(namespace = "/reserved")
    static class Reserved {

        @OnEvent("connect")
        void connected(SocketIOSocket socket) {
        }

        @OnEvent("disconnecting")
        void leaving(SocketIOSocket socket) {
        }
    }
}
