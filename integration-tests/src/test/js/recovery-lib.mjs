// Helpers of the connection state recovery scenarios.
import { once } from "./lib.mjs";

/** Options of a client that reconnects by itself after `delayMs` (no randomization), so it stays away that long. */
export function reconnecting(delayMs, auth) {
    return {
        reconnection: true,
        reconnectionDelay: delayMs,
        reconnectionDelayMax: delayMs,
        randomizationFactor: 0,
        auth,
    };
}

/**
 * Makes the server close the client's connection: the client's current Engine.IO connection stops answering pings,
 * so the server closes it ("ping timeout") and the client sees the transport close. Resolves with the client's
 * disconnect reason.
 */
export async function cutByServer(socket, ms = 10000) {
    const disconnected = once(socket, "disconnect", ms);
    const engine = socket.io.engine;
    const sendPacket = engine._sendPacket.bind(engine);
    engine._sendPacket = (type, ...rest) => (type === "pong" ? undefined : sendPacket(type, ...rest));
    const [reason] = await disconnected;
    return reason;
}

/** Records the `event` broadcasts a client gets: [number, offset] each (the offset is the last argument). */
export function record(socket, event) {
    const got = [];
    socket.on(event, (...args) => got.push(args));
    return got;
}

/** Waits until `condition()` holds, checking every 20 ms, failing after `ms`. */
export async function until(condition, what, ms = 10000) {
    const deadline = Date.now() + ms;
    while (!condition()) {
        if (Date.now() > deadline) throw new Error("timed out waiting for " + what);
        await new Promise((r) => setTimeout(r, 20));
    }
}
