// The chat page: connects to the namespace /chat with the official client (socket.io.min.js), see ChatNamespace.java.
const $ = (id) => document.getElementById(id);
const time = (at) => new Date(at).toLocaleTimeString();
let socket = null;

$("join-form").addEventListener("submit", (e) => {
  e.preventDefault();
  join($("name").value.trim(), $("room").value.trim());
});

function join(name, room) {
  $("join").disabled = true;
  $("join-error").textContent = "";
  $("name").classList.remove("invalid");

  socket = io("/chat", { auth: room ? { name, room } : { name } });

  socket.on("connect", () => {
    $("join-form").hidden = true;
    $("chat").hidden = false;
    setStatus("connected as " + name + " (" + socket.io.engine.transport.name + ")", true);
    socket.io.engine.once("upgrade", (t) => setStatus("connected as " + name + " (" + t.name + ")", true));
    $("text").focus();
  });
  socket.on("connect_error", (err) => {
    if (socket.active) {
      setStatus("reconnecting…"); // the connection failed: the client retries by itself
      return;
    }
    // rejected by the server's middleware: { message: "name required", data: { field: "name" } }
    $("join-error").textContent = err.message;
    if (err.data && err.data.field) $(err.data.field).classList.add("invalid");
    $("join").disabled = false;
  });
  socket.on("disconnect", (reason) => setStatus("disconnected: " + reason));

  socket.on("members", (members) => {
    $("room-name").textContent = members.length ? members[0].room : "";
    members.sort((a, b) => a.name.localeCompare(b.name));
    $("members").replaceChildren(...members.map(memberItem));
  });
  socket.on("joined", (member) => {
    $("members").append(memberItem(member));
    system(member.name + " joined");
  });
  socket.on("left", (member) => {
    document.querySelector(`#members li[data-id="${CSS.escape(member.id)}"]`)?.remove();
    system(member.name + " left");
  });
  socket.on("message", (m) => {
    $("typing").textContent = "";
    addMessage("theirs", m.from, m.text, time(m.at));
  });
  socket.on("typing", (member) => {
    $("typing").textContent = member.name + " is typing…";
    clearTimeout(socket.typingTimer);
    socket.typingTimer = setTimeout(() => ($("typing").textContent = ""), 2000);
  });
}

$("send-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const text = $("text").value.trim();
  if (!text || !socket) return;
  $("text").value = "";
  const item = addMessage("mine", "", text, "sending…");
  // the server acknowledges with its receipt: { id, at }
  socket.timeout(5000).emit("message", { text }, (err, receipt) => {
    if (err) {
      item.classList.add("failed");
      item.querySelector(".meta").textContent = "not delivered";
      return;
    }
    item.dataset.id = receipt.id;
    item.querySelector(".meta").textContent = "✓ " + time(receipt.at) + " · " + receipt.id.slice(0, 8);
  });
});

let lastTyping = 0;
$("text").addEventListener("input", () => {
  if (socket && Date.now() - lastTyping > 1000) {
    lastTyping = Date.now();
    socket.emit("typing");
  }
});

function memberItem(member) {
  const item = element("li", "", "");
  item.dataset.id = member.id;
  item.append(element("span", "name", member.name));
  if (member.id === socket.id) item.append(" ", element("span", "you", "(you)"));
  return item;
}

function addMessage(kind, from, text, meta) {
  const item = element("li", "msg " + kind, "");
  item.append(element("span", "from", from), element("span", "text", text), element("span", "meta", meta));
  return show(item);
}

function system(text) {
  show(element("li", "msg system", text));
}

function show(item) {
  $("messages").append(item);
  item.scrollIntoView({ block: "end" });
  return item;
}

function element(tag, className, text) {
  const e = document.createElement(tag);
  e.className = className;
  e.textContent = text;
  return e;
}

function setStatus(text, connected = false) {
  $("status").textContent = text;
  $("status").classList.toggle("connected", connected);
}
