// The client stops answering the server's pings: the server closes the connection with reason "ping timeout".
import { scenario, once } from "./lib.mjs";

scenario("ping-timeout", async (ctx) => {
    const socket = await ctx.connectSettled("/rooms");
    const id = socket.id;
    const disconnected = once(socket, "disconnect");
    const engine = socket.io.engine;
    const sendPacket = engine._sendPacket.bind(engine);
    let pongsWithheld = 0;
    engine._sendPacket = (type, ...rest) => {
        if (type === "pong") {
            pongsWithheld++;
            return;
        }
        return sendPacket(type, ...rest);
    };
    const [reason] = await disconnected;
    return { id, reason, pongsWithheld: pongsWithheld > 0 };
});
