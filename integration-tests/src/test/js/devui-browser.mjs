// Opens the "Rooms and sockets" page of the Socket.IO cluster card in the Dev UI of an app in dev mode, in the system
// Chromium (playwright-core, no downloaded browser), reads what it lists per worker, clicks "Disconnect" on one
// socket and waits until the page no longer lists it.
//   node devui-browser.mjs <app url> <screenshot directory> <socket id to disconnect>
// Prints one JSON line, {"ok":true, before, after} (each: per worker, its sockets with rooms and its rooms with
// members), or {"ok":false, "error"}; saves before.png and after.png (after-failure.png when it failed). Run by
// DevModeTest.
import { chromium } from "playwright-core";

const [url, screenshots, victim] = process.argv.slice(2);
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const STEP_MS = 20000;
const RUN_MS = 60000;
const PAGE = "/q/dev-ui/quarkus-socketio-cluster/rooms-and-sockets";

const print = (result) => process.stdout.write(JSON.stringify(result) + "\n");
if (!url || !screenshots || !victim) {
  print({ ok: false, error: "usage: node devui-browser.mjs <app url> <screenshot directory> <socket id>" });
  process.exit(2);
}
setTimeout(() => {
  print({ ok: false, error: `still running after ${RUN_MS} ms` });
  process.exit(1);
}, RUN_MS).unref();

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});
let page;
let code = 0;
try {
  page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await page.goto(url.replace(/\/+$/, "") + PAGE);
  const rows = page.locator("qwc-socketio-sockets tr.socket");
  await rows.nth(2).waitFor({ timeout: STEP_MS });
  const before = await listing(page);
  await page.screenshot({ path: screenshots + "/before.png", fullPage: true });

  await page.locator(`qwc-socketio-sockets tr.socket[data-socket="${victim}"] button.disconnect`).click();
  await page.locator(`qwc-socketio-sockets tr.socket[data-socket="${victim}"]`).waitFor({ state: "detached",
    timeout: STEP_MS });
  const after = await listing(page);
  await page.screenshot({ path: screenshots + "/after.png", fullPage: true });
  print({ ok: true, before, after });
} catch (e) {
  code = 1;
  if (page) await page.screenshot({ path: screenshots + "/after-failure.png", fullPage: true }).catch(() => {});
  print({ ok: false, error: String(e && e.stack || e) });
} finally {
  await browser.close();
}
process.exit(code);

/** What the page lists: {"<worker>": {sockets: {id: [rooms]}, rooms: {name: [members]}}} for namespace /dev. */
async function listing(page) {
  const result = {};
  for (const section of await page.locator("qwc-socketio-sockets section.worker").all()) {
    const worker = await section.getAttribute("data-worker");
    const ns = section.locator('div.namespace[data-namespace="/dev"]');
    const sockets = {};
    for (const row of await ns.locator("tr.socket").all()) {
      const id = await row.getAttribute("data-socket");
      sockets[id] = (await row.locator("td").nth(2).locator("code").allTextContents()).map((t) => t.trim());
    }
    const rooms = {};
    for (const row of await ns.locator("tr.room").all()) {
      rooms[await row.getAttribute("data-room")] = (await row.locator("code.member").allTextContents())
        .map((t) => t.trim()).sort();
    }
    result[worker] = { sockets, rooms };
  }
  return result;
}
