#!/usr/bin/env node
// End-to-end, a holder orders a video: the built frontend in headless Chromium (playwright-core,
// the system's /usr/bin/chromium) against a stack with the AI worker and the social service
// (`stack.web.devstack`'s worker=True). On the content screen the holder (the burner wallet)
// requests a `video` of the demo persona; the worker claims it, writes the script, renders the
// persona with lip sync, speaks the voice-over, muxes the MP4 with its subtitles, signs it with
// C2PA and fulfils the request on chain. The page then plays the video with its subtitle track
// and shows its credentials as verified; the persona's feed carries it too. Screenshots go to
// $E2E_ARTIFACTS/content-video.png and persona-video.png.
//   BASE_URL=... RPC_URL=... FAME_MANIFEST=... node e2e/media.mjs
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { createPublicClient, http } from "viem";

const here = dirname(fileURLToPath(import.meta.url));
const BASE_URL = process.env.BASE_URL ?? "http://127.0.0.1:8088";
const RPC_URL = process.env.RPC_URL ?? "http://127.0.0.1:8545";
const ARTIFACTS = resolve(process.env.E2E_ARTIFACTS ?? resolve(here, "../test-results"));
// The worker renders every frame and speaks the voice-over on the CPU (and fulfils the demo's
// own requests first).
const VIDEO_WAIT_MS = Number(process.env.VIDEO_WAIT_S ?? 300) * 1000;
const manifest = JSON.parse(readFileSync(process.env.FAME_MANIFEST ?? resolve(here, "../../deployments/31337.json"), "utf8"));
const C = Object.fromEntries(Object.entries(manifest.contracts).map(([n, c]) => [n, { address: c.address, abi: c.abi }]));
mkdirSync(ARTIFACTS, { recursive: true });

const chain = { id: 31337, name: "anvil", nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 }, rpcUrls: { default: { http: [RPC_URL] } } };
const client = createPublicClient({ chain, transport: http(RPC_URL) });
const read = (name, functionName, args = []) => client.readContract({ ...C[name], functionName, args });
function check(condition, message) { if (!condition) throw new Error(`assertion failed: ${message}`); }

const t0 = Date.now();
let page;
async function step(name, fn) {
  const t = Date.now();
  try {
    await fn();
    console.log(`ok   ${name} (${((Date.now() - t) / 1000).toFixed(1)}s, at ${((Date.now() - t0) / 1000).toFixed(0)}s)`);
  } catch (err) {
    console.log(`FAIL ${name} (at ${((Date.now() - t0) / 1000).toFixed(0)}s): ${err.stack ?? err}`);
    await page?.screenshot({ path: `${ARTIFACTS}/media-failure.png`, fullPage: true }).catch(() => {});
    const text = await page?.locator("#main").innerText().catch(() => "");
    if (text) console.log(`page shows:\n${text.slice(0, 3000)}`);
    throw err;
  }
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--autoplay-policy=no-user-gesture-required"],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
page = await context.newPage();
page.on("pageerror", (err) => console.log(`page error: ${err.message}`));

let visit = 0;
async function open(route) {
  await page.goto(`${BASE_URL}/?visit=${++visit}#/${route}`);
  await page.waitForSelector(`body[data-ready="true"] .screen[data-screen="${route.split("/")[0]}"]`, { timeout: 20_000 });
}

/** Plays the player in `scope` (muted) until its clock passes 1 s; returns what the browser decoded. */
async function play(scope) {
  const video = scope.locator('video[data-testid="video"]');
  await video.waitFor({ timeout: 20_000 });
  return video.evaluate(async (v) => {
    v.muted = true;
    const track = v.textTracks[0];
    if (track) track.mode = "showing";
    await v.play();
    const deadline = Date.now() + 20_000;
    while (v.currentTime < 1.0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    v.pause();
    while (track && (!track.cues || track.cues.length === 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    return { time: v.currentTime, width: v.videoWidth, height: v.videoHeight, duration: v.duration, error: v.error?.message ?? null,
             trackKind: track?.kind ?? null, cues: track?.cues?.length ?? 0, firstCue: track?.cues?.[0]?.text ?? "" };
  });
}

let id;
await step("connect the burner wallet", async () => {
  await open("wallet");
  await page.locator('.wallet-choice[data-rdns="org.fameengine.burner"]').click();
  await page.locator('[data-testid="connected-account"]').waitFor();
});

await step("request a video of the persona", async () => {
  await open("content");
  const form = page.locator("form", { hasText: "Request content" });
  const before = await read("ContentMarket", "request_count");
  await form.getByLabel("Persona").selectOption("1");
  await form.getByLabel("Kind").selectOption({ label: "video" });
  await form.getByLabel("Emotion hint").selectOption({ label: "joy" });
  await form.getByLabel("Brief").fill("Nova says good morning from the observatory roof");
  await form.getByLabel("Fee (FMC)").fill("10");
  await form.getByRole("button", { name: /request/i }).click();
  const deadline = Date.now() + 30_000;
  while ((await read("ContentMarket", "request_count")) === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
  id = await read("ContentMarket", "request_count");
  check(id === before + 1n, "one more request on chain");
  const r = await read("ContentMarket", "get_request", [id]);
  check(r.kind === 4 && r.status >= 1, `a video request (kind ${r.kind}, status ${r.status})`);
});

await step("the worker fulfils it; the page plays it with subtitles and verified credentials", async () => {
  const deadline = Date.now() + VIDEO_WAIT_MS;
  for (;;) {
    const r = await read("ContentMarket", "get_request", [id]);
    if (r.status === 3) break;
    check(r.status <= 2, `the request stays open or claimed until fulfilled (status ${r.status})`);
    if (Date.now() > deadline) throw new Error(`not fulfilled within ${VIDEO_WAIT_MS / 1000}s (status ${r.status})`);
    // The dev chain mines only on transactions, and the worker acts on requests under a few
    // confirmations: blocks keep coming, as on a live chain.
    await client.request({ method: "evm_mine", params: [] });
    await new Promise((res) => setTimeout(res, 2000));
  }
  await open("content");
  const card = page.locator(`li[data-request-id="${id}"]`);
  await card.locator('[data-testid="disclosure"]', { hasText: "AI-generated" }).waitFor({ timeout: 20_000 });
  const played = await play(card);
  console.log(`     played: ${JSON.stringify(played)}`);
  check(!played.error && played.time >= 1.0, "the browser decodes and plays the MP4");
  check(played.width === 1280 && played.height === 720, "720p");
  check(played.trackKind === "subtitles" && played.cues > 0 && played.firstCue.length > 0, "its WebVTT subtitle track loads");
  const panel = card.locator('[data-testid="credentials"]');
  await panel.and(page.locator('[data-state="verified"]')).waitFor({ timeout: 60_000 });
  await panel.locator("summary").click();
  for (const name of ["signature", "trust", "worker", "disclosure", "anchor", "watermark"]) {
    check(await panel.locator(`li[data-check="${name}"][data-status="pass"]`).count() === 1, `credentials check ${name} passes`);
  }
  console.log(`     ${await panel.locator("summary").innerText()}`);
  await page.screenshot({ path: `${ARTIFACTS}/content-video.png`, fullPage: true });
});

await step("the video is in the persona's feed", async () => {
  await open("persona/1");
  const post = page.locator('[data-testid="post"]', { has: page.locator('video[data-testid="video"]') }).first();
  await post.waitFor({ timeout: 60_000 });
  const played = await play(post);
  check(!played.error && played.cues > 0, "the feed's player plays it with its subtitles");
  await post.locator('[data-testid="credentials"][data-state="verified"]').waitFor({ timeout: 60_000 });
  await page.screenshot({ path: `${ARTIFACTS}/persona-video.png`, fullPage: true });
});

console.log(JSON.stringify({ seconds: Math.round((Date.now() - t0) / 1000) }));
await browser.close();
