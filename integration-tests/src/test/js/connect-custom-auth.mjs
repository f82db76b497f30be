// Connects to /custom with an auth object: the server emits `auth` with that object.
import { scenario, once } from "./lib.mjs";

scenario("connect-custom-auth", async (ctx) => {
    const socket = ctx.socket("/custom", { auth: { token: "abc", user: { name: "ann", tags: [1, 2] } } });
    const auth = once(socket, "auth");
    socket.connect();
    const [authArg] = await auth;
    return { id: socket.id, connected: socket.connected, auth: authArg };
});
