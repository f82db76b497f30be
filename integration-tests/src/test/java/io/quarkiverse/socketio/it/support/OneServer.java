package io.quarkiverse.socketio.it.support;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * A test profile for tests of one server on its own ({@code quarkus.socketio.cluster.workers=0}) rather than the
 * in-JVM cluster of two workers that test mode runs by default: what they check (local sockets seen from the test,
 * serverSideEmit without other servers) is what a single process does.
 */
public class OneServer implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("quarkus.socketio.cluster.workers", "0");
    }
}
