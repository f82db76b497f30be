package io.quarkiverse.socketio.runtime.admin;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

class AdminAuthenticatorTest {

    /** "changeit", as the Admin UI's documentation hashes it ($2b$, Node's bcrypt package). */
    static final String NODE_DOCS_HASH = "$2b$10$heqvAkYMez.Va6Et2uXInOnkCT6/uQj1brkrbyG3LpopDklcq7ZOS";
    /** "changeit", hashed by the npm package bcryptjs 2.4.3 ($2a$), which the Admin UI's server uses. */
    static final String BCRYPTJS_HASH = "$2a$10$WCH9Hm7WXhfc.h1Cxe9RK.My8IcgA7nW54WHHaBHKexFrx2X9BZ4W";

    private final MutableClock clock = new MutableClock();

    @Test
    void acceptsTheRightPasswordForHashesOfNodesTools() {
        for (String hash : new String[] { NODE_DOCS_HASH, BCRYPTJS_HASH }) {
            AdminAuthenticator authenticator = new AdminAuthenticator("admin", hash, Duration.ofHours(1), clock);
            assertTrue(authenticator.checkCredentials("admin", "changeit"), hash);
            assertFalse(authenticator.checkCredentials("admin", "changeIt"), hash);
            assertFalse(authenticator.checkCredentials("root", "changeit"), hash);
            assertFalse(authenticator.checkCredentials("admin", null), hash);
            assertFalse(authenticator.checkCredentials(null, "changeit"), hash);
        }
    }

    @Test
    void aSessionIsValidOnAnyProcessWithTheSameConfigurationUntilItExpires() {
        AdminAuthenticator issuer = new AdminAuthenticator("admin", NODE_DOCS_HASH, Duration.ofHours(1), clock);
        AdminAuthenticator otherWorker = new AdminAuthenticator("admin", NODE_DOCS_HASH, Duration.ofHours(1), clock);
        String session = issuer.newSession();
        assertNotEquals(session, issuer.newSession(), "each session is new");
        assertTrue(otherWorker.isValidSession(session));

        clock.now = clock.now.plus(Duration.ofMinutes(59));
        assertTrue(otherWorker.isValidSession(session));
        clock.now = clock.now.plus(Duration.ofMinutes(2));
        assertFalse(otherWorker.isValidSession(session), "expired");
    }

    @Test
    void refusesSessionsItDidNotSign() {
        AdminAuthenticator authenticator = new AdminAuthenticator("admin", NODE_DOCS_HASH, Duration.ofHours(1), clock);
        String session = authenticator.newSession();
        AdminAuthenticator otherPassword = new AdminAuthenticator("admin", BCRYPTJS_HASH, Duration.ofHours(1), clock);
        assertFalse(otherPassword.isValidSession(session), "another password hash signs differently");
        char[] chars = session.toCharArray();
        chars[3] = chars[3] == 'A' ? 'B' : 'A';
        assertFalse(authenticator.isValidSession(new String(chars)), "body changed (a later expiry, say)");
        assertFalse(authenticator.isValidSession(session.substring(0, session.indexOf('.')) + ".AAAA"));
        for (String junk : new String[] { null, "", ".", "no-dot", "!!!.???", "a.b.c" }) {
            assertFalse(authenticator.isValidSession(junk), junk);
        }
    }

    private static final class MutableClock extends Clock {
        Instant now = Instant.parse("2026-12-08T00:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
