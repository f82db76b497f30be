// A few clients (options.clients, 4) on /cluster, default transports, all in room "smoke": the workers they landed
// on, serverCount asked through each of them, a chat from the first one to the room (who got it, how often) and a
// fetch from the last one. Used to check that a cluster still serves after something was done to it.
import { scenario, connectAll, problemsOf } from "./cluster-lib.mjs";

scenario("cluster-smoke", async (ctx) => {
    const clients = Array.from({ length: ctx.options.clients ?? 4 }, (_, i) => ctx.client("s" + i, ["smoke"]));
    const { failures } = await connectAll(clients, { upgrade: true, ms: 15000 });
    if (failures.length) return { connectFailures: failures, problems: problemsOf(clients) };
    const counts = [];
    for (const c of clients) counts.push(await c.ack("count"));
    const text = "smoke-" + Date.now();
    await clients[0].ack("chat", { in: ["smoke"], text });
    await Promise.all(clients.map((c) => c.until(() => c.fences.includes(text), "fence")));
    const fetched = await clients[clients.length - 1].ack("fetch", { in: ["smoke"] });
    return {
        connectFailures: [],
        workers: clients.map((c) => c.worker),
        pids: clients.map((c) => c.pid),
        counts,
        chatReceived: clients.map((c) => c.chats.filter((t) => t === text).length),
        fetched: Array.isArray(fetched) ? fetched.map((s) => s.data.name).sort() : fetched,
        expectedNames: clients.map((c) => c.name).sort(),
        problems: problemsOf(clients),
    };
}, 45000);
