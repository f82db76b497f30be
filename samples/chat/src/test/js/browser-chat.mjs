// Two users chat through the demo page in the system Chromium (driven by playwright-core, no downloaded browser).
//   node browser-chat.mjs <app url> <screenshot path>
// Prints one JSON line, {"ok":true, ...what the pages showed} or {"ok":false,"error":...}, and saves a screenshot of
// both pages side by side (also on failure, when the pages got that far). Run by ChatBrowserTest.
import { chromium } from "playwright-core";

const [url, screenshot] = process.argv.slice(2);
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const STEP_MS = 10000;
const RUN_MS = 45000;
const TEXT = "Hello Bob, café at five?";
const REPLY = "Sure, see you there!";

const print = (result) => process.stdout.write(JSON.stringify(result) + "\n");
if (!url || !screenshot) {
  print({ ok: false, error: "usage: node browser-chat.mjs <app url> <screenshot path>" });
  process.exit(2);
}
setTimeout(() => {
  print({ ok: false, error: `still running after ${RUN_MS} ms` });
  process.exit(1);
}, RUN_MS).unref();

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const pages = [];
let code = 0;
try {
  const alice = await open("Alice");
  const bob = await open("Bob");
  await membersAre(alice, ["Alice", "Bob"]);
  await membersAre(bob, ["Alice", "Bob"]);

  await alice.fill("#text", TEXT);
  await alice.click("#send");
  await bob.locator("#messages .msg.theirs .text", { hasText: TEXT }).waitFor();
  await alice.locator("#messages .msg.mine[data-id] .meta", { hasText: "✓" }).waitFor();
  await bob.fill("#text", REPLY);
  await bob.click("#send");
  await alice.locator("#messages .msg.theirs .text", { hasText: REPLY }).waitFor();
  await bob.locator("#messages .msg.mine[data-id] .meta", { hasText: "✓" }).waitFor();

  print({
    ok: true,
    members: { alice: await members(alice), bob: await members(bob) },
    received: { alice: await received(alice), bob: await received(bob) },
    sent: { alice: await sent(alice), bob: await sent(bob) },
    notices: { alice: await notices(alice), bob: await notices(bob) },
    errors: pages.flatMap((page) => page.errors),
  });
} catch (error) {
  code = 1;
  print({ ok: false, error: String(error && error.stack ? error.stack : error), errors: pages.flatMap((p) => p.errors) });
} finally {
  try {
    await sideBySide();
  } catch (error) {
    process.stderr.write("no screenshot: " + error + "\n");
    code = code || 1;
  }
  await browser.close();
  process.exit(code);
}

/** A new browser (own context: own connection) on the page, joined as this user. */
async function open(name) {
  const context = await browser.newContext({ viewport: { width: 640, height: 520 } });
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  page.errors = [];
  page.on("pageerror", (error) => page.errors.push(name + ": " + error.message));
  page.on("console", (message) => message.type() === "error"
    && page.errors.push(`${name}: ${message.text()} (${message.location().url})`));
  pages.push(page);
  await page.goto(url);
  await page.fill("#name", name);
  await page.click("#join");
  await page.locator("#members .name", { hasText: name }).waitFor();
  return page;
}

async function members(page) {
  return (await page.locator("#members .name").allTextContents()).sort();
}

async function received(page) {
  return page.$$eval("#messages .msg.theirs", (items) => items.map((item) => ({
    from: item.querySelector(".from").textContent,
    text: item.querySelector(".text").textContent,
  })));
}

async function sent(page) {
  return page.$$eval("#messages .msg.mine", (items) => items.map((item) => ({
    text: item.querySelector(".text").textContent,
    id: item.dataset.id ?? null,
    receipt: item.querySelector(".meta").textContent,
  })));
}

async function notices(page) {
  return page.locator("#messages .msg.system").allTextContents();
}

async function membersAre(page, expected) {
  await page.waitForFunction((names) => {
    const shown = [...document.querySelectorAll("#members .name")].map((e) => e.textContent).sort();
    return JSON.stringify(shown) === JSON.stringify(names);
  }, expected);
}

/** Both pages side by side in one PNG, composed by a third page. */
async function sideBySide() {
  if (pages.length === 0) return;
  const shots = [];
  for (const page of pages) {
    shots.push((await page.screenshot()).toString("base64"));
  }
  const context = await browser.newContext({ viewport: { width: 640 * shots.length + 10 * (shots.length + 1), height: 540 } });
  const board = await context.newPage();
  await board.setContent(`<body style="margin:0;padding:10px;background:#9ca3af;display:flex;gap:10px">${
    shots.map((shot) => `<img src="data:image/png;base64,${shot}" style="width:640px;height:520px">`).join("")}</body>`);
  await board.screenshot({ path: screenshot });
}
