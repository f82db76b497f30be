package io.quarkiverse.socketio.it.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkiverse.socketio.it.support.JavaClients;
import io.socket.client.IO;
import io.socket.client.Socket;
import okhttp3.Cookie;
import okhttp3.CookieJar;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * The multi-host recipe of {@code docs/modules/ROOT/pages/multi-host.adoc}, run: two hosts, each a packaged cluster of two
 * workers behind
 * its primary with {@code quarkus.socketio.cookie.enabled=true}, and HAProxy (Debian's package) in front with the
 * recipe's stickiness rule: route on the sid, learned from the {@code io} cookie of the answer that opens a session
 * (a stick table), and for a sid the table does not know, on the host's name that HAProxy prefixed to that cookie.
 * No Redis joins the hosts here: each host knows only its own sessions, so a request that reaches the wrong host is
 * answered "Session ID unknown", which is what the rule must prevent.
 */
@Tag("cluster")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LoadBalancerIT {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String COOKIE = "-Dquarkus.socketio.cookie.enabled=true";
    private static final Pattern SID = Pattern.compile("\"sid\":\"([^\"]+)\"");
    /** How many clients the JavaScript scenario connects, and how many at a time. */
    private static final int CLIENTS = Integer.getInteger("lb.clients", 1000);
    private static final int BATCH = Integer.getInteger("lb.batch", 50);

    private PackagedCluster hostA;
    private PackagedCluster hostB;
    private HAProxy haproxy;

    @BeforeAll
    void startHostsAndBalancer() throws Exception {
        HAProxy.requireInstalled(); // before two clusters are started for nothing
        hostA = PackagedCluster.start("LoadBalancerIT-hostA", COOKIE);
        hostB = PackagedCluster.start("LoadBalancerIT-hostB", COOKIE);
        hostA.awaitWorkersReady(2, Duration.ofSeconds(60));
        hostB.awaitWorkersReady(2, Duration.ofSeconds(60));
        haproxy = HAProxy.start("LoadBalancerIT", HAProxy.recipe(List.of(hostA.port(), hostB.port())));
    }

    @AfterAll
    void stopAll() {
        if (haproxy != null) {
            haproxy.close();
        }
        if (hostA != null) {
            hostA.close();
        }
        if (hostB != null) {
            hostB.close();
        }
    }

    /** The host ("hostA", "hostB") of a worker pid, or null. */
    private String hostOf(long pid) {
        if (hostA.readyWorkers().containsValue(pid)) {
            return "hostA";
        }
        return hostB.readyWorkers().containsValue(pid) ? "hostB" : null;
    }

    private static HttpClient http() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    private static HttpResponse<String> send(HttpClient http, URI base, String query, String body, String cookie)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("/socket.io/?EIO=4&transport=polling" + query))
                .timeout(Duration.ofSeconds(10));
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        request = body == null ? request.GET() : request.POST(HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A polling session opened by hand through {@code base}: its sid and its {@code Set-Cookie}. */
    private record Session(String sid, String setCookie) {

        /** {@code io=hostA~<sid>}: the cookie as a client sends it back. */
        String cookie() {
            return setCookie.substring(0, setCookie.indexOf(';'));
        }

        /** The host HAProxy prefixed to the cookie. */
        String host() {
            return cookie().substring("io=".length(), cookie().indexOf('~'));
        }

        static Session open(HttpClient http, URI base) throws Exception {
            HttpResponse<String> handshake = send(http, base, "", null, null);
            assertEquals(200, handshake.statusCode(), handshake.body());
            Matcher sid = SID.matcher(handshake.body());
            assertTrue(sid.find(), handshake.body());
            List<String> cookies = handshake.headers().allValues("Set-Cookie");
            assertEquals(1, cookies.size(), "one Set-Cookie: " + cookies);
            return new Session(sid.group(1), cookies.get(0));
        }
    }

    @Test
    @Order(1)
    void theAnswerThatOpensASessionCarriesItsCookieThroughThePrimaryAndTheBalancer() throws Exception {
        HttpClient http = http();
        // straight to a host's primary: the worker's cookie, relayed untouched
        Session direct = Session.open(http, hostA.uri());
        assertEquals("io=" + direct.sid() + "; Path=/; HttpOnly; SameSite=Lax", direct.setCookie(),
                "Node's default cookie, through the primary");
        assertEquals("ok", send(http, hostA.uri(), "&sid=" + direct.sid(), "1", null).body(), "closed");

        // through HAProxy: the host's name prefixed, and the sid in the stick table, pointing at the same host
        Set<String> hosts = new HashSet<>();
        List<Session> sessions = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Session session = Session.open(http, haproxy.uri());
            assertTrue(session.setCookie().matches("io=host[AB]~" + Pattern.quote(session.sid())
                    + "; Path=/; HttpOnly; SameSite=Lax"), session.setCookie());
            assertEquals(session.host().equals("hostA") ? 1 : 2, haproxy.tableServer(session.sid()),
                    "the stick table's server for " + session + haproxy.command("show table " + HAProxy.BACKEND));
            hosts.add(session.host());
            sessions.add(session);
        }
        assertEquals(Set.of("hostA", "hostB"), hosts, "handshakes spread over both hosts");

        // the sid decides, whatever cookie comes with it: none (the Java client, the Node client without
        // withCredentials), or another session's (a browser whose tabs opened sessions on both hosts at once)
        for (Session session : sessions) {
            Session other = sessions.stream().filter(s -> !s.host().equals(session.host())).findFirst().orElseThrow();
            assertEquals("ok", send(http, haproxy.uri(), "&sid=" + session.sid(), "6", null).body(), "no cookie");
            assertEquals("ok", send(http, haproxy.uri(), "&sid=" + session.sid(), "6", other.cookie()).body(),
                    "the cookie of a session of the other host");
            assertEquals("ok", send(http, haproxy.uri(), "&sid=" + session.sid(), "1", session.cookie()).body(),
                    "its own cookie; closed");
        }
    }

    @Test
    @Order(2)
    void aThousandPollingClientsUpgradeThroughTheBalancerWithoutSessionIdUnknown() throws Exception {
        Map<String, List<Long>> hosts = new LinkedHashMap<>();
        hosts.put("hostA", List.copyOf(hostA.readyWorkers().values()));
        hosts.put("hostB", List.copyOf(hostB.readyWorkers().values()));
        String options = MAPPER.writeValueAsString(Map.of("clients", CLIENTS, "batch", BATCH, "credentials",
                "alternate", "hosts", hosts));
        long started = System.nanoTime();
        JsonNode r = NodeScript.run("cluster-lb", haproxy.uri(), options, Duration.ofMinutes(10), "LoadBalancerIT");
        long ms = (System.nanoTime() - started) / 1_000_000;
        String all = "\n" + r.toPrettyString() + haproxy.describe();
        System.out.printf("LoadBalancerIT: %d clients (polling, then WebSocket, then an ack; half with cookies) through "
                + "HAProxy in %d ms (connect phase %d ms, slowest batch of %d %d ms): %d connected, %d failures, "
                + "%d 'Session ID unknown'; per host %s; fetched per host %s%n", CLIENTS, ms,
                r.path("connectMs").asLong(), BATCH, r.path("slowestBatchMs").asLong(), r.path("connected").asInt(),
                r.path("failureCount").asInt(), r.path("sessionIdUnknown").asInt(), r.path("perHost"),
                r.path("fetched"));

        assertEquals(0, r.path("sessionIdUnknown").asInt(-1), "clients that met 'Session ID unknown'" + all);
        assertEquals(0, r.path("failureCount").asInt(-1), "clients that failed to connect, upgrade or get the ack"
                + all);
        assertEquals(0, r.path("connectErrorCount").asInt(-1), "connect_error events" + all);
        assertEquals(0, r.path("upgradeErrorCount").asInt(-1), "failed upgrades" + all);
        assertEquals(0, r.path("disconnectCount").asInt(-1), "disconnects" + all);
        assertEquals(0, r.path("notWebSocketCount").asInt(-1), "connections not on WebSocket, as the server saw them"
                + all);
        assertEquals(CLIENTS, r.path("connected").asInt(), "clients that did their round trip" + all);

        // both hosts served, each with both of its workers, clients with cookies and clients without
        int a = r.path("perHost").path("hostA").asInt();
        int b = r.path("perHost").path("hostB").asInt();
        assertEquals(CLIENTS, a + b, "every answer came from a worker of one of the hosts" + all);
        assertTrue(a >= CLIENTS / 4 && b >= CLIENTS / 4, "leastconn spreads the handshakes over both hosts" + all);
        for (String mode : List.of("cookies", "noCookies")) {
            JsonNode m = r.path("perCookieMode").path(mode);
            assertTrue(m.path("hostA").asInt() > 0 && m.path("hostB").asInt() > 0, mode + " on both hosts" + all);
        }
        for (List<Long> pids : hosts.values()) {
            for (long pid : pids) {
                assertTrue(r.path("perPid").path(Long.toString(pid)).asInt() > 0, "worker " + pid + " served" + all);
            }
        }
        // what each host holds (fetchSockets through one of its clients): exactly the clients it answered
        for (Map.Entry<String, List<Long>> host : hosts.entrySet()) {
            JsonNode f = r.path("fetched").path(host.getKey());
            assertEquals(r.path("perHost").path(host.getKey()).asInt(), f.path("size").asInt(), host.getKey() + all);
            assertEquals(0, f.path("missing").asInt(-1), host.getKey() + ": sockets missing" + all);
            assertEquals(0, f.path("extra").asInt(-1), host.getKey() + ": sockets of the other host" + all);
            Set<Long> pids = new HashSet<>();
            f.path("pids").forEach(pid -> pids.add(pid.asLong()));
            assertEquals(Set.copyOf(host.getValue()), pids, host.getKey() + ": sockets of both its workers" + all);
        }
        // and from the balancer's side: no host refused a request (its log line of each request, tests 1 and 2)
        assertEquals(0, haproxy.answered(400), "requests a host answered 400" + haproxy.describe());
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (haproxy.answered(101) < CLIENTS && System.nanoTime() < deadline) {
            Thread.sleep(100); // a WebSocket's line is written when its connection ends
        }
        assertTrue(haproxy.answered(101) >= CLIENTS, "WebSocket upgrades through HAProxy" + haproxy.describe());
        // the clients with withCredentials sent the cookie back, up to their WebSocket upgrade; the others did not
        assertEquals(CLIENTS / 2, haproxy.logLines(Pattern.compile(
                " 101 .*\\{host[AB]~([^}]+)\\} \"GET /socket\\.io/\\?EIO=4&transport=websocket&sid=\\1")),
                "upgrades with the session's cookie" + haproxy.describe());
        assertEquals(CLIENTS / 2, haproxy.logLines(Pattern.compile(
                " 101 .*\\{\\} \"GET /socket\\.io/\\?EIO=4&transport=websocket&sid=")),
                "upgrades without a cookie" + haproxy.describe());
        assertTrue(haproxy.tableSize() >= CLIENTS, "the stick table learned every session: "
                + haproxy.command("show table " + HAProxy.BACKEND).lines().findFirst().orElse(""));
    }

    @Test
    @Order(3)
    void theJavaClientNeedsNothingAndKeepsTheCookieWithAJar() throws Exception {
        // io.socket:socket.io-client keeps no cookies (its OkHttpClient has no cookie jar): the sid routes it. The
        // even-numbered clients get an OkHttp client with a cookie jar, as docs/modules/ROOT/pages/multi-host.adoc shows, and must send the
        // cookie back on every request after the handshake, their WebSocket upgrade included.
        int count = 20;
        List<Socket> sockets = new ArrayList<>();
        List<String> sids;
        Map<String, Integer> perHost = new LinkedHashMap<>();
        try {
            List<CompletableFuture<Object[]>> welcomes = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                Socket socket = javaClient(i, i % 2 == 0);
                sockets.add(socket);
                welcomes.add(JavaClients.once(socket, "welcome"));
                JavaClients.connect(socket);
            }
            for (int i = 0; i < count; i++) {
                Socket socket = sockets.get(i);
                JavaClients.await(welcomes.get(i), "welcome of java" + i);
                JavaClients.awaitCondition(() -> "websocket".equals(JavaClients.transportName(socket)),
                        "java" + i + " upgraded to WebSocket");
                JSONObject info = (JSONObject) JavaClients.await(JavaClients.emitWithAck(socket, "info"),
                        "info ack of java" + i)[0];
                assertEquals("websocket", info.getString("transport"), "java" + i + ": the server's view");
                String host = hostOf(info.getLong("pid"));
                assertNotEquals(null, host, "java" + i + " answered by a worker of a host: " + info);
                perHost.merge(host, 1, Integer::sum);
            }
            sids = sockets.stream().map(socket -> JavaClients.engine(socket).id()).toList();
        } finally {
            sockets.forEach(Socket::disconnect);
        }
        // HAProxy's log, once every WebSocket closed (an upgrade is logged when its connection ends): each request of
        // a session after its handshake, the upgrade included, with the cookie for the clients with a jar only
        for (int i = 0; i < count; i++) {
            String sid = sids.get(i);
            Pattern anyRequest = Pattern.compile("\\{[^}]*\\} \"\\S+ \\S+sid=" + Pattern.quote(sid) + "[ &]");
            Pattern withCookie = Pattern.compile("\\{host[AB]~" + Pattern.quote(sid) + "\\} \"\\S+ \\S+sid="
                    + Pattern.quote(sid) + "[ &]");
            Pattern upgrade = Pattern.compile(" 101 .*transport=websocket&sid=" + Pattern.quote(sid) + "[ &]");
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (haproxy.logLines(upgrade) < 1 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(1, haproxy.logLines(upgrade), "java" + i + "'s upgrade in the log" + haproxy.describe());
            long requests = haproxy.logLines(anyRequest);
            assertTrue(requests >= 2, "java" + i + ": requests after the handshake in the log: " + requests);
            assertEquals(i % 2 == 0 ? requests : 0, haproxy.logLines(withCookie),
                    "java" + i + (i % 2 == 0 ? ": every request with the cookie" : ": no cookie") + haproxy.describe());
        }
        System.out.printf("LoadBalancerIT: %d Java clients (polling, then WebSocket, then an ack), half with a cookie "
                + "jar: %s%n", count, perHost);
        assertEquals(Set.of("hostA", "hostB"), perHost.keySet(), "Java clients on both hosts: " + perHost);
    }

    /** The official Java client on /cluster through HAProxy; with {@code jar}, the OkHttp client of the docs. */
    private Socket javaClient(int i, boolean jar) {
        if (!jar) {
            return JavaClients.socket(haproxy.uri(), "/cluster", JavaClients.ClientTransport.DEFAULT,
                    Map.of("name", "java" + i));
        }
        OkHttpClient http = new OkHttpClient.Builder()
                .cookieJar(new CookieJar() { // one jar per Socket.IO client
                    private final List<Cookie> cookies = new CopyOnWriteArrayList<>();

                    @Override
                    public void saveFromResponse(HttpUrl url, List<Cookie> received) {
                        for (Cookie c : received) {
                            cookies.removeIf(old -> old.name().equals(c.name()));
                            cookies.add(c);
                        }
                    }

                    @Override
                    public List<Cookie> loadForRequest(HttpUrl url) {
                        return cookies.stream().filter(c -> c.matches(url)).toList();
                    }
                })
                .readTimeout(1, TimeUnit.MINUTES)
                .build();
        IO.Options options = IO.Options.builder().build();
        options.callFactory = http;
        options.webSocketFactory = http;
        options.forceNew = true;
        options.reconnection = false;
        options.timeout = JavaClients.STEP.toMillis();
        options.auth = Map.of("name", "java" + i);
        return IO.socket(URI.create(haproxy.uri() + "/cluster"), options);
    }

    @Test
    @Order(4)
    void whenTheTableIsLostTheCookieKeepsSessionsOnTheirHost() throws Exception {
        HttpClient before = http();
        List<Session> sessions = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            sessions.add(Session.open(before, haproxy.uri()));
        }
        assertEquals(Set.of("hostA", "hostB"), new HashSet<>(sessions.stream().map(Session::host).toList()),
                "sessions on both hosts");

        haproxy.restart(); // without a peers section, a restart or a reload empties the stick table
        assertEquals(0, haproxy.tableSize(), "the stick table after the restart");

        HttpClient after = http(); // the old connections died with the old process
        List<String> refused = new ArrayList<>();
        for (Session session : sessions) {
            HttpResponse<String> noop = send(after, haproxy.uri(), "&sid=" + session.sid(), "6", session.cookie());
            if (noop.statusCode() != 200) {
                refused.add(session + ": " + noop.statusCode() + " " + noop.body());
            }
            send(after, haproxy.uri(), "&sid=" + session.sid(), "1", session.cookie());
        }
        assertEquals(List.of(), refused, "requests routed by the cookie alone" + haproxy.describe());
        assertEquals(0, haproxy.tableSize(), "no request opened a session, so the table stays empty");
    }

    @Test
    @Order(5)
    void withoutTheRuleClientsMeetSessionIdUnknown() throws Exception {
        // the control: the same two hosts behind the recipe's defaults and a backend without any stickiness. What the
        // tests above count as zero is not zero here, so they would have seen a rule that does not hold.
        String recipe = HAProxy.recipe(List.of(hostA.port(), hostB.port()));
        String plain = recipe.substring(0, recipe.indexOf("backend " + HAProxy.BACKEND))
                + "backend " + HAProxy.BACKEND + "\n"
                + "    balance roundrobin\n"
                + "    server hostA 127.0.0.1:" + hostA.port() + "\n"
                + "    server hostB 127.0.0.1:" + hostB.port() + "\n";
        try (HAProxy roundRobin = HAProxy.start("LoadBalancerIT-roundrobin", plain)) {
            String options = MAPPER.writeValueAsString(Map.of("clients", 20, "batch", 20, "credentials", false));
            JsonNode r = NodeScript.run("cluster-lb", roundRobin.uri(), options, Duration.ofMinutes(2),
                    "LoadBalancerIT-roundrobin");
            System.out.printf("LoadBalancerIT: 20 clients through HAProxy without stickiness: %d connected, %d failures, "
                    + "%d 'Session ID unknown'%n", r.path("connected").asInt(), r.path("failureCount").asInt(),
                    r.path("sessionIdUnknown").asInt());
            assertTrue(r.path("sessionIdUnknown").asInt() > 0, "'Session ID unknown' without stickiness\n"
                    + r.toPrettyString());
            assertTrue(roundRobin.answered(400) > 0, "hosts answered 400" + roundRobin.describe());
        }
    }
}
