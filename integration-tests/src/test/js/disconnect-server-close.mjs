// The server disconnects the socket and closes its connection: `bye` true -> socket.disconnect(true).
import { scenario, once } from "./lib.mjs";

scenario("disconnect-server-close", async (ctx) => {
    const socket = await ctx.connectSettled("/rooms");
    const id = socket.id;
    const disconnected = once(socket, "disconnect");
    socket.emit("bye", true);
    const [reason] = await disconnected;
    return { id, reason };
});
