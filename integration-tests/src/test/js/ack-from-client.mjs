// On /rooms, `ask` makes the server emit `question` to this client with an ack; the client answers, and the server
// acknowledges `ask` with the client's answer.
import { scenario, emitWithAck, normalize } from "./lib.mjs";

scenario("ack-from-client", async (ctx) => {
    let question = null;
    const socket = await ctx.connect("/rooms", {}, {
        question: (...args) => {
            const cb = args.pop();
            question = args;
            cb({ got: args }, Buffer.from([9, 8]), "done");
        },
    });
    const answer = await emitWithAck(socket, "ask", { event: "question", args: [21, Buffer.from([7])] });
    return { question: normalize(question), answer: normalize(answer) };
});
