// What the stdin/stdout-driven scripts (redis-peer.mjs, redis-client.mjs) share: one JSON line per fact on stdout,
// binary values as {"$binary": "<base64>"} both ways, and errors printed as lines rather than crashing the process.

/** Prints one JSON line on stdout. */
export function out(obj) {
    process.stdout.write(JSON.stringify(toJson(obj)) + "\n");
}

export function errorText(e) {
    return e && e.message ? e.message : String(e);
}

/** Buffers and typed arrays -> {"$binary": base64}, Dates -> ISO text; functions and undefined members dropped. */
export function toJson(value) {
    if (value === undefined || value === null) return value;
    if (Buffer.isBuffer(value)) return { $binary: value.toString("base64") };
    if (value instanceof ArrayBuffer) return { $binary: Buffer.from(value).toString("base64") };
    if (ArrayBuffer.isView(value)) return { $binary: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64") };
    if (Array.isArray(value)) return value.map(toJson);
    if (value instanceof Date) return value.toISOString();
    if (typeof value === "object") {
        const o = {};
        for (const [k, v] of Object.entries(value)) if (typeof v !== "function") o[k] = toJson(v);
        return o;
    }
    return value;
}

/** {"$binary": base64} -> Buffer, recursively. */
export function fromJson(value) {
    if (Array.isArray(value)) return value.map(fromJson);
    if (value && typeof value === "object") {
        const keys = Object.keys(value);
        if (keys.length === 1 && keys[0] === "$binary") return Buffer.from(value.$binary, "base64");
        const o = {};
        for (const [k, v] of Object.entries(value)) o[k] = fromJson(v);
        return o;
    }
    return value;
}

/** An uncaught error becomes a line {"error": ...}; the process keeps running. */
export function printUncaught() {
    process.on("uncaughtException", (e) => out({ error: "uncaught: " + errorText(e) }));
    process.on("unhandledRejection", (e) => out({ error: "unhandled rejection: " + errorText(e) }));
}
