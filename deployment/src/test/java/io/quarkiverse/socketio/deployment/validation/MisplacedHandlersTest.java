package io.quarkiverse.socketio.deployment.validation;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.socketio.OnError;
import io.quarkiverse.socketio.OnEvent;
import io.quarkiverse.socketio.SocketIO;
import io.quarkus.test.QuarkusUnitTest;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.common.annotation.NonBlocking;

/** Several mistakes at once: every one is reported, in one build failure. */
class MisplacedHandlersTest {

    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(NotABean.class, Mistakes.class))
            .assertException(DefinitionErrors.expect(
                    "@OnEvent on " + NotABean.class.getName() + "#ping() is ignored: its class is not a @SocketIO bean",
                    "Annotate " + NotABean.class.getName() + " with @SocketIO",
                    "@OnEvent(\"secret\") " + Mistakes.class.getName() + "#secret() is private",
                    "Make it package-private, protected or public.",
                    "@OnError " + Mistakes.class.getName() + "#failed() takes no exception",
                    "@OnEvent(\"both\") " + Mistakes.class.getName() + "#both() is annotated with @Blocking and "
                            + "@NonBlocking"));

    @Test
    void failsTheBuild() {
    }

    public static class NotABean {
        @OnEvent("ping")
        void ping() {
        }
    }

    @SocketIO(namespace = "/mistakes")
    static class Mistakes {

        @OnEvent("secret")
        private void secret() {
        }

        @OnError
        void failed() {
        }

        @Blocking
        @NonBlocking
        @OnEvent("both")
        void both() {
        }
    }
}
