package io.quarkiverse.socketio.deployment.validation;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.socketio.OnConnect;
import io.quarkiverse.socketio.OnEvent;
import io.quarkiverse.socketio.SocketIO;
import io.quarkus.test.QuarkusUnitTest;

/**
 * Handlers inherited from a superclass and from an interface's default method are checked as the bean's own: each
 * problem names the class that declares the method.
 */
class InheritedHandlersValidationTest {

    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(Base.class, Defaults.class, Room.class))
            .assertException(DefinitionErrors.expect(
                    "Unsupported parameter type java.lang.String of @OnConnect " + Base.class.getName()
                            + "#joined(String): @OnConnect takes SocketIOSocket and Handshake.",
                    "@OnEvent(\"secret\") " + Base.class.getName() + "#secret() is private",
                    "@OnDisconnect " + Defaults.class.getName() + "#left() returns java.lang.String, which nothing "
                            + "receives",
                    "@OnEvent(\"twice\") is declared twice in namespace /room: " + Base.class.getName() + "#twice() and "
                            + Defaults.class.getName() + "#alsoTwice()"));

    @Test
    void failsTheBuild() {
    }

    public abstract static class Base {

        @OnConnect
        void joined(String notAllowed) {
        }

        @OnEvent("secret")
        private void secret() {
        }

        @OnEvent("twice")
        void twice() {
        }
    }

    public interface Defaults {

        @io.quarkiverse.socketio.OnDisconnect
        default String left() {
            return "nobody hears this";
        }

        @OnEvent("twice")
        default void alsoTwice() {
        }
    }

    @SocketIO(namespace = "/room")
    public static class Room extends Base implements Defaults {
    }
}
