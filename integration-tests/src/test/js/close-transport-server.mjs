// The client sends a malformed Socket.IO packet (unknown packet type 9): the server closes the connection.
import { scenario, once } from "./lib.mjs";

scenario("close-transport-server", async (ctx) => {
    const socket = await ctx.connectSettled("/rooms");
    const id = socket.id;
    const disconnected = once(socket, "disconnect");
    socket.io.engine.send("9");
    const [reason] = await disconnected;
    return { id, reason };
});
