// Emits `message-with-ack` with JSON and binary arguments to /: the server acknowledges with the same arguments.
import { scenario, emitWithAck, mixedArgs, normalize } from "./lib.mjs";

scenario("ack-from-server", async (ctx) => {
    const socket = await ctx.connect("/");
    const answer = await emitWithAck(socket, "message-with-ack", ...mixedArgs());
    const single = await emitWithAck(socket, "message-with-ack", "only");
    const none = await emitWithAck(socket, "message-with-ack");
    return { args: normalize(answer), single: normalize(single), none: normalize(none) };
});
