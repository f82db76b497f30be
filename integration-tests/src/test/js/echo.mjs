// Emits `message` with JSON and binary arguments to /: the server emits them back as `message-back`.
import { scenario, once, mixedArgs, normalize } from "./lib.mjs";

scenario("echo", async (ctx) => {
    const socket = await ctx.connect("/");
    const back = once(socket, "message-back");
    socket.emit("message", ...mixedArgs());
    const args = await back;
    return { args: normalize(args) };
});
