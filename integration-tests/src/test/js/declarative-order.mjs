// On /declarative: 1000 events emitted at once to a handler on worker threads, then 1000 to a handler returning a
// Uni; the server answers, per kind, the numbers in the order its handler completed them, and how many times two
// handlers of the socket overlapped.
import { scenario, emitWithAck } from "./lib.mjs";

scenario("declarative-order", async (ctx) => {
    const socket = await ctx.connectSettled("/declarative");
    const result = {};
    for (const kind of ["blocking", "uni"]) {
        for (let n = 0; n < 1000; n++) {
            socket.emit("seq-" + kind, n);
        }
        result[kind] = (await emitWithAck(socket, "seq-result", kind))[0];
    }
    return result;
});
