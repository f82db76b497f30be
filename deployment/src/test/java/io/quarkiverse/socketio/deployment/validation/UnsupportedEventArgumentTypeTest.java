package io.quarkiverse.socketio.deployment.validation;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.socketio.DisconnectReason;
import io.quarkiverse.socketio.OnEvent;
import io.quarkiverse.socketio.SocketIO;
import io.quarkus.test.QuarkusUnitTest;
import io.smallrye.mutiny.Uni;

class UnsupportedEventArgumentTypeTest {

    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(Feed.class))
            .assertException(DefinitionErrors.expect(
                    "Unsupported parameter type io.smallrye.mutiny.Uni<java.lang.String> of @OnEvent(\"post\") "
                            + Feed.class.getName() + "#post(Uni<String>)",
                    "Declare the argument's own type",
                    "Unsupported parameter type io.quarkiverse.socketio.DisconnectReason of @OnEvent(\"leave\") "
                            + Feed.class.getName() + "#leave(DisconnectReason)",
                    "@OnEvent takes SocketIOSocket, Handshake, SocketIOEvent, SocketIOAck and the event arguments",
                    "Unsupported parameter type java.util.List<java.lang.String>[] of @OnEvent(\"lists\") "
                            + Feed.class.getName() + "#lists(List<String>[])",
                    "Declare a List instead, for example List<java.util.List<java.lang.String>>."));

    @Test
    void failsTheBuild() {
    }

    @SocketIO(namespace = "/feed")
    static class Feed {

        @OnEvent("post")
        void post(Uni<String> text) {
        }

        @OnEvent("leave")
        void leave(DisconnectReason reason) {
        }

        @OnEvent("lists")
        void lists(java.util.List<String>[] lists) {
        }
    }
}
