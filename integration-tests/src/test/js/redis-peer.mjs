// A Node socket.io server on one of Node's real Redis adapters, driven over stdin/stdout, for the tests where Java and
// Node servers share one Redis:
//
//   node redis-peer.mjs <port> <redisUrl> <classic|classic-specific|sharded|sharded-dynamic|streams> [options json]
//
// Adapters: classic = createAdapter(pub, sub); classic-specific = the same with publishOnSpecificResponseChannel;
// sharded = createShardedAdapter(pub, sub, {subscriptionMode: "static"}); sharded-dynamic = the same in "dynamic"
// mode (Node's default); streams = @socket.io/redis-streams-adapter. Options (all optional):
//   host             listening address, default 127.0.0.1
//   adapter          extra options handed to the adapter factory as they are (key, requestsTimeout, channelPrefix,
//                    subscriptionMode, streamName, sessionKeyPrefix, maxLen, ...)
//   recovery         connection state recovery: true, false or {maxDisconnectionDuration, skipMiddlewares};
//                    default true for streams, false for the others
//   adminUi          the options of @socket.io/admin-ui's instrument(io, options) (auth, mode, serverId, ...): the
//                    server serves the Admin UI's namespace (/admin unless namespaceName says otherwise)
//
// Prints one JSON line per fact on stdout: {"ready":true,"port":N} once listening; {"connection":sid,"nsp",...} and
// {"disconnect":sid,...} for sockets; {"serverSideEmit":event,"nsp","args":[...]} for every server-side event received;
// {"clientEvent":event,...} for client events; {"error":...} for errors (the process keeps running).
// Reads commands as JSON lines on stdin, each {"id":..., "cmd":..., ...}, and answers each with one line
// {"id":..., "ok":true|false, ...}. See README.md for the command list. Binary values are {"$binary":"<base64>"}
// both ways. Ends on "stop" or when stdin closes.
import http from "node:http";
import { createInterface } from "node:readline";
import { createClient } from "redis";
import { Server } from "socket.io";
import { createAdapter, createShardedAdapter } from "@socket.io/redis-adapter";
import { createAdapter as createStreamsAdapter } from "@socket.io/redis-streams-adapter";
import { instrument } from "@socket.io/admin-ui";
import { errorText, fromJson, out, printUncaught } from "./json-lines.mjs";

const KINDS = ["classic", "classic-specific", "sharded", "sharded-dynamic", "streams"];
const NAMESPACES = ["/", "/chat", "/cluster"];

printUncaught();

const [portArg, redisUrl, kind, json] = process.argv.slice(2);
const PORT = parseInt(portArg, 10);
if (!PORT || !redisUrl || !KINDS.includes(kind)) {
    out({ error: "usage: node redis-peer.mjs <port> <redisUrl> <" + KINDS.join("|") + "> [options json]" });
    process.exit(2);
}
let options;
try {
    options = json ? JSON.parse(json) : {};
} catch (e) {
    out({ error: "bad options json: " + errorText(e) });
    process.exit(2);
}
const HOST = options.host || "127.0.0.1";

const redisClients = [];
async function connectRedis(client, name) {
    let reported = false;
    client.on("error", (e) => {
        if (!reported) out({ error: "redis " + name + ": " + errorText(e) });
        reported = true;
    });
    client.on("ready", () => (reported = false));
    await client.connect();
    redisClients.push(client);
    return client;
}

async function makeAdapter() {
    const extra = options.adapter || {};
    const pub = await connectRedis(createClient({ url: redisUrl }), "pub");
    if (kind === "streams") return createStreamsAdapter(pub, extra);
    const sub = await connectRedis(pub.duplicate(), "sub");
    switch (kind) {
        case "classic":
            return createAdapter(pub, sub, extra);
        case "classic-specific":
            return createAdapter(pub, sub, { publishOnSpecificResponseChannel: true, ...extra });
        case "sharded":
            return createShardedAdapter(pub, sub, { subscriptionMode: "static", ...extra });
        default:
            return createShardedAdapter(pub, sub, { subscriptionMode: "dynamic", ...extra });
    }
}

function serverOptions() {
    const recovery = options.recovery === undefined ? kind === "streams" : options.recovery;
    if (!recovery) return {};
    return { connectionStateRecovery: typeof recovery === "object" ? recovery : {} };
}

function setUpNamespace(nsp) {
    // every server-side event, whatever its name (the namespace's internal entry point for them)
    const onServerSideEmit = nsp._onServerSideEmit.bind(nsp);
    nsp._onServerSideEmit = (args) => {
        const withAck = typeof args[args.length - 1] === "function";
        out({ serverSideEmit: args[0], nsp: nsp.name, args: args.slice(1, withAck ? -1 : undefined), withAck });
        onServerSideEmit(args);
    };
    nsp.on("ping-peer", (...args) => {
        const ack = args[args.length - 1];
        if (typeof ack === "function") ack({ from: "node", port: PORT });
    });
    // the reference application's ClusterFixture asks "who" with its "sse" event
    nsp.on("who", (...args) => {
        const ack = args[args.length - 1];
        if (typeof ack === "function") ack({ server: "node", port: PORT });
    });
    nsp.on("connection", (socket) => {
        const auth = socket.handshake.auth || {};
        if (auth.room !== undefined && auth.room !== null && !socket.recovered) socket.join(auth.room);
        if (auth.name !== undefined && !socket.recovered) socket.data.name = auth.name;
        out({ connection: socket.id, nsp: nsp.name, rooms: [...socket.rooms], data: socket.data, recovered: socket.recovered });
        socket.on("whoami", (...args) => {
            const ack = args[args.length - 1];
            if (typeof ack === "function") ack({ server: "node", port: PORT });
        });
        socket.onAny((event, ...args) => {
            if (event === "whoami") return;
            const ack = typeof args[args.length - 1] === "function" ? args.pop() : null;
            out({ clientEvent: event, nsp: nsp.name, socket: socket.id, args });
            if (ack) ack({ server: "node", port: PORT, event });
        });
        socket.on("disconnect", (reason) => out({ disconnect: socket.id, nsp: nsp.name, reason }));
    });
}

// ---- commands --------------------------------------------------------------------------------------------------

function operator(io, c) {
    let op = io.of(c.nsp || "/");
    const rooms = c.rooms === undefined ? [] : [].concat(c.rooms);
    const except = c.except === undefined ? [] : [].concat(c.except);
    if (rooms.length) op = op.to(rooms);
    if (except.length) op = op.except(except);
    if (c.volatile) op = op.volatile;
    if (c.local) op = op.local;
    if (c.compress !== undefined) op = op.compress(c.compress);
    return op;
}

function emitArgs(c) {
    const args = fromJson(c.args || []);
    if (typeof c.binary === "string") args.push(Buffer.from(c.binary, "base64"));
    return args;
}

function withTimeout(promise, ms, what) {
    if (!ms) return promise;
    let timer;
    const limit = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(what + ": no answer within " + ms + " ms")), ms);
    });
    return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

async function run(io, c, stop) {
    switch (c.cmd) {
        case "serverCount":
            return { serverCount: await io.of(c.nsp || "/").adapter.serverCount() };
        case "fetchSockets": {
            const sockets = await operator(io, c).fetchSockets();
            return {
                sockets: sockets.map((s) => ({
                    id: s.id,
                    rooms: [...s.rooms],
                    data: s.data,
                    local: !!s.server, // a socket of this Node server, not a remote one
                    auth: s.handshake && s.handshake.auth,
                })),
            };
        }
        case "socketsJoin":
            operator(io, c).socketsJoin(c.target);
            return {};
        case "socketsLeave":
            operator(io, c).socketsLeave(c.target);
            return {};
        case "disconnectSockets":
            operator(io, c).disconnectSockets(!!c.close);
            return {};
        case "serverSideEmit":
            io.of(c.nsp || "/").serverSideEmit(c.event, ...fromJson(c.args || []));
            return {};
        case "serverSideEmitWithAck":
            try {
                const responses = await withTimeout(
                    io.of(c.nsp || "/").serverSideEmitWithAck(c.event, ...fromJson(c.args || [])),
                    c.timeoutMs,
                    "serverSideEmitWithAck",
                );
                return { responses };
            } catch (e) {
                return { ok: false, error: errorText(e), responses: e.responses || [] };
            }
        case "broadcast":
            operator(io, c).emit(c.event, ...emitArgs(c));
            return {};
        case "broadcastWithAck":
            try {
                const acks = await operator(io, c)
                    .timeout(c.timeoutMs || 5000)
                    .emitWithAck(c.event, ...emitArgs(c));
                return { acks };
            } catch (e) {
                return { ok: false, error: errorText(e), acks: e.responses || [] };
            }
        case "localSockets": {
            const nsp = io.of(c.nsp || "/");
            return { sockets: [...nsp.sockets.values()].map((s) => ({ id: s.id, rooms: [...s.rooms], data: s.data })) };
        }
        case "stop":
            setImmediate(stop);
            return { stopped: true };
        default:
            return { ok: false, error: "unknown command: " + c.cmd };
    }
}

// ---- main ------------------------------------------------------------------------------------------------------

const httpServer = http.createServer();
const io = new Server(httpServer, serverOptions());
let stopping = false;

async function stop() {
    if (stopping) return;
    stopping = true;
    const done = () => process.exit(0);
    setTimeout(done, 2000).unref();
    try {
        io.close(); // closes the clients, the adapters and the HTTP server
    } catch (e) {
        out({ error: "close: " + errorText(e) });
    }
    for (const client of redisClients) {
        try {
            await client.disconnect();
        } catch (_) {
            // already gone
        }
    }
    done();
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);

try {
    io.adapter(await makeAdapter());
    // before the namespaces: its listeners come first on each, as when an application calls it at startup
    if (options.adminUi) instrument(io, options.adminUi);
    for (const name of NAMESPACES) setUpNamespace(io.of(name));
    httpServer.on("error", (e) => {
        out({ error: "http: " + errorText(e) });
        process.exit(1);
    });
    await new Promise((resolve) => httpServer.listen(PORT, HOST, resolve));
    out({ ready: true, port: PORT, adapter: kind });
} catch (e) {
    out({ error: "start: " + errorText(e) });
    process.exit(1);
}

const rl = createInterface({ input: process.stdin });
let pending = 0;
rl.on("line", async (line) => {
    if (!line.trim()) return;
    let c;
    try {
        c = JSON.parse(line);
    } catch (e) {
        out({ ok: false, error: "bad command json: " + errorText(e), line });
        return;
    }
    pending++;
    try {
        const answer = await run(io, c, stop);
        out({ id: c.id, cmd: c.cmd, ok: true, ...answer });
    } catch (e) {
        out({ id: c.id, cmd: c.cmd, ok: false, error: errorText(e) });
    } finally {
        pending--;
        stopWhenIdle();
    }
});
// at the end of stdin, stop once the commands still running have answered
let inputClosed = false;
function stopWhenIdle() {
    if (inputClosed && pending === 0) stop();
}
rl.on("close", () => {
    inputClosed = true;
    stopWhenIdle();
});
