// Connects to / without auth: the server emits `auth` with {}. In mode default, waits for the upgrade.
import { scenario, once, upgraded } from "./lib.mjs";

scenario("connect-root", async (ctx) => {
    const socket = ctx.socket("/");
    const auth = once(socket, "auth");
    const connected = once(socket, "connect");
    socket.connect();
    await connected;
    const initialTransport = socket.io.engine.transport.name;
    const [authArg] = await auth;
    const finalTransport = ctx.mode === "polling" ? socket.io.engine.transport.name : await upgraded(socket);
    return { id: socket.id, recovered: socket.recovered === true, auth: authArg, initialTransport, finalTransport };
});
