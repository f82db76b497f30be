// The server disconnects the socket from /rooms: `bye` false -> socket.disconnect(false).
import { scenario, once } from "./lib.mjs";

scenario("disconnect-server", async (ctx) => {
    const socket = await ctx.connectSettled("/rooms");
    const id = socket.id;
    const disconnected = once(socket, "disconnect");
    socket.emit("bye", false);
    const [reason] = await disconnected;
    return { id, reason };
});
