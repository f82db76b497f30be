package io.quarkiverse.socketio.devservices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.quarkus.runtime.configuration.ConfigurationException;

/** The redis-server process itself, started and stopped as Dev Services does, without an application around it. */
class RedisServerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private static Path executable() {
        return RedisServer.findOnPath(System.getenv("PATH"))
                .orElseThrow(() -> new AssertionError("these tests need redis-server on the PATH"));
    }

    @Test
    void startsOnLoopbackAnswersAndStopsForGood() throws Exception {
        Path log = dir.resolve("redis.log");
        RedisServer server = new RedisServer(executable(), 0, log, TIMEOUT);
        server.start();
        long pid = server.pid();
        try {
            assertTrue(RedisProcesses.child(pid).isPresent(), "a redis-server child: " + RedisProcesses.children());
            assertTrue(server.port() > 0);
            assertEquals("redis://127.0.0.1:" + server.port(), server.hosts());
            assertEquals(RedisServer.version(executable()), server.reportedVersion());
            assertEquals("+PONG", ping(server.port()));
            String config = command(server.port(), "*3\r\n$6\r\nCONFIG\r\n$3\r\nGET\r\n$1\r\n*\r\n");
            assertTrue(config.contains("\r\nappendonly\r\n$2\r\nno\r\n") && config.contains("\r\nsave\r\n$0\r\n\r\n")
                    && config.contains("\r\nbind\r\n$9\r\n127.0.0.1\r\n"), "no persistence, loopback only: " + config);
        } finally {
            server.close();
        }
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "stopped");
        assertTrue(Files.readString(log).contains("Ready to accept connections"), Files.readString(log));
        server.close(); // again: nothing left to do
    }

    @Test
    void aTakenFixedPortFailsWithTheLog() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Path log = dir.resolve("taken.log");
            RedisServer server = new RedisServer(executable(), taken.getLocalPort(), log, TIMEOUT);
            IllegalStateException e = assertThrows(IllegalStateException.class, server::start);
            assertTrue(e.getMessage().contains("did not answer PING on 127.0.0.1:" + taken.getLocalPort())
                    && e.getMessage().contains("Address already in use"), e.getMessage());
            assertTrue(RedisProcesses.children().isEmpty(), "nothing left running: " + RedisProcesses.children());
        }
    }

    @Test
    void anExistingRedisStartsNothing() {
        RedisServer server = new RedisServer(executable(), 0, dir.resolve("unused.log"), TIMEOUT);
        server.useExisting("redis://localhost:32768");
        server.start();
        assertEquals("redis://localhost:32768", server.hosts());
        assertEquals(-1, server.pid());
        assertTrue(RedisProcesses.children().isEmpty(), "no process: " + RedisProcesses.children());
        server.close();
    }

    @Test
    void notOnThePathSaysWhatToDo() {
        assertTrue(RedisServer.findOnPath(dir.toString() + java.io.File.pathSeparator + "/no/such/dir").isEmpty());
        ConfigurationException e = RedisServer.notFound(new RedisAdapterChoice("redis", "shared"));
        assertEquals("Dev Services for Socket.IO: quarkus.socketio.adapter=redis needs a Redis server, and redis-server"
                + " is not on the PATH. Install Redis (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew"
                + " install redis), or point the Redis client 'shared' at an existing Redis with"
                + " quarkus.redis.shared.hosts=redis://host:6379, or turn this off with"
                + " quarkus.socketio.devservices.enabled=false.", e.getMessage());
        assertEquals(0, e.getStackTrace().length);
    }

    private static String ping(int port) throws IOException {
        return command(port, "*1\r\n$4\r\nPING\r\n").trim();
    }

    private static String command(int port, String resp) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(resp.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[65536];
            int n = in.read(buffer);
            Thread.sleep(100);
            int more = in.available() > 0 ? in.read(buffer, n, buffer.length - n) : 0;
            return new String(buffer, 0, n + Math.max(more, 0), StandardCharsets.UTF_8);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
