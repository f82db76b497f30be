// Stands in for an open Admin UI page during a benchmark: connects to the admin namespace as the UI does (and again to
// each new server on the same URL), takes what the servers send, and on SIGTERM prints one JSON line of how many
// messages of each kind it received.
//   node bench/admin-ui/watch.mjs http://127.0.0.1:3101 [username password]
import { io } from "socket.io-client";

const [url, username, password] = process.argv.slice(2);
const counts = {};
const servers = new Set();
const socket = io(url + "/admin", {
  auth: username ? { username, password } : {},
  transports: ["websocket"],
  reconnectionDelay: 200,
  reconnectionDelayMax: 500,
});
socket.onAny((event, payload) => {
  counts[event] = (counts[event] || 0) + 1;
  if (event === "server_stats") {
    servers.add(payload.serverId);
  }
});
socket.on("connect", () => { counts.connects = (counts.connects || 0) + 1; });
socket.on("connect_error", (e) => { counts.connect_errors = (counts.connect_errors || 0) + 1; counts.last_error = e.message; });
process.on("SIGTERM", () => {
  console.log(JSON.stringify({ ...counts, servers: [...servers].sort() }));
  process.exit(0);
});
