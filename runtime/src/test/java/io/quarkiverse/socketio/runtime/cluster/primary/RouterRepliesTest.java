package io.quarkiverse.socketio.runtime.cluster.primary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** Where plain HTTP is redirected when {@code quarkus.http.insecure-requests=redirect}. */
class RouterRepliesTest {

    @Test
    void theHostKeepsItsNameAndTakesTheHttpsPort() {
        assertEquals("https://example.com:8443/socket.io/?EIO=4&transport=polling",
                RouterReplies.httpsLocation("example.com:8080", 8443, "/socket.io/?EIO=4&transport=polling"));
        assertEquals("https://example.com:8443/", RouterReplies.httpsLocation("example.com", 8443, "/"));
    }

    @Test
    void anIpv6LiteralKeepsItsColons() {
        assertEquals("https://[::1]:8443/x", RouterReplies.httpsLocation("[::1]:8080", 8443, "/x"));
        assertEquals("https://[::1]:8443/x", RouterReplies.httpsLocation("[::1]", 8443, "/x"));
    }

    @Test
    void noHostNoLocation() {
        assertNull(RouterReplies.httpsLocation(null, 8443, "/"));
        assertNull(RouterReplies.httpsLocation(" ", 8443, "/"));
    }
}
