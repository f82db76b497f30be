// Connection state recovery: another client presenting ann's private session id with a forged offset, or no
// offset, gets a session of its own (not ann's id, not ann's rooms); ann's session is still there for ann.
import { scenario, emitWithAck } from "./lib.mjs";
import { cutByServer, record, until } from "./recovery-lib.mjs";

scenario("recovery-forged", async (ctx) => {
    const ann = await ctx.connectSettled("/recovery", { auth: { name: "ann", rooms: ["secret"] } });
    const control = await ctx.connectSettled("/recovery", { auth: { name: "control" } });
    const ticks = record(ann, "tick");
    await emitWithAck(control, "burst", { room: "secret", event: "tick", from: 0, count: 1 });
    await until(() => ticks.length === 1, "the first broadcast");
    const annId = ann.id;
    const pid = ann._pid;
    const offset = ticks[0][1];
    await cutByServer(ann);

    const attempts = {};
    for (const [name, auth] of Object.entries({
        forgedOffset: { pid, offset: "zzzzzzzz" },
        numericOffset: { pid, offset: "1" },
        noOffset: { pid },
        guessedPid: { pid: "AAAAAAAAAAAAAAAAAAAA", offset },
    })) {
        const mallory = await ctx.connect("/recovery", { auth: { name: "mallory", ...auth } });
        const state = (await emitWithAck(mallory, "state"))[0];
        attempts[name] = { id: mallory.id, recovered: mallory.recovered, rooms: state.rooms, data: state.data };
        mallory.disconnect();
    }
    await emitWithAck(control, "burst", { room: "secret", event: "tick", from: 1, count: 2 });
    // ann comes back with her own pid and offset
    ann.connect();
    await new Promise((resolve) => ann.once("connect", resolve));
    await until(() => ticks.length === 3, "ann's missed broadcasts");
    return {
        annId,
        pidLength: pid.length,
        attempts,
        ann: { id: ann.id, recovered: ann.recovered, numbers: ticks.map((args) => args[0]) },
    };
});
