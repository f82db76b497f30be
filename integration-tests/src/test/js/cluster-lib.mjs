// Shared helpers of the cluster scenarios (cluster-*.mjs), run by the tests of the packaged application started as
// a cluster (src/test/java/.../it/cluster). Each script is run as
//   node cluster-<scenario>.mjs <primary url> [options as one JSON object]
// and talks to the namespace /cluster of the reference application (ClusterFixture.java). It prints JSON lines:
// zero or more progress lines {"phase": ..., ...} (the test may answer some of them with a line on stdin), then one
// result line {"scenario": ..., "ok": true, ...what it observed} and exits 0; on failure {"scenario": ..., "ok": false,
// "error": ...} and exit 1. The scripts report what they saw; the Java tests decide what is right.
import { createHash } from "node:crypto";
import { createInterface } from "node:readline";
import { io } from "socket.io-client";
import { runScenario } from "./lib.mjs";

export const NAMESPACE = "/cluster";
/** How long one step (an ack, a connection) may take. */
export const STEP_MS = 10000;

/**
 * Runs a scenario: body(ctx) returns what it observed. ctx.url, ctx.options (the JSON argument), ctx.phase(name,
 * fields) prints a progress line, ctx.line() resolves with the next stdin line, ctx.client(...) makes clients that
 * are disconnected when the scenario ends.
 */
export function scenario(name, body, timeoutMs = 60000) {
    const [url, json] = process.argv.slice(2);
    const print = (result) => process.stdout.write(JSON.stringify({ scenario: name, ...result }) + "\n");
    if (!url) {
        print({ ok: false, error: "usage: node " + name + ".mjs <server url> [options json]" });
        process.exit(2);
    }
    const ctx = new Context(url.replace(/\/+$/, ""), json ? JSON.parse(json) : {});
    runScenario(print, ctx, body, timeoutMs, () => ({ lastPhase: ctx.lastPhase }));
}

class Context {
    constructor(url, options) {
        this.url = url;
        this.options = options;
        this.clients = [];
        this.lines = [];
        this.waiting = [];
        this.lastPhase = null;
        this.stdin = null;
    }

    phase(name, fields = {}) {
        this.lastPhase = name;
        process.stdout.write(JSON.stringify({ phase: name, ...fields }) + "\n");
    }

    /** The next line the test writes on stdin. */
    line() {
        if (!this.stdin) {
            this.stdin = createInterface({ input: process.stdin });
            this.stdin.on("line", (line) => {
                const waiter = this.waiting.shift();
                if (waiter) waiter(line.trim());
                else this.lines.push(line.trim());
            });
        }
        if (this.lines.length > 0) return Promise.resolve(this.lines.shift());
        return new Promise((resolve) => this.waiting.push(resolve));
    }

    client(name, rooms = [], options = {}) {
        const client = new Client(this.url, name, rooms, options);
        this.clients.push(client);
        return client;
    }

    closeAll() {
        for (const client of this.clients) client.socket.disconnect();
        if (this.stdin) this.stdin.close();
    }
}

/**
 * One socket.io-client on /cluster, with auth {name, rooms}, that records what happens to it: its welcomes (worker,
 * pid, id of each connection), connect errors, failed upgrades, disconnects, and the chat / fence / binary events it
 * got. It answers `question` with {name, worker}. Not connected until start().
 */
export class Client {
    constructor(url, name, rooms, options) {
        this.name = name;
        this.rooms = rooms;
        this.welcomes = [];
        this.connectErrors = [];
        this.upgradeErrors = [];
        this.disconnects = [];
        this.chats = [];
        this.fences = [];
        this.binaries = [];
        this.listeners = [];
        this.socket = io(url + NAMESPACE, {
            forceNew: true,
            autoConnect: false,
            reconnection: false,
            timeout: STEP_MS,
            auth: { name, rooms },
            ...options,
        });
        const socket = this.socket;
        socket.on("welcome", (welcome) => {
            this.welcomes.push(welcome);
            this.notify();
        });
        socket.on("connect_error", (error) => {
            this.connectErrors.push(describeError(error));
            this.notify();
        });
        socket.on("disconnect", (reason, details) => {
            this.disconnects.push({ reason, worker: this.worker, ...describeDetails(details) });
            this.notify();
        });
        socket.on("chat", (text) => {
            this.chats.push(text);
            this.notify();
        });
        socket.on("fence", (text) => {
            this.fences.push(text);
            this.notify();
        });
        socket.on("binary", (...args) => {
            this.binaries.push(args);
            this.notify();
        });
        socket.on("question", (payload, callback) => callback({ name: this.name, worker: this.worker }));
        socket.io.on("open", () => {
            socket.io.engine.on("upgradeError", (error) => {
                this.upgradeErrors.push(describeError(error));
            });
        });
    }

    /** The worker of the current (last) connection. */
    get worker() {
        return this.welcomes.length ? this.welcomes[this.welcomes.length - 1].worker : undefined;
    }

    get pid() {
        return this.welcomes.length ? this.welcomes[this.welcomes.length - 1].pid : undefined;
    }

    get id() {
        return this.socket.id;
    }

    get transport() {
        return this.socket.io.engine ? this.socket.io.engine.transport.name : undefined;
    }

    /** Connects; resolves at the first welcome, fails at a connect_error (without reconnection) or after ms. */
    start(ms = STEP_MS) {
        const reconnecting = this.socket.io.reconnection();
        this.socket.connect();
        return this.until(() => {
            if (!reconnecting && this.connectErrors.length > 0) {
                throw new Error(this.name + ": connect_error " + JSON.stringify(this.connectErrors));
            }
            return this.welcomes.length > 0;
        }, "welcome", ms);
    }

    /** Resolves when check() holds, re-checked after each recorded event; fails after ms or when check() throws. */
    until(check, what, ms = STEP_MS) {
        return new Promise((resolve, reject) => {
            try {
                if (check()) return resolve();
            } catch (error) {
                return reject(error);
            }
            const listener = () => {
                try {
                    if (!check()) return;
                } catch (error) {
                    cleanup();
                    return reject(error);
                }
                cleanup();
                resolve();
            };
            const timer = setTimeout(() => {
                cleanup();
                reject(new Error(this.name + ": no " + what + " within " + ms + " ms"
                    + (this.connectErrors.length ? " (connect errors " + JSON.stringify(this.connectErrors) + ")" : "")));
            }, ms);
            const cleanup = () => {
                clearTimeout(timer);
                this.listeners = this.listeners.filter((l) => l !== listener);
            };
            this.listeners.push(listener);
        });
    }

    notify() {
        for (const listener of [...this.listeners]) listener();
    }

    /** Waits until the connection runs over WebSocket; fails when it closes first, or after ms. */
    upgraded(ms = STEP_MS) {
        return new Promise((resolve, reject) => {
            const engine = this.socket.io.engine;
            if (engine.transport.name === "websocket") return resolve();
            if (engine.readyState !== "open") {
                return reject(new Error(this.name + ": connection " + engine.readyState + " before the upgrade"));
            }
            const done = (error) => {
                clearTimeout(timer);
                engine.off("upgrade", onUpgrade);
                engine.off("close", onClose);
                if (error) reject(error);
                else resolve();
            };
            const onUpgrade = () => done();
            const onClose = (reason) => done(new Error(this.name + ": connection closed before the upgrade: " + reason));
            const timer = setTimeout(() => done(new Error(this.name + ": no upgrade within " + ms + " ms")), ms);
            engine.on("upgrade", onUpgrade);
            engine.on("close", onClose);
        });
    }

    /** Emits with an ack; resolves with the ack's first argument. */
    ack(event, ...args) {
        return new Promise((resolve, reject) => {
            this.socket.timeout(STEP_MS).emit(event, ...args, (error, answer) => {
                if (error) reject(new Error(this.name + ": no ack for '" + event + "' within " + STEP_MS + " ms"));
                else resolve(answer);
            });
        });
    }

    /** Like ack(), with the time it took. */
    async timedAck(event, ...args) {
        const started = performance.now();
        const answer = await this.ack(event, ...args);
        return { answer, ms: Math.round(performance.now() - started) };
    }

    summary() {
        return { name: this.name, worker: this.worker, id: this.id };
    }
}

/** Resolves after ms. */
export function delay(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Retries an async check until it returns a truthy value or ms passed; resolves with {value, ms, attempts}. */
export async function eventually(check, what, ms = STEP_MS, every = 100) {
    const started = performance.now();
    let attempts = 0;
    let last;
    for (;;) {
        attempts++;
        last = await check();
        if (last.done) return { value: last.value, ms: Math.round(performance.now() - started), attempts };
        if (performance.now() - started > ms) {
            throw new Error(what + " still not true after " + ms + " ms (" + attempts + " attempts), last: "
                + JSON.stringify(last.value));
        }
        await delay(every);
    }
}

/**
 * Connects every client at once and, with upgrade, waits until each runs over WebSocket. Never throws: resolves with
 * {connectMs, upgradeMs, failures: [{name, error}]}.
 */
export async function connectAll(clients, { upgrade = false, ms = 30000 } = {}) {
    const failures = [];
    const started = performance.now();
    const connected = await Promise.allSettled(clients.map((c) => c.start(ms)));
    const connectMs = Math.round(performance.now() - started);
    connected.forEach((r, i) => {
        if (r.status === "rejected") failures.push({ name: clients[i].name, error: String(r.reason.message) });
    });
    let upgradeMs = null;
    if (upgrade) {
        const upgradeStarted = performance.now();
        const live = clients.filter((c, i) => connected[i].status === "fulfilled");
        const upgraded = await Promise.allSettled(live.map((c) => c.upgraded(ms)));
        upgradeMs = Math.round(performance.now() - upgradeStarted);
        upgraded.forEach((r, i) => {
            if (r.status === "rejected") failures.push({ name: live[i].name, error: String(r.reason.message) });
        });
    }
    return { connectMs, upgradeMs, failures };
}

/** Every connect_error, failed upgrade and disconnect so far, and the clients not on WebSocket. */
export function problemsOf(clients) {
    return {
        connectErrors: clients.filter((c) => c.connectErrors.length).map((c) => ({ name: c.name, errors: c.connectErrors })).slice(0, 20),
        upgradeErrors: clients.filter((c) => c.upgradeErrors.length).map((c) => ({ name: c.name, errors: c.upgradeErrors })).slice(0, 20),
        disconnects: clients.filter((c) => c.disconnects.length).map((c) => ({ name: c.name, disconnects: c.disconnects })).slice(0, 20),
        notOnWebSocket: clients.filter((c) => c.transport !== "websocket").map((c) => c.name).slice(0, 20),
    };
}

/** Groups clients by the worker of their current connection: {"1": [...], "2": [...]}. */
export function byWorker(clients) {
    const groups = {};
    for (const client of clients) (groups[client.worker] ??= []).push(client);
    return groups;
}

export function sha256(buffer) {
    return createHash("sha256").update(buffer).digest("hex");
}

/** JSON for a value with binary parts: each Buffer / ArrayBuffer / view becomes {"$binary": "<base64>"}. */
export function normalize(value) {
    if (Buffer.isBuffer(value)) return { $binary: value.toString("base64") };
    if (value instanceof ArrayBuffer) return { $binary: Buffer.from(value).toString("base64") };
    if (ArrayBuffer.isView(value)) {
        return { $binary: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64") };
    }
    if (Array.isArray(value)) return value.map(normalize);
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalize(v)]));
    }
    return value === undefined ? null : value;
}

/** The bytes of a received binary value. */
export function bytes(value) {
    if (Buffer.isBuffer(value)) return value;
    if (value instanceof ArrayBuffer) return Buffer.from(value);
    if (ArrayBuffer.isView(value)) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    throw new Error("not binary: " + typeof value);
}

function describeError(error) {
    if (!error) return { message: String(error) };
    const described = { message: error.message };
    if (error.description !== undefined) described.description = describeValue(error.description);
    if (error.data !== undefined) described.data = error.data;
    const context = error.context;
    if (context && typeof context === "object") {
        if (context.status !== undefined) described.status = context.status;
        if (typeof context.responseText === "string") described.body = context.responseText.slice(0, 200);
    }
    return described;
}

function describeDetails(details) {
    if (!details) return {};
    return describeError({ message: details.message, description: details.description, context: details.context });
}

function describeValue(value) {
    if (value === null || typeof value !== "object") return value;
    if (value.message !== undefined) return String(value.message);
    return String(value);
}
