// Long-polling sessions of several sids over ONE keep-alive TCP connection to the primary: a raw Engine.IO v4
// polling client (node:http, one http.Agent with keepAlive and maxSockets 1, so every request waits for that one
// socket). It opens options.sessions (6) sessions, connects each to /cluster, then runs options.rounds (10) rounds in
// which every session sends an event with an ack (info, then count) and polls until the ack came. A GET is only sent
// when an answer is due, so no held long-poll blocks the shared connection. Reports each request's sid, status and
// socket (numbered in order of first use, with its local port), so the test sees that the sids alternate on one
// connection and every request succeeded; and each session's worker (from info), since sids of both workers should
// share that connection.
import http from "node:http";
import { scenario, STEP_MS } from "./cluster-lib.mjs";

const SEP = "\x1e";

scenario("cluster-keepalive", async (ctx) => {
    const url = new URL(ctx.url);
    const sessionCount = ctx.options.sessions ?? 6;
    const rounds = ctx.options.rounds ?? 10;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const socketNumbers = new Map();
    const localPorts = [];
    const log = [];

    const request = (method, sid, body) => new Promise((resolve, reject) => {
        const query = "EIO=4&transport=polling" + (sid ? "&sid=" + encodeURIComponent(sid) : "") + "&t=" + log.length;
        const headers = body === undefined ? {} : {
            "content-type": "text/plain;charset=UTF-8",
            "content-length": Buffer.byteLength(body),
        };
        const entry = { method, sid: sid ?? null, socket: null, status: null, reused: null };
        log.push(entry);
        const req = http.request({ host: url.hostname, port: url.port, method, path: "/socket.io/?" + query, agent,
            headers }, (res) => {
            const chunks = [];
            res.on("data", (chunk) => chunks.push(chunk));
            res.on("end", () => {
                entry.status = res.statusCode;
                resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString("utf8") });
            });
            res.on("error", reject);
        });
        req.setTimeout(STEP_MS, () => req.destroy(new Error(method + " " + query + ": no answer within " + STEP_MS + " ms")));
        req.on("socket", (socket) => {
            if (!socketNumbers.has(socket)) {
                socketNumbers.set(socket, socketNumbers.size + 1);
                const record = () => localPorts.push({ socket: socketNumbers.get(socket), port: socket.localPort });
                if (socket.localPort) record();
                else socket.once("connect", record);
            }
            entry.socket = socketNumbers.get(socket);
            entry.reused = req.reusedSocket;
        });
        req.on("error", reject);
        req.end(body);
    });

    const expectOk = (answer, what) => {
        if (answer.status !== 200) {
            throw new Error(what + ": HTTP " + answer.status + " " + answer.body.slice(0, 200));
        }
        return answer.body;
    };

    class Session {
        constructor(name) {
            this.name = name;
            this.sid = null;
            this.pongsOwed = 0;
            this.acks = new Map();
            this.nextAck = 1;
            this.welcome = null;
            this.connected = false;
            this.info = null;
            this.counts = [];
        }

        async open() {
            const body = expectOk(await request("GET", null), "handshake");
            if (!body.startsWith("0")) throw new Error("handshake answer " + body.slice(0, 200));
            this.sid = JSON.parse(body.slice(1)).sid;
        }

        async post(...packets) {
            const all = [...Array(this.pongsOwed).fill("3"), ...packets];
            this.pongsOwed = 0;
            if (!all.length) return;
            const body = expectOk(await request("POST", this.sid, all.join(SEP)), this.name + " POST");
            if (body !== "ok") throw new Error(this.name + " POST answered " + body.slice(0, 200));
        }

        /** GETs until done() holds; answers pings at once (a pong POST) so the session stays alive meanwhile. */
        async pollUntil(done, what) {
            const deadline = performance.now() + STEP_MS;
            while (!done()) {
                if (performance.now() > deadline) throw new Error(this.name + ": no " + what + " within " + STEP_MS + " ms");
                const body = expectOk(await request("GET", this.sid), this.name + " GET");
                for (const packet of body.split(SEP)) this.receive(packet);
                if (this.pongsOwed) await this.post();
            }
        }

        receive(packet) {
            if (packet === "2") {
                this.pongsOwed++;
            } else if (packet.startsWith("40/cluster,")) {
                this.connected = true;
            } else if (packet.startsWith("42/cluster,")) {
                const [event, payload] = JSON.parse(packet.slice("42/cluster,".length));
                if (event === "welcome") this.welcome = payload;
            } else if (packet.startsWith("43/cluster,")) {
                const rest = packet.slice("43/cluster,".length);
                const id = Number(rest.slice(0, rest.indexOf("[")));
                this.acks.set(id, JSON.parse(rest.slice(rest.indexOf("["))));
            } else if (packet === "6" || packet === "") {
                // noop
            } else {
                throw new Error(this.name + ": unexpected packet " + packet.slice(0, 200));
            }
        }

        async emitWithAck(event, payload) {
            const id = this.nextAck++;
            await this.post("42/cluster," + id + JSON.stringify(payload === undefined ? [event] : [event, payload]));
            await this.pollUntil(() => this.acks.has(id), "ack " + id + " of " + event);
            return this.acks.get(id)[0];
        }
    }

    const sessions = Array.from({ length: sessionCount }, (_, i) => new Session("k" + i));
    for (const s of sessions) await s.open();
    for (const s of sessions) {
        await s.post("40/cluster," + JSON.stringify({ name: s.name, rooms: ["keepalive"] }));
        await s.pollUntil(() => s.connected && s.welcome, "CONNECT answer and welcome");
    }
    for (let round = 0; round < rounds; round++) {
        for (const s of sessions) {
            if (round % 2 === 0) s.info = await s.emitWithAck("info");
            else s.counts.push(await s.emitWithAck("count"));
        }
    }
    const fetched = await sessions[0].emitWithAck("fetch", { in: ["keepalive"] });
    for (const s of sessions) await s.post("1"); // Engine.IO close
    agent.destroy();

    let switches = 0;
    for (let i = 1; i < log.length; i++) {
        if (log[i].socket === log[i - 1].socket && log[i].sid && log[i - 1].sid && log[i].sid !== log[i - 1].sid) switches++;
    }
    const statuses = {};
    for (const entry of log) statuses[entry.status] = (statuses[entry.status] ?? 0) + 1;
    return {
        requests: log.length,
        statuses,
        distinctSockets: socketNumbers.size,
        localPorts,
        reusedRequests: log.filter((e) => e.reused).length,
        sidSwitchesOnOneSocket: switches,
        sessions: sessions.map((s) => ({
            name: s.name,
            sid: s.sid,
            worker: s.info && s.info.worker,
            transport: s.info && s.info.transport,
            requests: log.filter((e) => e.sid === s.sid).length,
            sockets: [...new Set(log.filter((e) => e.sid === s.sid).map((e) => e.socket))],
            acks: s.acks.size,
            counts: s.counts,
        })),
        fetched: Array.isArray(fetched) ? fetched.map((f) => f.data.name).sort() : fetched,
    };
});
