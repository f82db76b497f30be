// TLS through the cluster (ClusterTlsIT): options.clients (4) clients over wss:// only, and as many with the default
// transports (https:// long-polling, then the upgrade to wss://), all in room "tls", trusting only the test's
// self-signed certificate (options.ca, a PEM file: no rejectUnauthorized=false, so a wrong certificate fails). Reports
// the workers they landed on, the transport each ran first and runs now, serverCount acked through each, and who got a
// chat one of them sent to the room (it crosses the workers).
import { readFileSync } from "node:fs";
import { scenario, connectAll, problemsOf } from "./cluster-lib.mjs";

scenario("cluster-tls", async (ctx) => {
    const tls = { ca: readFileSync(ctx.options.ca) };
    const n = ctx.options.clients ?? 4;
    const webSockets = Array.from({ length: n }, (_, i) => ctx.client("w" + i, ["tls"], { ...tls, transports: ["websocket"] }));
    const polling = Array.from({ length: n }, (_, i) => ctx.client("p" + i, ["tls"], tls));
    const clients = [...webSockets, ...polling];
    const firstTransports = {};
    for (const c of clients) {
        c.socket.io.on("open", () => (firstTransports[c.name] ??= c.socket.io.engine.transport.name));
    }
    const { failures } = await connectAll(clients, { upgrade: true, ms: 20000 });
    if (failures.length) return { connectFailures: failures, problems: problemsOf(clients) };
    const counts = [];
    for (const c of clients) counts.push(await c.ack("count"));
    const text = "tls-" + Date.now();
    await polling[0].ack("chat", { in: ["tls"], text });
    await Promise.all(clients.map((c) => c.until(() => c.fences.includes(text), "fence")));
    return {
        connectFailures: [],
        webSocketWorkers: webSockets.map((c) => c.worker),
        pollingWorkers: polling.map((c) => c.worker),
        firstTransports: clients.map((c) => firstTransports[c.name]),
        transports: clients.map((c) => c.transport),
        counts,
        chatReceived: clients.map((c) => c.chats.filter((t) => t === text).length),
        problems: problemsOf(clients),
    };
}, 60000);
