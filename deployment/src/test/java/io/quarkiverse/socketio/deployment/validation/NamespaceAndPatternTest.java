package io.quarkiverse.socketio.deployment.validation;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.socketio.OnConnect;
import io.quarkiverse.socketio.SocketIO;
import io.quarkus.test.QuarkusUnitTest;

class NamespaceAndPatternTest {

    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(Both.class))
            .assertException(DefinitionErrors.expect(
                    "@SocketIO on " + Both.class.getName() + " sets both namespace and namespacePattern",
                    "Set only one"));

    @Test
    void failsTheBuild() {
    }

    @SocketIO(namespace = "/rooms", namespacePattern = "/room-\\d+")
    static class Both {
        @OnConnect
        void joined() {
        }
    }
}
