// Shared helpers of the scenario scripts. Each scenario script is run as
//   node <scenario>.mjs <server url> <polling|websocket|default>
// runs one scenario against the server with the official socket.io-client, prints one JSON line
// {"scenario":..., "mode":..., "ok":true, ...what it observed} and exits 0; on failure it prints
// {"scenario":..., "mode":..., "ok":false, "error":...} and exits 1. After the result line, the clients are
// disconnected and the process ends once their last requests are done (at most EXIT_GRACE_MS later), so that what
// they sent last (a DISCONNECT, an Engine.IO close) reaches the server.
import { io } from "socket.io-client";

const MODES = {
    polling: ["polling"],
    websocket: ["websocket"],
    default: undefined, // polling first, then upgrade to WebSocket
};

/** How long one step (a connection, an event, an ack) may take. */
export const STEP_MS = 5000;
/** How long a whole scenario may take. */
const SCENARIO_MS = 20000;
/** How long the process may wait for the clients' last requests after the result. */
const EXIT_GRACE_MS = 3000;

export function scenario(name, body) {
    const [url, mode] = process.argv.slice(2);
    const print = (result) => process.stdout.write(JSON.stringify({ scenario: name, mode, ...result }) + "\n");
    if (!url || !(mode in MODES)) {
        print({ ok: false, error: "usage: node " + name + ".mjs <server url> <polling|websocket|default>" });
        process.exit(2);
    }
    runScenario(print, new Context(url.replace(/\/+$/, ""), mode), body, SCENARIO_MS);
}

/**
 * Runs body(ctx) for at most timeoutMs and prints its result line: {ok: true, ...what body returned}, or {ok: false,
 * error, ...failureFields()}. Then the clients of ctx are closed and the process ends with 0 or 1, once their last
 * requests are done (at most EXIT_GRACE_MS later).
 */
export function runScenario(print, ctx, body, timeoutMs, failureFields = () => ({})) {
    const timer = setTimeout(() => {
        print({ ok: false, error: "scenario timed out after " + timeoutMs + " ms", ...failureFields() });
        process.exit(1);
    }, timeoutMs);
    const finish = (code) => {
        clearTimeout(timer);
        process.exitCode = code;
        ctx.closeAll();
        setTimeout(() => process.exit(code), EXIT_GRACE_MS).unref();
    };
    body(ctx).then(
        (result) => {
            print({ ok: true, ...result });
            finish(0);
        },
        (error) => {
            print({ ok: false, error: String(error && error.stack ? error.stack : error), ...failureFields() });
            finish(1);
        },
    );
}

class Context {
    constructor(url, mode) {
        this.url = url;
        this.mode = mode;
        this.sockets = [];
    }

    /** A new client (its own connection) for a namespace, not connected yet: add listeners, then connect(). */
    socket(namespace = "/", options = {}) {
        const socket = io(this.url + namespace, {
            transports: MODES[this.mode],
            forceNew: true,
            reconnection: false,
            autoConnect: false,
            timeout: STEP_MS,
            ...options,
        });
        this.sockets.push(socket);
        return socket;
    }

    /** A connected client for a namespace; listeners may be given to be added before it connects. */
    async connect(namespace = "/", options = {}, listeners = {}) {
        const socket = this.socket(namespace, options);
        for (const [event, listener] of Object.entries(listeners)) {
            socket.on(event, listener);
        }
        const connected = once(socket, "connect");
        socket.connect();
        await connected;
        return socket;
    }

    /**
     * A connected client for a namespace, on its final transport: in mode default, once upgraded to WebSocket, so
     * that what the scenario does next does not depend on how far the upgrade went.
     */
    async connectSettled(namespace = "/", options = {}, listeners = {}) {
        const socket = await this.connect(namespace, options, listeners);
        if (this.mode === "default") {
            await upgraded(socket);
        }
        return socket;
    }

    closeAll() {
        for (const socket of this.sockets) {
            socket.disconnect();
        }
    }
}

/** The arguments of the next `event` of an emitter, failing after `ms` or on connect_error. */
export function once(emitter, event, ms = STEP_MS) {
    return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
            cleanup();
            reject(new Error("no '" + event + "' within " + ms + " ms"));
        }, ms);
        const onEvent = (...args) => {
            cleanup();
            resolve(event === "connect" ? undefined : args);
        };
        const onError = (err) => {
            cleanup();
            reject(new Error("connect_error while waiting for '" + event + "': " + err.message));
        };
        const cleanup = () => {
            clearTimeout(timer);
            emitter.off(event, onEvent);
            if (event !== "connect_error") emitter.off("connect_error", onError);
        };
        emitter.on(event, onEvent);
        if (event !== "connect_error") emitter.on("connect_error", onError);
    });
}

/** Emits an event with an ack and resolves with every argument of the ack. */
export function emitWithAck(socket, event, ...args) {
    return new Promise((resolve, reject) => {
        socket.timeout(STEP_MS).emit(event, ...args, (err, ...answer) => {
            if (err) reject(new Error("no ack for '" + event + "' within " + STEP_MS + " ms"));
            else resolve(answer);
        });
    });
}

/** Waits until the connection runs over WebSocket (mode default: after the upgrade). */
export async function upgraded(socket, ms = STEP_MS) {
    const engine = socket.io.engine;
    if (engine.transport.name !== "websocket") {
        await once(engine, "upgrade", ms);
    }
    return engine.transport.name;
}

/** JSON for a value with binary parts: each Buffer / ArrayBuffer becomes {"$binary": "<base64>"}. */
export function normalize(value) {
    if (Buffer.isBuffer(value)) return { $binary: value.toString("base64") };
    if (value instanceof ArrayBuffer) return { $binary: Buffer.from(value).toString("base64") };
    if (ArrayBuffer.isView(value)) return { $binary: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64") };
    if (Array.isArray(value)) return value.map(normalize);
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalize(v)]));
    }
    return value === undefined ? null : value;
}

/** The arguments with JSON and binary parts that the echo scenarios send. */
export function mixedArgs() {
    return [
        1,
        "two",
        { a: [1, { b: null }], t: true, s: "é ✓" },
        Buffer.from([1, 2, 3]),
        { nested: Buffer.from([255, 0, 128]), list: [Buffer.from([4]), "x"] },
        -1.5,
        null,
    ];
}
