// N official socket.io-client sockets that a Java test drives over stdin and observes on stdout:
//
//   node redis-client.mjs <server url> <count> [options json]
//
// Options (all optional): nsp (default "/"); auth: one object for every client, or an array with one per client;
// transports (default ["websocket"]); reconnection (default true); withCredentials (default false: with true,
// socket.io-client 4.7+ keeps a cookie jar per Engine.IO connection and sends its cookies back; a reconnection is a
// new Engine.IO connection and starts with an empty jar).
// Prints JSON lines: {"client":i,"connected":true,"id":..,"recovered":..} on every (re)connection,
// {"ready":true,"clients":N} once all are connected, {"client":i,"event":..,"args":[..]} per received event (the
// arguments as received, so a recovery offset shows as a last string argument), {"client":i,"disconnect":reason},
// {"client":i,"connect_error":message}, {"error":...}. Every ack the server asks for is answered with
// {"client":i,"name":auth.name} (the event line then has "acked":true). Binary values are {"$binary":"<base64>"}
// both ways.
// Commands (stdin, one JSON line each, answered with {"id":..,"ok":..}):
//   {"id":1,"cmd":"emit","client":0,"event":"whoami","args":[],"ack":true,"timeoutMs":5000} -> {"id":1,"ok":true,"ack":[...]}
//   {"id":2,"cmd":"close","client":0}          socket.disconnect()
//   {"id":3,"cmd":"dropTransport","client":0}  closes the Engine.IO connection: the client reconnects by itself (and
//                                              asks for connection state recovery if the server gave it a pid)
//   {"id":4,"cmd":"connect","client":0}        socket.connect() after a close
//   {"id":5,"cmd":"stop"}                      closes every client and exits (so does the end of stdin)
import { createInterface } from "node:readline";
import { io } from "socket.io-client";
import { errorText, fromJson, out, printUncaught } from "./json-lines.mjs";

printUncaught();

const [url, countArg, json] = process.argv.slice(2);
const count = parseInt(countArg, 10);
let options;
try {
    options = json ? JSON.parse(json) : {};
} catch (e) {
    out({ error: "bad options json: " + errorText(e) });
    process.exit(2);
}
if (!url || !(count > 0)) {
    out({ error: "usage: node redis-client.mjs <server url> <count> [options json]" });
    process.exit(2);
}

const base = url.replace(/\/+$/, "");
const nsp = options.nsp || "/";
const sockets = [];
let connectedOnce = 0;

for (let i = 0; i < count; i++) {
    const auth = Array.isArray(options.auth) ? options.auth[i] || {} : options.auth || {};
    const socket = io(base + (nsp === "/" ? "" : nsp), {
        forceNew: true,
        transports: options.transports || ["websocket"],
        reconnection: options.reconnection !== false,
        withCredentials: options.withCredentials === true,
        auth,
    });
    sockets.push(socket);
    let first = true;
    socket.on("connect", () => {
        out({ client: i, connected: true, id: socket.id, recovered: socket.recovered === true });
        if (first) {
            first = false;
            if (++connectedOnce === count) out({ ready: true, clients: count });
        }
    });
    socket.on("connect_error", (e) => out({ client: i, connect_error: errorText(e), data: e && e.data }));
    socket.on("disconnect", (reason) => out({ client: i, disconnect: reason }));
    socket.onAny((event, ...args) => {
        const ack = typeof args[args.length - 1] === "function" ? args.pop() : null;
        out({ client: i, event, args, ...(ack ? { acked: true } : {}) });
        if (ack) ack({ client: i, name: auth.name });
    });
}

function stop() {
    for (const s of sockets) s.disconnect();
    setTimeout(() => process.exit(0), 500).unref();
}

async function run(c) {
    const socket = sockets[c.client];
    if (c.cmd === "stop") {
        setImmediate(stop);
        return { stopped: true };
    }
    if (!socket) return { ok: false, error: "no client " + c.client };
    switch (c.cmd) {
        case "emit": {
            const args = fromJson(c.args || []);
            if (!c.ack) {
                socket.emit(c.event, ...args);
                return {};
            }
            try {
                const ack = await socket.timeout(c.timeoutMs || 5000).emitWithAck(c.event, ...args);
                return { ack: [ack] };
            } catch (e) {
                return { ok: false, error: errorText(e) };
            }
        }
        case "close":
            socket.disconnect();
            return {};
        case "connect":
            socket.connect();
            return {};
        case "dropTransport":
            socket.io.engine.close();
            return {};
        default:
            return { ok: false, error: "unknown command: " + c.cmd };
    }
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
        out({ id: c.id, cmd: c.cmd, ok: true, ...(await run(c)) });
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
