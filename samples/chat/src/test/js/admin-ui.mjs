// The official Socket.IO Admin UI (the built UI shipped in the npm package @socket.io/admin-ui) against a Socket.IO
// server, in the system Chromium driven by playwright-core (no downloaded browser). Run by AdminUiClusterIT.
//   node admin-ui.mjs --server <url> --password <password> --screenshots <dir> [--username admin]
//        [--namespace /chat] [--users '[{"name":"Alice","room":"lobby"},...]'] [--disconnect Alice]
//        [--servers N] [--ui-port P]
// 1. connects the users to the namespace with socket.io-client (auth: { name, room }, as the chat page does);
// 2. serves the UI's dist on 127.0.0.1:P (the server's CORS must allow that origin, with credentials);
// 3. a wrong password: what the connection modal then shows;
// 4. the right one: the Servers view (waiting up to a step for N servers), the namespace's Sockets view and each
//    user's socket page (its rooms); the Events view after the first user sent a chat message ("message");
//    then the disconnect button of one user's row, and whether that client was disconnected and the Sockets view
//    dropped it.
// Prints one JSON line, {"ok":true, ...what the UI showed} or {"ok":false,"error":..., ...what it showed so far}.
// The screenshots of each step and the admin pages' Socket.IO traffic (admin-traffic.jsonl: WebSocket frames and
// polling requests) go to the screenshots directory.
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { createWriteStream, mkdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { hostname } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { chromium } from "playwright-core";
import { io } from "socket.io-client";

const { values: opts } = parseArgs({
  options: {
    server: { type: "string" },
    username: { type: "string", default: "admin" },
    password: { type: "string" },
    namespace: { type: "string", default: "/chat" },
    users: { type: "string", default: '[{"name":"Alice","room":"lobby"},{"name":"Bob","room":"lobby"}]' },
    disconnect: { type: "string" },
    servers: { type: "string", default: "1" },
    screenshots: { type: "string" },
    "ui-port": { type: "string", default: "0" },
  },
});
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const STEP_MS = 15000;
const RUN_MS = 100000;
const WRONG_PASSWORD = "not-the-password";
const ROW = "tbody tr:not(.v-data-table__empty-wrapper)";

const print = (result) => process.stdout.write(JSON.stringify(result) + "\n");
if (!opts.server || !opts.password || !opts.screenshots) {
  print({ ok: false, error: "usage: node admin-ui.mjs --server <url> --password <password> --screenshots <dir> [...]" });
  process.exit(2);
}
const server = opts.server.replace(/\/+$/, ""); // the UI appends the admin namespace to it
const users = JSON.parse(opts.users);
const victim = opts.disconnect || users[0].name;
const expectedServers = Number(opts.servers);
setTimeout(() => {
  print({ ok: false, error: `still running after ${RUN_MS} ms`, seen });
  process.exit(1);
}, RUN_MS).unref();

mkdirSync(opts.screenshots, { recursive: true });
const traffic = createWriteStream(path.join(opts.screenshots, "admin-traffic.jsonl"));
const seen = { hostname: hostname(), external: [], errors: [], screenshots: [], adminEvents: {} };
const clients = [];
let ui;
let browser;
let code = 0;
try {
  ui = await serveUi();
  for (const user of users) {
    clients.push(await connect(user));
  }
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });

  // A wrong password: the modal should stay, with the UI's error
  const refused = await open("wrong-password");
  await login(refused, WRONG_PASSWORD);
  await refused.waitForTimeout(500); // a late "connect" would close the modal
  seen.wrongPassword = {
    error: await modalError(refused),
    modalOpen: await refused.locator(".v-dialog--active").isVisible(),
    status: await status(refused),
  };
  await shot(refused, "01-wrong-password");
  await refused.context().close();

  // The right password: the modal closes, the app bar says connected
  const admin = await open("admin");
  const error = await login(admin, opts.password);
  if (error !== null) throw new Error("login refused, the modal says: " + error);
  await admin.locator(".v-dialog").waitFor({ state: "hidden" });
  await admin.getByText("connected", { exact: true }).first().waitFor();
  seen.login = { status: await status(admin), modalOpen: await admin.locator(".v-dialog--active").isVisible() };
  await shot(admin, "02-dashboard");

  // Servers: one row per server, once each has sent its stats
  await nav(admin, "Servers");
  const servers = table(admin, "Hostname");
  await atLeast(servers, expectedServers);
  seen.servers = (await rows(servers)).map(([serverId, hostname, pid, uptime, clientsCount, lastPing, health]) =>
    ({ serverId, hostname, pid, uptime, clientsCount, lastPing, health }));
  await shot(admin, "03-servers");

  // Sockets of the namespace: the users' sockets, then each socket's page with its rooms
  await nav(admin, "Sockets");
  await admin.locator("main .v-select").first().click();
  const options = admin.locator(".menuable__content__active [role=option]");
  await options.first().waitFor();
  seen.namespaces = (await options.allTextContents()).map((t) => t.trim());
  await options.filter({ hasText: new RegExp(`^\\s*${opts.namespace.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s*$`) }).click();
  const sockets = table(admin, "IP address");
  await atLeast(sockets, users.length);
  const socketRows = await rows(sockets);
  await shot(admin, "04-sockets");
  seen.sockets = [];
  for (const [id, address, transport] of socketRows) {
    const client = clients.find((c) => c.id === id);
    const entry = { id, user: client ? client.name : null, address, transport };
    await sockets.locator("tbody tr", { has: admin.getByRole("cell", { name: id, exact: true }) }).click();
    await admin.getByText("Socket details").first().waitFor();
    const rooms = admin.locator("main .v-card", { has: admin.locator(".v-card__title", { hasText: /^\s*Rooms\s*$/ }) })
      .locator(".v-data-table");
    await atLeast(rooms, 1);
    entry.rooms = (await rows(rooms)).map(([name]) => name).sort();
    entry.nsp = (await admin.locator("td:has-text('Namespace') + td").first().textContent()).trim();
    await shot(admin, "05-socket-" + (client ? client.name : id));
    seen.sockets.push(entry);
    await admin.locator(".v-breadcrumbs a", { hasText: "Sockets" }).click();
    await admin.waitForFunction(() => document.querySelectorAll("main .v-breadcrumbs").length === 1);
    await sockets.waitFor();
  }

  // Development mode: the Events view of the namespace lists what the sockets sent, a chat message of the first user
  const sender = clients[0];
  sender.socket.emit("message", { text: "Hello from " + sender.name });
  await nav(admin, "Events");
  const events = table(admin, "Timestamp");
  await events.locator(ROW, { hasText: sender.id }).filter({ hasText: "Event received" }).first()
    .waitFor({ timeout: STEP_MS }).catch(() => {});
  seen.events = (await rows(events)).map(([timestamp, id, type, args]) => {
    const client = clients.find((c) => c.id === id);
    return { id, user: client ? client.name : null, type, args };
  });
  await shot(admin, "06-events");
  await nav(admin, "Sockets");
  await sockets.waitFor();

  // Disconnect one user's socket from its row (the click reaches the row too, which opens the socket's page, as for
  // a person): the client is told by the server, and the Sockets view no longer lists it
  const target = clients.find((c) => c.name === victim);
  if (!target) throw new Error("no user " + victim);
  await sockets.locator("tbody tr", { has: admin.getByRole("cell", { name: target.id, exact: true }) })
    .locator("button:has(.mdi-logout)").click();
  const reason = await Promise.race([target.disconnected,
    new Promise((resolve) => setTimeout(() => resolve(null), STEP_MS))]);
  await admin.waitForTimeout(1000); // the UI's socket_disconnected
  await shot(admin, "07-disconnected");
  await nav(admin, "Sockets");
  await sockets.waitFor();
  await admin.waitForTimeout(300);
  seen.disconnect = {
    user: victim, id: target.id, reason,
    stillConnected: clients.filter((c) => c.socket.connected).map((c) => c.name),
    socketsAfter: (await rows(sockets)).map(([id]) => id),
  };
  await shot(admin, "08-sockets-after");
  // the dashboard once a few rounds of statistics filled its charts (a picture for people; nothing asserted)
  await nav(admin, "Dashboard");
  await admin.waitForTimeout(4500);
  await shot(admin, "09-dashboard");
  print({ ok: true, ...seen });
} catch (error) {
  code = 1;
  print({ ok: false, error: String(error && error.stack ? error.stack : error), ...seen });
  for (const context of browser ? browser.contexts() : []) {
    for (const page of context.pages()) {
      await shot(page, "failed-" + page.label).catch(() => {});
    }
  }
} finally {
  clients.forEach((c) => c.socket.disconnect());
  if (browser) await browser.close();
  ui?.close();
  traffic.end();
  process.exit(code);
}

/** One user of the namespace, connected before the UI logs in; resolves once connected. */
function connect({ name, room }) {
  const socket = io(server + opts.namespace, { auth: room ? { name, room } : { name }, reconnection: false });
  let disconnected;
  const client = { name, room, socket, disconnected: new Promise((resolve) => (disconnected = resolve)) };
  socket.on("disconnect", (reason) => disconnected(reason));
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(Object.assign(client, { id: socket.id })));
    socket.once("connect_error", (e) => reject(new Error(`${name} could not connect: ${e.message}`)));
  });
}

/**
 * The UI's dist on 127.0.0.1. Its index.html loads two stylesheets from CDNs (Roboto from Google Fonts and
 * @mdi/font@latest from jsDelivr): the icon font is served from the @mdi/font package instead, Roboto is left out
 * (the browser's sans-serif stands in).
 */
async function serveUi() {
  const require = createRequire(import.meta.url);
  const dist = path.join(path.dirname(require.resolve("@socket.io/admin-ui/package.json")), "ui", "dist");
  const mdi = path.dirname(require.resolve("@mdi/font/package.json"));
  const types = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".png": "image/png",
    ".svg": "image/svg+xml", ".map": "application/json", ".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf" };
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, "http://localhost").pathname;
    const [root, file] = url.startsWith("/mdi/") ? [mdi, url.slice(5)] : [dist, url === "/" ? "index.html" : url.slice(1)];
    const resolved = path.resolve(root, decodeURIComponent(file));
    try {
      if (!resolved.startsWith(root + path.sep)) throw new Error("outside");
      let body = await readFile(resolved);
      if (file === "index.html") {
        body = body.toString()
          .replace(/<link[^>]*href="https:\/\/fonts\.googleapis\.com[^"]*"[^>]*>/, "")
          .replace(/https:\/\/cdn\.jsdelivr\.net\/npm\/@mdi\/font@latest\//, "mdi/");
      }
      res.writeHead(200, { "content-type": types[path.extname(resolved)] || "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(Number(opts["ui-port"]), "127.0.0.1", resolve));
  server.url = `http://127.0.0.1:${server.address().port}/`;
  return server;
}

/** A new browser context (own storage: the UI remembers nothing) on the UI, its modal open. */
async function open(label) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  // only the UI's server and the Socket.IO server: anything else is refused and reported
  await context.route((url) => !["127.0.0.1", "localhost", "[::1]"].includes(url.hostname), (route) => {
    seen.external.push(route.request().url());
    return route.abort();
  });
  const page = await context.newPage();
  page.label = label;
  page.setDefaultTimeout(STEP_MS);
  page.on("pageerror", (error) => seen.errors.push(`${label}: ${error.message}`));
  page.on("console", (message) => message.type() === "error"
    && seen.errors.push(`${label}: ${message.text()} (${message.location().url})`));
  record(page);
  await page.goto(ui.url);
  await page.locator(".v-dialog--active").getByText("Connection").waitFor();
  return page;
}

/**
 * Fills the connection modal (its fields are found by their labels) and submits it; returns once the modal closed
 * (null) or shows an error (its text).
 */
async function login(page, password) {
  const modal = page.locator(".v-dialog--active");
  await modal.getByLabel("Server URL").fill(server);
  await modal.getByLabel("Username").fill(opts.username);
  await modal.getByLabel("Password").fill(password);
  await shot(page, page.label === "admin" ? "02-login" : "01-login-wrong-password");
  await modal.getByRole("button", { name: "Connect" }).click();
  await Promise.race([page.locator(".v-dialog").waitFor({ state: "hidden" }), modal.locator(".red--text").waitFor()]);
  return modalError(page);
}

/** The connection modal's error, null when it shows none. */
async function modalError(page) {
  const error = page.locator(".v-dialog--active .red--text");
  return (await error.count()) ? (await error.first().textContent()).trim() : null;
}

/** The app bar's connection status. */
async function status(page) {
  return (await page.locator("header").getByText(/^\s*(connected|disconnected)\s*$/).first().textContent()).trim();
}

/** Opens a view from the navigation drawer; returns once it is the only view shown (the transitions are over). */
async function nav(page, title) {
  await page.locator("nav .v-list-item", { hasText: title }).click();
  await page.waitForFunction((t) => {
    const crumbs = document.querySelectorAll("main .v-breadcrumbs");
    return crumbs.length === 1 && crumbs[0].textContent.trim() === t;
  }, title);
}

/** The data table of the current view that has a column with this header. */
function table(page, header) {
  return page.locator("main .v-data-table", { has: page.locator("th", { hasText: header }) });
}

/** Waits up to a step for the table to show at least n rows (and goes on with what it shows then). */
async function atLeast(table, n) {
  const deadline = Date.now() + STEP_MS;
  await table.waitFor();
  while ((await table.locator(ROW).count()) < n && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The cells' texts of the table's rows. */
async function rows(table) {
  return table.locator(ROW)
    .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent.trim())));
}

async function shot(page, name) {
  const file = path.join(opts.screenshots, name + ".png");
  await page.waitForTimeout(400); // Vuetify's transitions
  await page.screenshot({ path: file });
  seen.screenshots.push(path.basename(file));
}

/** The admin page's Socket.IO traffic (WebSocket frames and polling requests) to admin-traffic.jsonl. */
function record(page) {
  const log = (entry) => {
    traffic.write(JSON.stringify({ at: new Date().toISOString(), page: page.label, ...entry }) + "\n");
    for (const packet of String(entry.payload ?? "").split("\x1e")) {
      const event = /^42\/admin,\d*\["([^"]+)"/.exec(packet);
      if (event && entry.dir === "in") {
        const key = page.label + ":" + event[1];
        seen.adminEvents[key] = (seen.adminEvents[key] || 0) + 1;
      }
    }
  };
  page.on("websocket", (ws) => {
    log({ dir: "open", url: ws.url() });
    ws.on("framesent", (f) => log({ dir: "out", payload: f.payload }));
    ws.on("framereceived", (f) => log({ dir: "in", payload: f.payload }));
    ws.on("close", () => log({ dir: "close", url: ws.url() }));
  });
  page.on("requestfinished", async (request) => {
    if (!request.url().includes("/socket.io/")) return;
    const response = await request.response();
    if (request.postData()) log({ dir: "out", url: request.url(), payload: request.postData() });
    log({ dir: "in", url: request.url(), status: response?.status(), payload: await response?.text().catch(() => null) });
  });
  page.on("requestfailed", (request) => request.url().includes("/socket.io/")
    && log({ dir: "failed", url: request.url(), error: request.failure()?.errorText }));
}
