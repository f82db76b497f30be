// Many clients (options.clients, 1000 by default) on /cluster through a load balancer in front of several hosts
// (LoadBalancerIT: HAProxy in front of two packaged clusters). Default transports: each connection opens over HTTP
// long-polling, upgrades to WebSocket, then does one round trip (the `info` ack, which says which worker process
// answered and on which transport). Clients connect options.batch (50) at a time and stay connected until the end,
// so that the two cores of a CI machine cope. options.credentials: true (every client keeps cookies: the Node client's
// withCredentials, its cookie jar), false (none does), or "alternate" (the even-numbered clients do): browsers keep
// cookies, the Node client without withCredentials and the Java client do not.
// At the end, one client of each host (options.hosts: {label: [worker pids]}) asks `fetch` for every socket of the
// namespace: each host answers with its own sockets (no adapter joins the hosts here), which must be exactly the clients
// whose `info` came from that host.
// Result: counts per host, per worker pid and per cookie mode, the failures (at most 20 listed), and how many clients
// met "Session ID unknown" (Engine.IO code 1: a request reached a host that does not hold its session).
import { scenario, problemsOf, STEP_MS } from "./cluster-lib.mjs";

scenario("cluster-lb", async (ctx) => {
    const count = ctx.options.clients ?? 1000;
    const batch = ctx.options.batch ?? 50;
    const credentials = ctx.options.credentials ?? "alternate";
    const hosts = ctx.options.hosts ?? {};
    const hostOf = (pid) => Object.keys(hosts).find((h) => hosts[h].includes(pid)) ?? "unknown";
    const withCookies = (i) => (credentials === "alternate" ? i % 2 === 0 : credentials === true);

    const clients = [];
    const failures = [];
    const answers = new Map(); // client -> info ack
    const batchMs = [];
    const started = performance.now();
    for (let from = 0; from < count; from += batch) {
        const batchStarted = performance.now();
        const some = [];
        for (let i = from; i < Math.min(count, from + batch); i++) {
            const client = ctx.client("lb" + i, [], { withCredentials: withCookies(i) });
            client.cookies = withCookies(i);
            clients.push(client);
            some.push(client);
        }
        await Promise.all(some.map(async (client) => {
            let step = "connect";
            try {
                await client.start(STEP_MS);
                step = "upgrade";
                await client.upgraded(STEP_MS);
                step = "info";
                answers.set(client, await client.ack("info"));
            } catch (error) {
                failures.push({ name: client.name, cookies: client.cookies, step, error: String(error.message) });
            }
        }));
        batchMs.push(Math.round(performance.now() - batchStarted));
    }
    const connectMs = Math.round(performance.now() - started);

    // who answered: per host, per worker pid, per cookie mode; the transport the server saw
    const perHost = {};
    const perPid = {};
    const perCookieMode = { cookies: {}, noCookies: {} };
    const notWebSocket = [];
    const hostOfClient = new Map();
    for (const [client, info] of answers) {
        const host = hostOf(info.pid);
        hostOfClient.set(client, host);
        perHost[host] = (perHost[host] ?? 0) + 1;
        perPid[info.pid] = (perPid[info.pid] ?? 0) + 1;
        const mode = perCookieMode[client.cookies ? "cookies" : "noCookies"];
        mode[host] = (mode[host] ?? 0) + 1;
        if (info.transport !== "websocket" || client.transport !== "websocket") {
            notWebSocket.push({ name: client.name, server: info.transport, client: client.transport });
        }
    }

    // what each host holds, asked through one of its own clients
    const fetched = {};
    for (const host of Object.keys(hosts)) {
        const asker = clients.find((c) => hostOfClient.get(c) === host);
        if (!asker) {
            fetched[host] = { error: "no client on this host" };
            continue;
        }
        const sockets = await asker.ack("fetch", {});
        if (!Array.isArray(sockets)) {
            fetched[host] = { error: sockets };
            continue;
        }
        const expected = new Set(clients.filter((c) => hostOfClient.get(c) === host).map((c) => c.id));
        const ids = new Set(sockets.map((s) => s.id));
        fetched[host] = {
            size: sockets.length,
            expected: expected.size,
            missing: [...expected].filter((id) => !ids.has(id)).length,
            extra: [...ids].filter((id) => !expected.has(id)).length,
            pids: [...new Set(sockets.map((s) => s.data.pid))].sort(),
        };
    }

    const problems = problemsOf(clients);
    // clients that met "Session ID unknown" anywhere: a connect error, a failed upgrade, a disconnect, a failed step
    const failureOf = new Map(failures.map((f) => [f.name, f]));
    const sessionIdUnknown = clients.filter((c) => JSON.stringify([c.connectErrors, c.upgradeErrors, c.disconnects,
        failureOf.get(c.name) ?? null]).includes("Session ID unknown")).length;
    return {
        clients: count,
        batch,
        credentials,
        connected: answers.size,
        connectMs,
        slowestBatchMs: Math.max(...batchMs),
        failureCount: failures.length,
        failures: failures.slice(0, 20),
        sessionIdUnknown,
        connectErrorCount: clients.filter((c) => c.connectErrors.length).length,
        upgradeErrorCount: clients.filter((c) => c.upgradeErrors.length).length,
        disconnectCount: clients.filter((c) => c.disconnects.length).length,
        problems,
        notWebSocket: notWebSocket.slice(0, 20),
        notWebSocketCount: notWebSocket.length,
        perHost,
        perPid,
        perCookieMode,
        fetched,
    };
}, 600000);
