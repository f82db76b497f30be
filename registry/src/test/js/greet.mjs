// Connects the official JavaScript client to the namespace /greetings of the application QuarkusToolsIT generated
// and started, emits "greet" and prints the server's acknowledgement as JSON. Usage: node greet.mjs <base URL>
import { io } from "socket.io-client";

const socket = io(process.argv[2] + "/greetings", { reconnection: false });
socket.on("connect_error", (err) => {
    console.error("connect_error: " + err.message);
    process.exit(2);
});
try {
    const ack = await socket.timeout(10000).emitWithAck("greet", "CI");
    console.log(JSON.stringify(ack));
} finally {
    socket.close();
}
