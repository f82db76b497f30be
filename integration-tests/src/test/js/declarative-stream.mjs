// On /streams: handlers returning a Multi. A stream of 5 numbers (then n:end, then the ack), a failing stream
// (items, f:error, the @OnError handler's answer as ack), 300 chunks of 1 KB in order, and a stream the
// client leaves by disconnecting after three ticks (it then goes silent: the Java test checks that the server
// cancelled it on the disconnection).
import { scenario, emitWithAck, once } from "./lib.mjs";

/** Collects the `event` items until `event:end` or `event:error`; resolves with them and the ending. */
function collect(socket, event) {
    const items = [];
    socket.on(event, (item) => items.push(item));
    return new Promise((resolve) => {
        socket.on(event + ":end", (...args) => resolve({ items, end: args }));
        socket.on(event + ":error", (error) => resolve({ items, error }));
    });
}

scenario("declarative-stream", async (ctx) => {
    const socket = await ctx.connectSettled("/streams");
    const result = { id: socket.id };

    const counted = collect(socket, "n");
    const countAck = await emitWithAck(socket, "count", 5);
    result.count = { ...(await counted), ack: countAck };

    const failed = collect(socket, "f");
    const failAck = await emitWithAck(socket, "fail");
    result.fail = { ...(await failed), ack: failAck };

    const chunks = collect(socket, "chunk");
    socket.emit("big", 300);
    const big = await chunks;
    result.big = { count: big.items.length, inOrder: big.items.every((c, i) => c.startsWith(i + ":")), end: big.end };

    const endless = ctx.connectSettled("/streams");
    const other = await endless;
    result.endlessId = other.id;
    other.emit("endless");
    const ticks = [];
    for (let i = 0; i < 3; i++) {
        ticks.push((await once(other, "tick"))[0]);
    }
    result.ticks = ticks;
    other.disconnect();
    return result;
});
