// Clients that stay connected while the test stops the cluster (SIGTERM to the primary). options.clients (8)
// clients on /cluster without reconnection, every other one polling only, the others upgraded to WebSocket. Prints
// {"phase":"connected", clients: [...]} once all are in, then waits (at most options.waitMs, 45 s) until every
// client saw a disconnect, and reports for each: its worker, transport and disconnects.
import { scenario, connectAll, problemsOf } from "./cluster-lib.mjs";

scenario("cluster-drain", async (ctx) => {
    const count = ctx.options.clients ?? 8;
    const waitMs = ctx.options.waitMs ?? 45000;
    const clients = Array.from({ length: count }, (_, i) =>
        ctx.client("d" + i, ["drain"], i % 2 === 0 ? {} : { transports: ["polling"] }));
    const { failures } = await connectAll(clients.filter((_, i) => i % 2 === 0), { upgrade: true, ms: 15000 });
    const polling = await connectAll(clients.filter((_, i) => i % 2 === 1), { ms: 15000 });
    failures.push(...polling.failures);
    if (failures.length) throw new Error("clients failed to connect: " + JSON.stringify(failures));
    const transports = clients.map((c) => c.transport);
    ctx.phase("connected", { clients: clients.map((c) => ({ name: c.name, worker: c.worker, pid: c.pid, transport: c.transport })) });
    const started = performance.now();
    const settled = await Promise.allSettled(clients.map((c) => c.until(() => c.disconnects.length > 0, "disconnect", waitMs)));
    return {
        afterMs: Math.round(performance.now() - started),
        clients: clients.map((c, i) => ({
            name: c.name,
            worker: c.welcomes[0].worker,
            transport: transports[i],
            disconnected: settled[i].status === "fulfilled",
            disconnects: c.disconnects,
        })),
        problems: problemsOf(clients),
    };
}, 90000);
