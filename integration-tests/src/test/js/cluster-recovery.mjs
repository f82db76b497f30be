// Connection state recovery across the cluster (ClusterRecoveryIT): listeners in room "r" (with reconnection, so
// they come back by themselves) receive a numbered "chat" broadcast every few milliseconds while the test kills
// or reloads workers. Options: {listeners, mode}: mode "kill" sends the broadcasts from a client on another worker
// than the first listener's (the test kills the first listener's worker); mode "reload" sends them with
// POST /cluster-fixture/broadcast (any worker; the test reloads every worker). Phases: "ready" {victimWorker,
// victimPid, senderWorker}; then the broadcasts flow until the test writes "stop" on stdin, 20 more follow, and the
// result says, per listener, whether it got every broadcast exactly once, whether their offsets (the last argument)
// only grew (the order of the primary's log), whether that is also the order they were sent in, and how each
// reconnection went. (Broadcasts sent one after another through REST calls to different workers are numbered in the
// order they reach the primary, which may differ from the order of the calls; one client's emits are not.)
import { scenario, delay, STEP_MS } from "./cluster-lib.mjs";

const ROOM = "r";

scenario("cluster-recovery", async (ctx) => {
    const { listeners: count = 10, mode = "kill" } = ctx.options;
    const reconnecting = { reconnection: true, reconnectionDelay: 500, reconnectionDelayMax: 2000 };
    const listeners = [];
    for (let i = 0; i < count; i++) {
        const client = ctx.client("l" + i, [ROOM], reconnecting);
        client.connections = [];
        client.offsets = [];
        client.socket.on("chat", (...args) => client.offsets.push(parseInt(args[args.length - 1], 36)));
        client.socket.on("connect", () => client.connections.push({ id: client.socket.id,
            recovered: client.socket.recovered }));
        listeners.push(client);
    }
    await Promise.all(listeners.map((c) => c.start()));
    // every listener has an offset: recovery needs one
    const victimWorker = listeners[0].worker;
    const victimPid = listeners[0].pid;
    let send;
    let senderWorker = null;
    if (mode === "kill") {
        let sender = null;
        for (let i = 0; i < 8 && !sender; i++) {
            const candidate = ctx.client("sender" + i, []);
            await candidate.start();
            if (candidate.worker !== victimWorker) sender = candidate;
        }
        if (!sender) throw new Error("no client landed on another worker than " + victimWorker);
        senderWorker = sender.worker;
        send = (n) => sender.ack("chat", { in: [ROOM], text: String(n) });
    } else {
        send = async (n) => {
            for (let attempt = 1; ; attempt++) {
                try {
                    const response = await fetch(ctx.url + "/cluster-fixture/broadcast?room=" + ROOM + "&text=" + n,
                        { method: "POST", signal: AbortSignal.timeout(STEP_MS) });
                    if (response.status === 200) return;
                    throw new Error("status " + response.status);
                } catch (error) {
                    if (attempt >= 3) throw new Error("broadcast " + n + " failed: " + error);
                    await delay(200);
                }
            }
        };
    }
    let sent = 0;
    await send(sent++);
    for (const c of listeners) await c.until(() => c.chats.length >= 1, "the first broadcast");
    ctx.phase("ready", { victimWorker, victimPid, senderWorker });

    let stop = false;
    ctx.line().then((line) => {
        if (line === "stop") stop = true;
    });
    while (!stop) {
        await send(sent++);
        await delay(10);
    }
    for (let i = 0; i < 20; i++) await send(sent++);
    const expected = Array.from({ length: sent }, (_, n) => String(n));
    const complete = (c) => c.chats.length >= sent && c.socket.connected;
    await Promise.all(listeners.map((c) => c.until(() => complete(c), "all " + sent + " broadcasts", 30000)
        .catch(() => undefined)));
    const summaries = listeners.map((c) => {
        const chats = c.chats;
        const mismatch = expected.findIndex((n, i) => chats[i] !== n);
        const counts = new Map();
        for (const text of chats) counts.set(text, (counts.get(text) || 0) + 1);
        const exactlyOnce = chats.length === sent && expected.every((n) => counts.get(n) === 1);
        const offsetsGrow = c.offsets.every((o, i) => i === 0 || o > c.offsets[i - 1]);
        return {
            name: c.name,
            firstWorker: c.welcomes.length ? c.welcomes[0].worker : null,
            worker: c.worker,
            received: chats.length,
            exactlyOnce,
            offsetsGrow,
            inSendOrder: mismatch === -1 && chats.length === sent,
            firstMismatch: mismatch === -1 ? null : { at: mismatch, got: chats.slice(Math.max(0, mismatch - 2),
                mismatch + 3) },
            connections: c.connections,
            disconnects: c.disconnects.map((d) => d.reason),
        };
    });
    return { sent, victimWorker, victimPid, senderWorker, listeners: summaries };
}, 240000);
