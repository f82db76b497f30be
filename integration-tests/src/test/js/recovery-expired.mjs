// Connection state recovery: a client that comes back after max-disconnection-duration (3 s in the recovery tests'
// profile) gets a new session, through the middlewares.
import { scenario, emitWithAck } from "./lib.mjs";
import { reconnecting, cutByServer, record, until } from "./recovery-lib.mjs";

scenario("recovery-expired", async (ctx) => {
    const ann = await ctx.connectSettled("/recovery", reconnecting(4500, { name: "ann", rooms: ["news"] }));
    const control = await ctx.connectSettled("/recovery", { auth: { name: "control" } });
    const ticks = record(ann, "tick");
    await emitWithAck(control, "burst", { room: "news", event: "tick", from: 0, count: 1 });
    await until(() => ticks.length === 1, "the first broadcast");
    const before = { id: ann.id, state: (await emitWithAck(ann, "state"))[0] };
    const reason = await cutByServer(ann);
    await emitWithAck(control, "burst", { room: "news", event: "tick", from: 1, count: 3 });
    await new Promise((resolve) => ann.once("connect", resolve));
    const after = { id: ann.id, recovered: ann.recovered, state: (await emitWithAck(ann, "state"))[0] };
    return { reason, before, after, numbers: ticks.map((args) => args[0]) };
});
