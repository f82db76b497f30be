package io.quarkiverse.socketio.it.declarative;

import static io.quarkiverse.socketio.it.support.JavaClients.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkiverse.socketio.it.support.NodeScenarios;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** Handlers returning a {@code Multi} ({@link StreamFixture}) with the official JavaScript client. */
@QuarkusTest
class StreamJsClientTest {

    @TestHTTPResource("/")
    URI base;

    @Inject
    StreamFixture fixture;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "polling", "websocket", "default" })
    void itemsInOrderThenEndOrErrorAndCancellationOnDisconnect(String mode) throws Exception {
        JsonNode result = NodeScenarios.run(base, "declarative-stream", mode);

        assertEquals(json("{\"items\":[0,1,2,3,4],\"end\":[],\"ack\":[]}"), result.get("count"),
                "the items in order, n:end, then an ack with no arguments");
        assertEquals(json("{\"items\":[1,2],\"error\":{\"message\":\"stream failed\"},"
                + "\"ack\":[{\"handled\":\"stream failed\"}]}"), result.get("fail"),
                "f:error with the message; the @OnError handler's answer is the ack");
        assertTrue(fixture.failures().contains("fail: stream failed"), fixture.failures().toString());

        assertEquals(json("{\"count\":300,\"inOrder\":true,\"end\":[]}"), result.get("big"));
        assertEquals(1, fixture.largestDemand(), "items requested one at a time");

        assertEquals(json("[0,1,2]"), result.get("ticks"));
        fixture.cancelled(result.get("endlessId").asText()).get(5, TimeUnit.SECONDS);
    }
}
