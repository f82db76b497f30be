// The client leaves /rooms with socket.disconnect().
import { scenario, once } from "./lib.mjs";

scenario("disconnect-client", async (ctx) => {
    const socket = await ctx.connectSettled("/rooms");
    const id = socket.id;
    const disconnected = once(socket, "disconnect");
    socket.disconnect();
    const [reason] = await disconnected;
    return { id, reason };
});
