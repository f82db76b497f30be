// Three clients on /rooms: a joins r1, b joins r1 and vip, c joins r2. Broadcasts of `news` {n}:
//   1: c -> room r1                      (a, b)
//   2: c -> room r1 except vip           (a)
//   3: a -> socket.to(r1), sender left out (b)
//   b leaves r1
//   4: c -> room r1                      (a)
// then c sends `fence` to r1, vip and r2: each client reports the news it got before its fence.
import { scenario, once, emitWithAck } from "./lib.mjs";

scenario("rooms", async (ctx) => {
    const news = { a: [], b: [], c: [] };
    const fences = {};
    const clients = {};
    for (const name of ["a", "b", "c"]) {
        clients[name] = await ctx.connect("/rooms", {}, { news: (payload) => news[name].push(payload.n) });
        fences[name] = once(clients[name], "fence");
    }
    const { a, b, c } = clients;
    const joined = {
        a: (await emitWithAck(a, "join", "r1"))[0],
        b: (await emitWithAck(b, "join", "r1"), (await emitWithAck(b, "join", "vip"))[0]),
        c: (await emitWithAck(c, "join", "r2"))[0],
    };
    const b1 = once(b, "news");
    await emitWithAck(c, "to-room", { room: "r1", event: "news", payload: { n: 1 } });
    await b1;
    await emitWithAck(c, "to-room", { room: "r1", except: "vip", event: "news", payload: { n: 2 } });
    const b3 = once(b, "news");
    await emitWithAck(a, "from-me", { room: "r1", event: "news", payload: { n: 3 } });
    await b3;
    const left = (await emitWithAck(b, "leave", "r1"))[0];
    await emitWithAck(c, "to-room", { room: "r1", event: "news", payload: { n: 4 } });
    await emitWithAck(c, "to-room", { room: ["r1", "vip", "r2"], event: "fence", payload: {} });
    await Promise.all(Object.values(fences));
    return { joined, left, news };
});
