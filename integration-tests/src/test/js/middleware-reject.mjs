// /guarded: a wrong token is rejected by the middleware (connect_error with its message and data); the right token
// gets in and receives `welcome` with the data the middleware stored.
import { scenario, once } from "./lib.mjs";

scenario("middleware-reject", async (ctx) => {
    const rejectedSocket = ctx.socket("/guarded", { auth: { token: "wrong" } });
    const error = once(rejectedSocket, "connect_error");
    rejectedSocket.connect();
    const [err] = await error;
    const admitted = ctx.socket("/guarded", { auth: { token: "s3cret", user: "ann" } });
    const welcome = once(admitted, "welcome");
    admitted.connect();
    const [welcomeArg] = await welcome;
    return {
        rejected: { message: err.message, data: err.data, active: rejectedSocket.active, connected: rejectedSocket.connected },
        welcome: welcomeArg,
    };
});
