#!/usr/bin/env node
// End-to-end, a live event (docs/live.md): the built frontend in headless Chromium
// (playwright-core, the system's /usr/bin/chromium) against a stack with PersonaEvents, the live
// server behind the web app's /live/ proxy, the social service and the persona host. The run
// schedules its own event on the dev chain as the persona's event operator (dev account 8, which
// the local deployment makes persona 1's; for another persona the timelock, impersonated, grants
// it the role), then, in two browser contexts:
//   fan A (burner dev #1) signs in, buys a ticket on the persona's page and joins the room;
//   fan B (burner dev #2) signs in without a ticket and is refused, the reason shown;
//   A asks a question and sees the persona's answer captioned, its audio chunks arriving and
//   its face taking the answer's emotion; A stays the event's minimum attendance;
//   after the event (chain time moved past its end) A claims the badge and sees it on the page.
// Screenshots go to $E2E_ARTIFACTS (live-room.png, live-refused.png, live-badge.png).
//   BASE_URL=... RPC_URL=... FAME_MANIFEST=... node e2e/live.mjs
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { createPublicClient, createWalletClient, http, parseEther } from "viem";

const here = dirname(fileURLToPath(import.meta.url));
const BASE_URL = process.env.BASE_URL ?? "http://127.0.0.1:8088";
const RPC_URL = process.env.RPC_URL ?? "http://127.0.0.1:8545";
const ARTIFACTS = resolve(process.env.E2E_ARTIFACTS ?? resolve(here, "../test-results"));
const PERSONA = BigInt(process.env.PERSONA_ID ?? 1);
// The persona host answers with a language model and a voice on the CPU: tens of seconds.
const HOST_WAIT_MS = Number(process.env.HOST_WAIT_S ?? 120) * 1000;
const ANSWER_WAIT_MS = Number(process.env.ANSWER_WAIT_S ?? 240) * 1000;
const MIN_ATTENDANCE = BigInt(process.env.EVENT_MIN_ATTENDANCE_S ?? 20);
const PRICE = parseEther(process.env.EVENT_PRICE_FMC ?? "5");
const EMOTIONS = ["joy", "sadness", "anger", "surprise", "calm", "fear"];
const manifest = JSON.parse(readFileSync(process.env.FAME_MANIFEST ?? resolve(here, "../../deployments/31337.json"), "utf8"));
const C = Object.fromEntries(Object.entries(manifest.contracts).map(([n, c]) => [n, { address: c.address, abi: c.abi }]));
if (!C.PersonaEvents) throw new Error("the deployment has no PersonaEvents");
mkdirSync(ARTIFACTS, { recursive: true });

const chain = { id: 31337, name: "anvil", nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 }, rpcUrls: { default: { http: [RPC_URL] } } };
const client = createPublicClient({ chain, transport: http(RPC_URL) });
const read = (name, functionName, args = []) => client.readContract({ ...C[name], functionName, args });
const accounts = await client.request({ method: "eth_accounts" });
// fans A and B are the burner's dev accounts 1 and 2; the operator is DEV_EVENT_OPERATOR_ACCOUNT
const [alice, bob, operator] = [accounts[1], accounts[2], accounts[Number(process.env.EVENT_OPERATOR_INDEX ?? 8)]];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(probe, what, ms, every = 1000) {
  const deadline = Date.now() + ms;
  let last;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (err) { last = err; }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms / 1000}s${last ? ` (last error: ${last.message})` : ""}`);
    await sleep(every);
  }
}
function check(condition, message) { if (!condition) throw new Error(`assertion failed: ${message}`); }
async function send(from, name, functionName, args) {
  const wallet = createWalletClient({ account: from, chain, transport: http(RPC_URL) });
  const hash = await wallet.writeContract({ ...C[name], functionName, args, account: from, chain });
  const receipt = await client.waitForTransactionReceipt({ hash });
  check(receipt.status === "success", `${functionName} succeeded`);
  return receipt;
}
async function chainTime() { return (await client.getBlock({ blockTag: "latest" })).timestamp; }
async function advance(seconds) {
  await client.request({ method: "evm_increaseTime", params: [Number(seconds)] });
  await client.request({ method: "evm_mine", params: [] });
}

const t0 = Date.now();
const results = [];
const pages = {};
async function step(name, fn) {
  const t = Date.now();
  try {
    await fn();
    results.push(`ok   ${name} (${((Date.now() - t) / 1000).toFixed(1)}s, at ${((Date.now() - t0) / 1000).toFixed(0)}s)`);
    console.log(results.at(-1));
  } catch (err) {
    console.log(`FAIL ${name} (at ${((Date.now() - t0) / 1000).toFixed(0)}s): ${err.stack ?? err}`);
    for (const [who, p] of Object.entries(pages)) {
      await p.screenshot({ path: `${ARTIFACTS}/live-failure-${who}.png`, fullPage: true }).catch(() => {});
      const text = await p.locator("#main").innerText().catch(() => "");
      if (text) console.log(`${who}'s page shows:\n${text.slice(0, 2500)}`);
      const events = await p.locator('[data-testid="events-section"]').innerText({ timeout: 1000 }).catch(() => "");
      if (events) console.log(`${who}'s events section shows:\n${events.slice(0, 2500)}`);
      const txs = await p.locator("#tx-list").innerText({ timeout: 1000 }).catch(() => "");
      if (txs) console.log(`${who}'s transactions:\n${txs.slice(0, 1500)}`);
    }
    throw err;
  }
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  // software WebGL where there is no GPU (else the room draws its 2D view, which the run accepts);
  // sound plays without a speaker
  args: ["--headless", "--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--autoplay-policy=no-user-gesture-required",
         "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
async function fan(who, burnerIndex) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  await context.addInitScript((i) => localStorage.setItem("fame.burner", String(i)), burnerIndex);
  const page = await context.newPage();
  page.on("pageerror", (err) => console.log(`${who}: page error: ${err.message}`));
  pages[who] = page;
  let visit = 0;
  page.open = async (route) => {
    await page.goto(`${BASE_URL}/?visit=${++visit}#/${route}`);
    // two browsers drawing software WebGL on a loaded 2-core machine: a page can take a while
    await page.waitForSelector(`body[data-ready="true"] .screen[data-screen="${route.split("/")[0]}"]`, { timeout: 45_000 });
  };
  return page;
}
async function connectAndSignIn(page, account) {
  await page.open("wallet");
  await page.locator('.wallet-choice[data-rdns="org.fameengine.burner"]').click();
  await page.locator('[data-testid="connected-account"]').waitFor();
  await page.open(`persona/${PERSONA}`);
  await page.locator('[data-testid="siwe-status"]:not([data-status="unknown"])').waitFor({ timeout: 20_000 });
  if (await page.locator('[data-testid="siwe-status"][data-status="signed-in"]').count() === 0) {
    await page.locator("#sign-in:enabled").click();
    await page.locator('[data-testid="siwe-status"][data-status="signed-in"]').waitFor({ timeout: 20_000 });
  }
  const address = await page.locator('[data-testid="signed-in-address"]').innerText();
  check(address.toLowerCase() === account.toLowerCase(), `signed in as ${account} (${address})`);
}
const room = (page) => page.locator('[data-testid="live-room"]');
const roomData = (page, key) => room(page).getAttribute(`data-${key}`);

let eventId, event;
await step("schedule an event for the persona on the dev chain", async () => {
  if (!await read("PersonaEvents", "is_operator", [PERSONA, operator])) {
    const owner = await read("PersonaEvents", "owner");
    await client.request({ method: "anvil_impersonateAccount", params: [owner] });
    await client.request({ method: "anvil_setBalance", params: [owner, "0x56BC75E2D63100000"] });
    await send(owner, "PersonaEvents", "set_operator", [PERSONA, operator, true]);
    await client.request({ method: "anvil_stopImpersonatingAccount", params: [owner] });
  }
  const form = new FormData();
  form.append("file", new Blob([JSON.stringify({ title: "Live Q&A (end-to-end)", description: "Ask anything about the night sky.",
                                                 scene: { backdrop: "#3a2f6b", stage: "round" } })], { type: "application/json" }), "event.json");
  const pinned = await fetch(`${process.env.IPFS_RPC_URL ?? "http://127.0.0.1:5001"}/api/v0/add?pin=true&cid-version=1`, { method: "POST", body: form });
  check(pinned.ok, `metadata pinned (${pinned.status})`);
  const cid = JSON.parse((await pinned.text()).trim().split("\n").pop()).Hash;
  // a fresh block first: the latest one may be minutes old, and the schedule's own block is
  // stamped by the chain's clock now, which must still be before the start
  await client.request({ method: "evm_mine", params: [] });
  const now = await chainTime();
  await send(operator, "PersonaEvents", "schedule", [PERSONA, now + 60n, now + 3600n, 10n, PRICE, MIN_ATTENDANCE, cid]);
  eventId = await read("PersonaEvents", "event_count");
  event = await read("PersonaEvents", "events", [eventId]);
  await advance(65); // the event is live
  console.log(`     event ${eventId}: ${event.starts_at}..${event.ends_at}, price ${PRICE}, badge after ${MIN_ATTENDANCE} s, metadata ${cid}`);
});

const a = await fan("a", 1);
const b = await fan("b", 2);

await step("fan A signs in and sees the event on the persona's page", async () => {
  await connectAndSignIn(a, alice);
  const row = a.locator(`[data-testid="event"][data-event-id="${eventId}"]`);
  await row.waitFor({ timeout: 20_000 });
  await a.locator(`[data-testid="event"][data-event-id="${eventId}"][data-state="live"]`).waitFor({ timeout: 20_000 });
  check((await row.locator('[data-testid="event-title"]').innerText()) === "Live Q&A (end-to-end)", "the title from the metadata");
  check((await row.locator('[data-testid="event-seats"]').innerText()).includes("10 of 10"), "10 seats left");
  check((await row.locator('[data-testid="event-price"]').innerText()) === "5 FMC", "its price");
});

await step("fan A buys a ticket (permit and purchase in one transaction)", async () => {
  const before = await read("FMC", "balanceOf", [alice]);
  const row = a.locator(`[data-testid="event"][data-event-id="${eventId}"]`);
  await row.locator('[data-testid="buy-ticket"]').click();
  await row.locator('[data-testid="event-status"][data-status="done"]').waitFor({ timeout: 30_000 });
  check(await read("PersonaEvents", "has_ticket", [eventId, alice]), "the chain holds A's ticket");
  check(before - await read("FMC", "balanceOf", [alice]) === PRICE, "the price was paid in FMC");
  await a.locator(`[data-testid="event"][data-event-id="${eventId}"][data-ticket="true"]`).waitFor({ timeout: 20_000 });
  console.log(`     ${await row.locator('[data-testid="event-status"]').innerText()}`);
});

await step("fan A joins the room; the persona is there", async () => {
  await a.locator(`[data-testid="event"][data-event-id="${eventId}"] [data-testid="join-room"]`).click();
  await a.locator('[data-testid="live-room"][data-room-state="open"]').waitFor({ timeout: 20_000 });
  await a.waitForFunction(() => document.querySelector('[data-testid="live-room"]')?.dataset.renderer, null, { timeout: 20_000 });
  await a.locator('[data-testid="live-room"][data-host="true"]').waitFor({ timeout: HOST_WAIT_MS });
  check(Number(await roomData(a, "attendees")) >= 1, "A is in the room");
  console.log(`     renderer ${await roomData(a, "renderer")}, ${await roomData(a, "attendees")} in the room`);
});

await step("fan B, signed in without a ticket, is refused with the reason shown", async () => {
  await connectAndSignIn(b, bob);
  await b.open(`live/${eventId}`);
  await b.locator('[data-testid="live-room"][data-room-state="refused"]').waitFor({ timeout: 20_000 });
  check(await roomData(b, "close-code") === "1008", `closed with 1008 (${await roomData(b, "close-code")})`);
  const shown = await b.locator('[data-testid="room-refusal"]').innerText();
  check(shown.toLowerCase().includes(`no ticket for event ${eventId}`), `the reason is shown: ${shown}`);
  await b.screenshot({ path: `${ARTIFACTS}/live-refused.png` });
});

await step("fan A asks a question and hears the persona answer, captioned, in its emotion", async () => {
  await a.locator('[data-testid="chat-input"]').fill("Nova, which star should I look for tonight?");
  await a.locator('[data-testid="ask-send"]').click();
  await a.locator('[data-testid="questions"] [data-question-id]').first().waitFor({ timeout: 20_000 });
  await a.waitForFunction(() => document.querySelector('[data-testid="live-room"]')?.dataset.lastCaption, null, { timeout: ANSWER_WAIT_MS });
  const caption = await roomData(a, "last-caption");
  const chunks = Number(await roomData(a, "audio-chunks"));
  const emotion = await roomData(a, "avatar-expression");
  await a.screenshot({ path: `${ARTIFACTS}/live-room.png` });
  console.log(`     caption "${caption}", ${chunks} audio chunks, face ${emotion}`);
  check(caption.trim().length > 0, "a caption shown");
  check(chunks > 0, "audio chunks arrived");
  check(EMOTIONS.includes(emotion), `the face takes the answer's emotion (${emotion})`);
  await a.locator('[data-testid="questions"] [data-state="answered"]').first().waitFor({ timeout: ANSWER_WAIT_MS });
});

await step("fan A stays long enough for the badge", async () => {
  await until(async () => {
    const r = await a.evaluate(async (id) => (await fetch(`/live/api/events/${id}/attendance`, { credentials: "same-origin" })).json(), String(eventId));
    return Number(r.attended) >= Number(r.required) ? r : null;
  }, "A's attendance reaching the minimum", (Number(MIN_ATTENDANCE) + 60) * 1000, 2000);
});

await step("after the event, fan A claims the badge and sees it on the persona's page", async () => {
  const badgesBefore = await read("PersonaEvents", "persona_badges", [PERSONA]);
  await advance(event.ends_at - await chainTime() + 1n);
  await a.open(`persona/${PERSONA}`);
  const row = a.locator(`[data-testid="event"][data-event-id="${eventId}"]`);
  await a.locator(`[data-testid="event"][data-event-id="${eventId}"][data-state="ended"]`).waitFor({ timeout: 20_000 });
  await row.locator('[data-testid="claim-badge"]').click();
  await row.locator('[data-testid="event-status"][data-status="done"]').waitFor({ timeout: 30_000 });
  const token = await read("PersonaEvents", "badge_of", [eventId, alice]);
  check(token > 0n, "the chain holds A's badge");
  check(await read("PersonaEvents", "locked", [token]), "the badge is soulbound");
  check(await read("PersonaEvents", "persona_badges", [PERSONA]) === badgesBefore + 1n, "the persona's badge count moved");
  await a.locator(`[data-testid="my-badge"][data-event-id="${eventId}"][data-token-id="${token}"]`).waitFor({ timeout: 20_000 });
  await a.locator(`[data-testid="persona-badge-count"][data-count="${badgesBefore + 1n}"]`).waitFor({ timeout: 20_000 });
  await a.locator('[data-testid="badges"]').screenshot({ path: `${ARTIFACTS}/live-badge.png` });
  console.log(`     badge #${token}; ${await a.locator('[data-testid="persona-badge-count"]').innerText()}`);
});

console.log(JSON.stringify({ steps: results.length, seconds: Math.round((Date.now() - t0) / 1000) }));
await browser.close();
