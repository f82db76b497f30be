package io.quarkiverse.socketio.deployment.validation;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.socketio.OnEvent;
import io.quarkiverse.socketio.SocketIO;
import io.quarkiverse.socketio.SocketIOAck;
import io.quarkus.test.QuarkusUnitTest;

class AckParameterWithReturnValueTest {

    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(Answers.class))
            .assertException(DefinitionErrors.expect(
                    "@OnEvent(\"ask\") " + Answers.class.getName() + "#ask(String, SocketIOAck) takes a SocketIOAck "
                            + "and returns java.lang.String",
                    "Return void, or drop the SocketIOAck parameter and return the answer."));

    @Test
    void failsTheBuild() {
    }

    @SocketIO(namespace = "/answers")
    static class Answers {

        @OnEvent("ask")
        String ask(String question, SocketIOAck ack) {
            return "42";
        }
    }
}
