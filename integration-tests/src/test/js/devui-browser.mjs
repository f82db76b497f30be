// Opens the "Rooms and sockets" page of the Socket.IO cluster card in the Dev UI of an app in dev mode, in the system
// Chromium (playwright-core, no downloaded browser), reads what it lists per worker, clicks "Disconnect" on one
// socket and waits until the page no longer lists it. Then opens the "Activity" page, waits until its charts have
// drawn that disconnect, and reads the totals per worker of its table and the lines of its charts.
//   node devui-browser.mjs <app url> <screenshot directory> <socket id to disconnect>
// Prints one JSON line, {"ok":true, before, after, activity} (before and after: per worker, its sockets with rooms and
// its rooms with members; activity: see activity()), or {"ok":false, "error"}; saves before.png, after.png and
// devui-activity.png (after-failure.png when it failed). Run by DevModeTest.
import { chromium } from "playwright-core";

const [url, screenshots, victim] = process.argv.slice(2);
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const STEP_MS = 20000;
const RUN_MS = 60000;
const PAGE = "/q/dev-ui/quarkus-socketio-cluster/rooms-and-sockets";
const ACTIVITY_PAGE = "/q/dev-ui/quarkus-socketio-cluster/activity";

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
// what went wrong in the page (a module that does not load, an exception), for the report of a failure
const problems = [];
try {
  page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  page.on("pageerror", (e) => problems.push(String(e)));
  page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
  page.on("response", (r) => r.status() >= 400 && problems.push(`${r.status()} ${r.url()}`));
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

  await page.goto(url.replace(/\/+$/, "") + ACTIVITY_PAGE);
  // the disconnect is the last thing that happened: once the table counts it, the page has every second before it
  const disconnections = page.locator("qwc-socketio-activity tr.worker td.disconnections");
  await disconnections.first().waitFor({ timeout: STEP_MS });
  await waitUntil(async () => (await disconnections.allTextContents()).some((t) => Number(t) > 0),
    "the Activity page to count the disconnect");
  const activity = await readActivity(page);
  // live: the stream brings the seconds that follow, without reloading the page
  await waitUntil(async () => (await readActivity(page)).seconds >= activity.seconds + 2,
    "the charts to draw two more seconds");
  activity.live = true;
  await page.screenshot({ path: screenshots + "/devui-activity.png", fullPage: true });
  print({ ok: true, before, after, activity });
} catch (e) {
  code = 1;
  if (page) await page.screenshot({ path: screenshots + "/after-failure.png", fullPage: true }).catch(() => {});
  print({ ok: false, error: String(e && e.stack || e), problems });
} finally {
  await browser.close();
}
process.exit(code);

/** Polls until check() is true, STEP_MS at most. */
async function waitUntil(check, what) {
  const deadline = Date.now() + STEP_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`waited ${STEP_MS} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * What the Activity page shows: {totals: {"<worker>": {connections, disconnections, received, emitted}} from its
 * table, charts: {"<measure>": {"<line name>": sum of its points}} from the option of each chart's ECharts instance
 * (what is drawn, not what the page meant to draw), seconds: how many seconds the charts span}; live: true once the
 * charts drew two more seconds.
 */
async function readActivity(page) {
  const totals = {};
  for (const row of await page.locator("qwc-socketio-activity tr.worker").all()) {
    const counts = {};
    for (const measure of ["connections", "disconnections", "received", "emitted"]) {
      counts[measure] = Number(await row.locator("td." + measure).textContent());
    }
    totals[await row.getAttribute("data-worker")] = counts;
  }
  const charts = {};
  let seconds = 0;
  for (const chart of await page.locator("qwc-socketio-activity-chart").all()) {
    const drawn = await chart.evaluate((element) => element._chart.getOption().series
      .map((series) => ({ name: series.name, points: series.data.length,
        sum: series.data.reduce((sum, point) => sum + point[1], 0) })));
    const lines = {};
    for (const line of drawn) {
      lines[line.name] = line.sum;
      seconds = Math.max(seconds, line.points);
    }
    charts[await chart.getAttribute("data-measure")] = lines;
  }
  return { totals, charts, seconds };
}

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
