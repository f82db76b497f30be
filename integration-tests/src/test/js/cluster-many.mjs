// Many clients (options.clients, 200 by default) on /cluster through the primary, default transports (polling,
// then the upgrade to WebSocket), all connecting at once. Client i is named c<i> and joins rooms r<(i/2)%4> and g<i%3>,
// so that each room has members on both workers. Then, each operation started from a chosen worker:
//   chat      to one room, and to a union of rooms minus another (from each worker): who got it, how often
//   fetch     every socket, from a client on each worker, and one room: ids, rooms and data as fetched
//   join/leave socketsJoin from worker 1, checked by fetch and a chat; socketsLeave from worker 2, the same
//   sse       serverSideEmitWithAck from each worker: the answers
//   ask-all   emitWithAck to a room from worker 1: the answers
//   count     serverCount from each worker
//   binary    binary arguments, then a 900 KB buffer, from worker 2 to a room: what each member got
//   disconnect disconnectSockets of one room from worker 1: who was disconnected, and why
// Every connect_error, failed upgrade and unexpected disconnect is reported (with the HTTP status and body of a
// failed polling request, such as 400 "Session ID unknown").
import { randomBytes } from "node:crypto";
import { scenario, connectAll, problemsOf, byWorker, normalize, bytes, sha256, STEP_MS } from "./cluster-lib.mjs";

scenario("cluster-many", async (ctx) => {
    const count = ctx.options.clients ?? 200;
    const roomsOf = (i) => ["r" + (Math.floor(i / 2) % 4), "g" + (i % 3)];
    const clients = Array.from({ length: count }, (_, i) => ctx.client("c" + i, roomsOf(i)));
    const inRoom = (room) => clients.filter((c) => c.rooms.includes(room));

    const { connectMs, upgradeMs, failures } = await connectAll(clients, { upgrade: true });
    ctx.phase("connected", { connectMs, upgradeMs, failures: failures.length });
    if (failures.length) {
        return { clients: count, connectMs, upgradeMs, connectFailures: failures.slice(0, 20),
            connectFailureCount: failures.length, problems: problemsOf(clients) };
    }

    const workers = byWorker(clients);
    const distribution = Object.fromEntries(Object.entries(workers).map(([w, list]) => [w, list.length]));
    const roomWorkers = {};
    for (const room of ["r0", "r1", "r2", "r3", "g0", "g1", "g2"]) {
        roomWorkers[room] = [...new Set(inRoom(room).map((c) => c.worker))].sort();
    }
    const pidOf = {};
    for (const c of clients) pidOf[c.worker] = c.pid;
    // senders: worker 1 in r0, worker 2 in r1 (never in r3, the room disconnected at the end)
    const s1 = (workers["1"] || []).find((c) => c.rooms.includes("r0"));
    const s2 = (workers["2"] || []).find((c) => c.rooms.includes("r1"));
    if (!s1 || !s2) {
        throw new Error("no sender on each worker: distribution " + JSON.stringify(distribution));
    }

    // ------------------------------------------------------------------ chat
    const chat = async (sender, selection, text, expected) => {
        const ack = await sender.ack("chat", { ...selection, text });
        await Promise.all(clients.filter((c) => c.socket.connected)
            .map((c) => c.until(() => c.fences.includes(text), "fence " + text)));
        const wrong = [];
        let exactlyOnce = 0;
        for (const c of clients) {
            const got = c.chats.filter((t) => t === text).length;
            const want = expected(c) ? 1 : 0;
            if (got === want && want === 1) exactlyOnce++;
            if (got !== want) wrong.push({ name: c.name, worker: c.worker, rooms: c.rooms, got, want });
        }
        return { from: sender.worker, ackWorker: ack.worker, expected: clients.filter(expected).length, exactlyOnce,
            expectedWorkers: [...new Set(clients.filter(expected).map((c) => c.worker))].sort(), wrong };
    };
    const chats = {
        toRoomFrom1: await chat(s1, { in: ["r0"] }, "chat-r0", (c) => c.rooms.includes("r0")),
        unionExceptFrom2: await chat(s2, { in: ["r1", "g1"], except: ["r3"] }, "chat-union",
            (c) => (c.rooms.includes("r1") || c.rooms.includes("g1")) && !c.rooms.includes("r3")),
    };

    // ------------------------------------------------------------------ fetch
    const checkFetch = async (from, selection, expectedClients) => {
        const started = performance.now();
        const answer = await from.ack("fetch", selection);
        const ms = Math.round(performance.now() - started);
        if (!Array.isArray(answer)) return { from: from.worker, error: answer };
        const byId = new Map(answer.map((s) => [s.id, s]));
        const mismatches = [];
        for (const c of expectedClients) {
            const s = byId.get(c.id);
            const wantRooms = [c.id, ...c.rooms].sort();
            if (!s) {
                mismatches.push({ name: c.name, missing: true });
            } else if (JSON.stringify(s.rooms) !== JSON.stringify(wantRooms)
                || s.data.name !== c.name || s.data.worker !== c.worker || s.data.pid !== c.pid) {
                mismatches.push({ name: c.name, fetched: s, wantRooms, worker: c.worker, pid: c.pid });
            }
        }
        const expectedIds = new Set(expectedClients.map((c) => c.id));
        const extra = answer.filter((s) => !expectedIds.has(s.id)).map((s) => s.id);
        const fromWorkers = {};
        for (const s of answer) fromWorkers[s.data.worker] = (fromWorkers[s.data.worker] ?? 0) + 1;
        return { from: from.worker, size: answer.length, expected: expectedClients.length, fromWorkers, ms,
            mismatches: mismatches.slice(0, 5), mismatchCount: mismatches.length, extra: extra.slice(0, 5) };
    };
    const fetches = {
        allFrom1: await checkFetch(s1, {}, clients),
        allFrom2: await checkFetch(s2, {}, clients),
        roomG2From2: await checkFetch(s2, { in: ["g2"] }, inRoom("g2")),
    };

    // ------------------------------------------------------------------ socketsJoin / socketsLeave
    // Each check is sent by the client that did the operation: what one worker sends reaches the others in order.
    const r2 = inRoom("r2");
    await s1.ack("join-all", { in: ["r2"], rooms: ["extra"] });
    for (const c of r2) c.rooms = [...c.rooms, "extra"];
    const joined = {
        fetch: await checkFetch(s1, { in: ["extra"] }, r2),
        chat: await chat(s1, { in: ["extra"] }, "chat-extra", (c) => c.rooms.includes("extra")),
        membersOnWorkers: [...new Set(r2.map((c) => c.worker))].sort(),
    };
    await s2.ack("leave-all", { in: ["extra"], rooms: ["extra"] });
    for (const c of r2) c.rooms = c.rooms.filter((r) => r !== "extra");
    const left = {
        fetch: await checkFetch(s2, { in: ["extra"] }, []),
        chat: await chat(s2, { in: ["extra"] }, "chat-extra-after-leave", () => false),
    };

    // ------------------------------------------------------------------ serverSideEmitWithAck
    const sse = {};
    for (const from of [s1, s2]) {
        const answer = await from.ack("sse");
        sse[from.worker] = { answers: answer, ownPid: from.pid };
    }

    // ------------------------------------------------------------------ emitWithAck to a room
    const r3 = inRoom("r3");
    const askStarted = performance.now();
    const asked = await s1.ack("ask-all", { in: ["r3"], timeoutMs: 5000 });
    const ask = {
        ms: Math.round(performance.now() - askStarted),
        expected: r3.length,
        error: Array.isArray(asked) ? null : asked,
        answers: Array.isArray(asked) ? asked.length : null,
        names: Array.isArray(asked) ? [...new Set(asked.map((a) => a.name))].sort() : null,
        expectedNames: r3.map((c) => c.name).sort(),
        answerWorkers: Array.isArray(asked) ? [...new Set(asked.map((a) => a.worker))].sort() : null,
    };

    // ------------------------------------------------------------------ serverCount
    const counts = { [s1.worker]: await s1.ack("count"), [s2.worker]: await s2.ack("count") };

    // ------------------------------------------------------------------ binary
    const r1 = inRoom("r1");
    const small = [
        Buffer.from([0, 1, 2, 127, 128, 253, 254, 255]),
        { nested: randomBytes(1000), list: [Buffer.from("é✓", "utf8"), "text", 3] },
        "plain",
    ];
    const big = randomBytes(900 * 1024);
    const before = new Map(clients.map((c) => [c, c.binaries.length]));
    const smallAck = await s2.ack("binary", { in: ["r1"] }, ...small);
    const bigAck = await s2.ack("binary", { in: ["r1"] }, big);
    await Promise.all(r1.map((c) => c.until(() => c.binaries.length >= before.get(c) + 2, "both binary events", 20000)));
    await chat(s2, { in: [] }, "after-binary", () => true); // a fence after the binary events, for the outsiders
    const wantSmall = JSON.stringify(normalize(small));
    const wantBig = sha256(big);
    const binaryWrong = [];
    for (const c of clients) {
        const got = c.binaries.slice(before.get(c));
        const member = c.rooms.includes("r1");
        if (!member) {
            if (got.length) binaryWrong.push({ name: c.name, outsiderGot: got.length });
            continue;
        }
        const problems = [];
        if (got.length !== 2) problems.push("got " + got.length + " binary events");
        if (got[0] && JSON.stringify(normalize(got[0])) !== wantSmall) problems.push("small args differ");
        if (got[1]) {
            const b = got[1].length === 1 ? bytes(got[1][0]) : null;
            if (!b || b.length !== big.length || sha256(b) !== wantBig) {
                problems.push("900 KB payload differs: " + (b ? b.length + " bytes" : got[1].length + " args"));
            }
        }
        if (problems.length) binaryWrong.push({ name: c.name, worker: c.worker, problems });
    }
    const binary = {
        from: s2.worker, members: r1.length, memberWorkers: [...new Set(r1.map((c) => c.worker))].sort(),
        acks: [smallAck.args, bigAck.args], bigBytes: big.length, wrong: binaryWrong.slice(0, 5),
        wrongCount: binaryWrong.length,
    };

    // ------------------------------------------------------------------ connection problems so far
    const problems = problemsOf(clients);

    // ------------------------------------------------------------------ disconnectSockets
    await s1.ack("disconnect-all", { in: ["r3"], close: false });
    await Promise.all(r3.map((c) => c.until(() => c.disconnects.length > 0, "disconnect")));
    const afterDisconnect = await chat(s1, {}, "after-disconnect", (c) => !c.rooms.includes("r3"));
    const remaining = clients.filter((c) => !c.rooms.includes("r3"));
    const disconnect = {
        from: s1.worker,
        members: r3.length,
        memberWorkers: [...new Set(r3.map((c) => c.worker))].sort(),
        reasons: [...new Set(r3.flatMap((c) => c.disconnects.map((d) => d.reason)))],
        membersDisconnected: r3.filter((c) => c.disconnects.length === 1 && !c.socket.connected).length,
        othersDisconnected: remaining.filter((c) => c.disconnects.length > 0).map((c) => c.name),
        chatToAll: afterDisconnect,
        fetch: await checkFetch(s2, {}, remaining),
    };

    return { clients: count, connectMs, upgradeMs, connectFailureCount: 0, distribution, roomWorkers, pids: pidOf, problems, chats, fetches,
        joined, left, sse, ask, counts, binary, disconnect, stepMs: STEP_MS };
}, 120000);
