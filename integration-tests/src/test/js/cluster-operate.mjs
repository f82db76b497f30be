// Clients that stay connected (they reconnect by themselves) while the test reloads or rescales the cluster with the
// operator commands, and a REST client calling GET /cluster-fixture/info through the primary every 10 ms.
// Options: {clients: 200}. Every client joins the room "all".
// Driven by the test on stdin, after the progress line {"phase": "connected", pids, distribution}:
//   "settle <n>"  waits until every client is connected again, off the pids given in "avoid" (a JSON list after n,
//                 optional), and serverCount is n; prints {"phase": "settled-<k>" (k = 1 for the first settle line,
//                 2 for the second...), distribution, serverCount, fetched,
//                 pids, maxGapMs} where maxGapMs is the longest time a client spent disconnected so far
//   "finish"      a chat to room "all" from one client: who got it how often; stops the REST client; result line
//                 with the REST calls, their failures and the pids that answered them
import http from "node:http";
import { scenario, connectAll, byWorker, delay, eventually, STEP_MS } from "./cluster-lib.mjs";

scenario("cluster-operate", async (ctx) => {
    const count = ctx.options.clients ?? 200;
    const clients = Array.from({ length: count }, (_, i) => ctx.client("c" + i, ["all"], {
        reconnection: true, reconnectionDelay: 100, reconnectionDelayMax: 1000,
    }));
    for (const c of clients) {
        c.gaps = [];
        c.socket.on("disconnect", () => { c.downSince = performance.now(); });
        c.socket.on("welcome", () => {
            if (c.downSince !== undefined) {
                c.gaps.push(Math.round(performance.now() - c.downSince));
                c.downSince = undefined;
            }
        });
    }
    const { failures } = await connectAll(clients, { upgrade: true });
    if (failures.length) {
        throw new Error(failures.length + " clients did not connect: " + JSON.stringify(failures.slice(0, 5)));
    }

    const rest = { calls: 0, failures: [], byPid: {} };
    const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
    let restRunning = true;
    const restLoop = (async () => {
        while (restRunning) {
            const started = performance.now();
            try {
                const info = await getJson(ctx.url + "/cluster-fixture/info", agent);
                rest.calls++;
                rest.byPid[info.pid] = (rest.byPid[info.pid] ?? 0) + 1;
            } catch (error) {
                rest.failures.push(String(error.message));
            }
            const wait = 10 - (performance.now() - started);
            if (wait > 0) await delay(wait);
        }
    })();

    const pidsNow = () => [...new Set(clients.map((c) => c.pid))].sort();
    const distribution = () => Object.fromEntries(Object.entries(byWorker(clients)).map(([w, l]) => [w, l.length]));
    ctx.phase("connected", { pids: pidsNow(), distribution: distribution() });

    let settles = 0;
    for (;;) {
        const line = await ctx.line();
        if (line.startsWith("settle")) {
            const [, n, avoidJson] = line.match(/^settle (\d+)\s*(.*)$/);
            const expected = Number(n);
            const avoid = avoidJson ? JSON.parse(avoidJson) : [];
            await eventually(async () => {
                const settled = clients.every((c) => c.socket.connected && !avoid.includes(c.pid));
                return { done: settled, value: { connected: clients.filter((c) => c.socket.connected).length, pids: pidsNow() } };
            }, "every client connected to a worker that serves", 20000);
            const counted = await eventually(async () => {
                const serverCount = await clients[0].ack("count");
                return { done: serverCount === expected, value: serverCount };
            }, "serverCount " + expected, 15000);
            const fetched = await clients[0].ack("fetch", {});
            const maxGapMs = Math.max(0, ...clients.flatMap((c) => c.gaps));
            ctx.phase("settled-" + ++settles, { distribution: distribution(), serverCount: counted.value,
                fetched: Array.isArray(fetched) ? fetched.length : fetched, pids: pidsNow(), maxGapMs });
        } else if (line === "finish") {
            break;
        }
    }

    const text = "after-" + Date.now();
    await clients[0].ack("chat", { in: ["all"], text });
    await Promise.all(clients.map((c) => c.until(() => c.fences.includes(text), "fence " + text)));
    const received = clients.map((c) => c.chats.filter((t) => t === text).length);
    restRunning = false;
    await restLoop;
    return {
        clients: count,
        chatReceivedOnce: received.filter((n) => n === 1).length,
        chatMissing: received.filter((n) => n === 0).length,
        chatDuplicated: received.filter((n) => n > 1).length,
        restCalls: rest.calls,
        restFailureCount: rest.failures.length,
        restFailures: rest.failures.slice(0, 10),
        restPids: rest.byPid,
        maxGapMs: Math.max(0, ...clients.flatMap((c) => c.gaps)),
    };
}, 180000);

function getJson(url, agent) {
    return new Promise((resolve, reject) => {
        const request = http.get(url, { agent, timeout: STEP_MS }, (response) => {
            let body = "";
            response.setEncoding("utf8");
            response.on("data", (chunk) => (body += chunk));
            response.on("end", () => {
                if (response.statusCode !== 200) {
                    reject(new Error("HTTP " + response.statusCode + " " + body.slice(0, 100)));
                    return;
                }
                try {
                    resolve(JSON.parse(body));
                } catch (error) {
                    reject(error);
                }
            });
        });
        request.on("timeout", () => request.destroy(new Error("timeout")));
        request.on("error", reject);
    });
}
