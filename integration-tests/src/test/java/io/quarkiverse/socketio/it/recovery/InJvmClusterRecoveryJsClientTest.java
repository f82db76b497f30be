package io.quarkiverse.socketio.it.recovery;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The scenarios of {@link RecoveryJsClientTest} on the in-JVM cluster of test mode (two workers): the sessions and
 * the broadcasts are kept by the in-JVM relay's store, as the primary keeps them for worker processes, and a client
 * may come back on the other worker.
 */
@QuarkusTest
@TestProfile(RecoveryJsClientTest.RecoveryOnInJvmCluster.class)
class InJvmClusterRecoveryJsClientTest extends RecoveryJsClientTest {
}
