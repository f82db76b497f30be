package io.quarkiverse.socketio.deployment.validation;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.socketio.OnConnect;
import io.quarkiverse.socketio.SocketIO;
import io.quarkus.test.QuarkusUnitTest;

class TwoBeansForOneNamespaceTest {

    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(First.class, Second.class))
            .assertException(DefinitionErrors.expect(
                    "Namespace /chat is declared by two @SocketIO beans: " + First.class.getName() + " and "
                            + Second.class.getName(),
                    "Keep one bean per namespace"));

    @Test
    void failsTheBuild() {
    }

    @SocketIO(namespace = "/chat")
    static class First {
        @OnConnect
        void joined() {
        }
    }

    // the same namespace, without the leading slash
    @SocketIO(namespace = "chat")
    static class Second {
        @OnConnect
        void joined() {
        }
    }
}
