package io.quarkiverse.socketio.samples.chat;

import java.net.URI;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The demo as the README runs it: the packaged application, which its {@code prod} profile makes a cluster of two
 * worker processes behind a primary. Alice and Bob chat in a real browser; least-connection routing puts the second
 * session on the other worker, so the member list ({@code fetchSockets}) and the messages cross the primary's relay.
 * Then SIGTERM stops the whole cluster, with status 0.
 */
@Tag("cluster")
class ChatClusterIT {

    @Test
    void twoBrowsersChatThroughTheCluster() throws Exception {
        try (PackagedCluster cluster = PackagedCluster.start()) {
            BrowserChat.chatAndCheck(URI.create("http://127.0.0.1:" + cluster.port() + "/"));
            cluster.stopAndCheck();
        }
    }
}
