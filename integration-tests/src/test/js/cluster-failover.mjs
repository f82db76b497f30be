// Clients that live through the loss of a worker. options.clients (12) clients on /cluster, default transports,
// room "all", with auto-reconnection (200 ms to 1 s). Prints {"phase":"connected", clients: [...]}, then obeys
// the test's lines on stdin:
//   fetch <w>      a client on worker w starts fetchSockets of the whole namespace: prints {"phase":"fetch-started"}
//                  at once, then {"phase":"fetched", ms, sockets: [{id, name, worker}] or error} when its ack came
//   recovered <w>  worker w was lost and is back: waits until every client that was on w reconnected, connects one
//                  more client ("late", which least-connection should send to the empty worker w), asks serverCount
//                  through a client of each worker until it is 2 (10 s at most), sends a chat from the late client
//                  to "all" and a fetch from it, then prints the result and ends
import { scenario, connectAll, problemsOf, STEP_MS, eventually } from "./cluster-lib.mjs";

scenario("cluster-failover", async (ctx) => {
    const count = ctx.options.clients ?? 12;
    const reconnecting = { reconnection: true, reconnectionDelay: 200, reconnectionDelayMax: 1000 };
    const clients = Array.from({ length: count }, (_, i) => ctx.client("f" + i, ["all"], reconnecting));
    const { failures } = await connectAll(clients, { upgrade: true, ms: 15000 });
    if (failures.length) throw new Error("clients failed to connect: " + JSON.stringify(failures));
    const initial = new Map(clients.map((c) => [c, { worker: c.worker, id: c.id }]));
    ctx.phase("connected", { clients: clients.map((c) => ({ name: c.name, worker: c.worker, pid: c.pid, id: c.id })) });
    const on = (worker) => {
        const client = clients.find((c) => c.socket.connected && c.worker === worker);
        if (!client) throw new Error("no connected client on worker " + worker);
        return client;
    };
    let fetch = null;
    for (;;) {
        const [command, arg] = (await ctx.line()).split(/\s+/);
        const worker = Number(arg);
        if (command === "fetch") {
            const from = on(worker);
            const started = performance.now();
            const pending = from.ack("fetch", {});
            ctx.phase("fetch-started", { from: from.name });
            const answer = await pending;
            const ms = Math.round(performance.now() - started);
            fetch = Array.isArray(answer)
                ? { ms, sockets: answer.map((s) => ({ id: s.id, name: s.data.name, worker: s.data.worker })) }
                : { ms, error: answer };
            ctx.phase("fetched", fetch);
        } else if (command === "recovered") {
            const victims = clients.filter((c) => initial.get(c).worker === worker);
            const survivors = clients.filter((c) => initial.get(c).worker !== worker);
            const reconnectStarted = performance.now();
            await Promise.all(victims.map((c) => c.until(() => c.welcomes.length >= 2 && c.socket.connected,
                "reconnection", 20000)));
            const reconnectMs = Math.round(performance.now() - reconnectStarted);
            const late = ctx.client("late", ["all"], reconnecting);
            await late.start(STEP_MS);
            const everyone = [...clients, late];
            const counted = {};
            for (const from of [late, survivors[0]]) {
                counted[from.name] = await eventually(async () => {
                    const n = await from.ack("count");
                    return { done: n === 2, value: n };
                }, "serverCount 2 through " + from.name, 10000, 200);
            }
            const text = "after-recovery";
            await late.ack("chat", { in: ["all"], text });
            await Promise.all(everyone.map((c) => c.until(() => c.fences.includes(text), "fence")));
            const fetched = await late.ack("fetch", { in: ["all"] });
            return {
                victimWorker: worker,
                fetch,
                reconnectMs,
                victims: victims.map((c) => ({ name: c.name, before: initial.get(c), after: { worker: c.worker, id: c.id },
                    connections: c.welcomes.length, disconnects: c.disconnects })),
                survivors: survivors.map((c) => ({ name: c.name, worker: c.worker, id: c.id, before: initial.get(c),
                    connections: c.welcomes.length, disconnects: c.disconnects })),
                late: { worker: late.worker, pid: late.pid, id: late.id },
                counts: counted,
                chat: everyone.map((c) => ({ name: c.name, got: c.chats.filter((t) => t === text).length })),
                fetched: Array.isArray(fetched)
                    ? fetched.map((s) => ({ id: s.id, name: s.data.name, worker: s.data.worker }))
                    : fetched,
                current: everyone.map((c) => ({ name: c.name, id: c.id, worker: c.worker })),
                problems: problemsOf(everyone),
            };
        } else {
            throw new Error("unknown command " + command);
        }
    }
}, 150000);
