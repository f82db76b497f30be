// On /declarative (a @SocketIO bean): every parameter kind, the acknowledgement by return value, Uni,
// CompletionStage and SocketIOAck, the thread each handler ran on, the error handlers, bad input, the middleware's
// rejection; and a dynamic namespace /declarative-<digits>.
import { scenario, emitWithAck, normalize } from "./lib.mjs";

/** Resolves with the answer, or with "no ack" when none came within `ms`. */
function noAck(socket, event, ...args) {
    return new Promise((resolve) => {
        socket.timeout(300).emit(event, ...args, (err, ...answer) => resolve(err ? "no ack" : normalize(answer)));
    });
}

function connectError(socket) {
    return new Promise((resolve, reject) => {
        socket.on("connect", () => reject(new Error("connected, expected connect_error")));
        socket.on("connect_error", (err) => resolve({ message: err.message, data: err.data }));
        socket.connect();
    });
}

scenario("declarative", async (ctx) => {
    let welcomed;
    const welcome = new Promise((resolve) => (welcomed = resolve));
    const socket = await ctx.connect("/declarative", { auth: { token: "ok" } }, {
        welcome: (...args) => welcomed(args),
    });
    const ack = async (event, ...args) => normalize(await emitWithAck(socket, event, ...args));
    const item = (name, qty) => ({ name, qty });
    const result = { id: socket.id, welcome: normalize(await welcome) };

    result.params = {
        record: await ack("record", item("pen", 2)),
        pojo: await ack("pojo", { title: "hello", tags: ["a", "b"], item: item("x", 1) }),
        generic: await ack("generic", [item("a", 2), item("b", 3)], { g1: [item("c", 1)] },
            { id: "o1", items: [item("a", 1), item("b", 1)], quantities: { a: 1 } }),
        node: await ack("node", [1, "two"], { k: "v" }, [1, 2, 3]),
        primitives: await ack("primitives", 7, 8000000000, 1.5, true, 42, "text", "c"),
        binary: await ack("binary", Buffer.from([1, 2, 3]), Buffer.from([4, 5])),
        several: await ack("several", "a", 2, item("c", 0)),
        raw: await ack("raw", "x", "y"),
        later: await ack("later", "later"),
    };
    result.returns = {
        void: await ack("void"),
        null: await ack("null"),
        uni: await ack("uni", { id: "o2", items: [item("a", 1)] }),
        uniVoid: await ack("uni-void"),
        completionStage: await ack("cs", item("cup", 4)),
    };
    result.threads = {};
    for (const kind of ["default", "non-blocking", "uni", "blocking-uni", "completion-stage", "virtual"]) {
        result.threads[kind] = (await ack("thread-" + kind))[0];
    }
    result.errors = {
        argument: await ack("fail", "argument"),
        state: await ack("fail", "state"),
        uni: await ack("fail-uni"),
        completionStage: await ack("fail-completion-stage"),
        checked: await noAck(socket, "fail", "checked"),
        none: await ack("fail", "none"),
    };
    result.badInput = {
        record: await ack("record", "not an item"),
        primitives: await ack("primitives", "not a number"),
        binary: await ack("binary", "not binary", Buffer.from([1])),
        after: await ack("record", item("ok", 0)),
    };

    result.rejected = await connectError(ctx.socket("/declarative", { auth: { token: "wrong" } }));

    let dynamicWelcomed;
    const dynamicWelcome = new Promise((resolve) => (dynamicWelcomed = resolve));
    const dynamic = await ctx.connect("/declarative-5", {}, { welcome: (...args) => dynamicWelcomed(args) });
    result.dynamic = {
        welcome: normalize(await dynamicWelcome),
        echo: normalize(await emitWithAck(dynamic, "echo", "hi")),
        fail: await noAck(dynamic, "fail"),
        badInput: await noAck(dynamic, "echo", { not: "a string" }),
        after: normalize(await emitWithAck(dynamic, "echo", "still here")),
        rejected: await connectError(ctx.socket("/declarative-6", { auth: { reject: true } })),
    };
    return result;
});
