package io.quarkiverse.socketio.deployment.validation;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Consumer;

/** Asserts the build failed with a SocketIODefinitionException whose message holds every expected fragment. */
final class DefinitionErrors {

    private DefinitionErrors() {
    }

    static Consumer<Throwable> expect(String... fragments) {
        return failure -> {
            Throwable definition = failure;
            while (definition != null && !definition.getClass().getSimpleName().equals("SocketIODefinitionException")) {
                definition = definition.getCause();
            }
            assertNotNull(definition, () -> "no SocketIODefinitionException in " + stack(failure));
            String message = definition.getMessage();
            for (String fragment : fragments) {
                assertTrue(message.contains(fragment), () -> "the message\n" + message + "\ndoes not contain\n" + fragment);
            }
        };
    }

    private static String stack(Throwable failure) {
        java.io.StringWriter out = new java.io.StringWriter();
        failure.printStackTrace(new java.io.PrintWriter(out));
        return out.toString();
    }
}
