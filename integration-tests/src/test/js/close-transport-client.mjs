// The client closes its whole connection (the Engine.IO socket) without leaving the namespace first.
import { scenario, once } from "./lib.mjs";

scenario("close-transport-client", async (ctx) => {
    const socket = await ctx.connectSettled("/rooms");
    const id = socket.id;
    const disconnected = once(socket, "disconnect");
    socket.io.engine.close();
    const [reason] = await disconnected;
    return { id, reason };
});
