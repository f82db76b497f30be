// Connection state recovery in one process: a client in room "news" loses its connection (the server closes it),
// 50 broadcasts to "news" are sent while it is away, it reconnects by itself and is recovered: same id, rooms and
// data, and the 50 broadcasts in order, once each, then live ones again.
import { scenario, emitWithAck } from "./lib.mjs";
import { reconnecting, cutByServer, record, until } from "./recovery-lib.mjs";

scenario("recovery-transport-cut", async (ctx) => {
    const ann = await ctx.connectSettled("/recovery", reconnecting(1500, { name: "ann", rooms: ["news"] }));
    const control = await ctx.connectSettled("/recovery", { auth: { name: "control" } });
    const ticks = record(ann, "tick");
    await emitWithAck(control, "burst", { room: "news", event: "tick", from: -1, count: 1 });
    await until(() => ticks.length === 1, "the first broadcast");
    const before = { id: ann.id, pid: ann._pid, state: (await emitWithAck(ann, "state"))[0] };

    const reason = await cutByServer(ann);
    const reconnected = new Promise((resolve) => ann.once("connect", resolve));
    await emitWithAck(control, "burst", { room: "news", event: "tick", from: 0, count: 50 });
    const sentWhileAway = !ann.connected;
    await reconnected;
    const after = { id: ann.id, pid: ann._pid, recovered: ann.recovered, state: (await emitWithAck(ann, "state"))[0] };
    await emitWithAck(control, "burst", { room: "news", event: "tick", from: 50, count: 1 });
    await until(() => ticks.some((args) => args[0] === 50), "the live broadcast after recovery");
    return {
        reason,
        sentWhileAway,
        before,
        after,
        numbers: ticks.map((args) => args[0]),
        offsets: ticks.map((args) => args[args.length - 1]),
        argCounts: ticks.map((args) => args.length),
    };
});
