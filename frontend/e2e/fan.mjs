#!/usr/bin/env node
// End-to-end, a fan's loop: the built frontend in headless Chromium (playwright-core, the
// system's /usr/bin/chromium) against a stack with the social service, the persona runtime and
// the engagement oracle (`stack.web.devstack`'s fans=True). On the persona's page a fan signs in
// with Sign-In with Ethereum (the burner wallet, nothing injected), likes the persona's first
// post, comments it and reads the persona's reply, written by its language model; then the next
// oracle round puts the like on chain, and the reputation the page shows moves. A screenshot of
// the final page goes to $E2E_ARTIFACTS/persona-fan.png.
//   BASE_URL=... RPC_URL=... FAME_MANIFEST=... node e2e/fan.mjs
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { createPublicClient, http } from "viem";

const here = dirname(fileURLToPath(import.meta.url));
const BASE_URL = process.env.BASE_URL ?? "http://127.0.0.1:8088";
const RPC_URL = process.env.RPC_URL ?? "http://127.0.0.1:8545";
const ARTIFACTS = resolve(process.env.E2E_ARTIFACTS ?? resolve(here, "../test-results"));
const PERSONA = Number(process.env.PERSONA_ID ?? 1);
// The runtime's first post and its reply come from a language model on the CPU (tens of seconds
// each on two busy cores); an oracle round is 10 s, its report needs a few more.
const POST_WAIT_MS = Number(process.env.POST_WAIT_S ?? 150) * 1000;
const REPLY_WAIT_MS = Number(process.env.REPLY_WAIT_S ?? 150) * 1000;
const CHAIN_WAIT_MS = Number(process.env.CHAIN_WAIT_S ?? 60) * 1000;
const manifest = JSON.parse(readFileSync(process.env.FAME_MANIFEST ?? resolve(here, "../../deployments/31337.json"), "utf8"));
const C = Object.fromEntries(Object.entries(manifest.contracts).map(([n, c]) => [n, { address: c.address, abi: c.abi }]));
mkdirSync(ARTIFACTS, { recursive: true });

const chain = { id: 31337, name: "anvil", nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 }, rpcUrls: { default: { http: [RPC_URL] } } };
const client = createPublicClient({ chain, transport: http(RPC_URL) });
const read = (name, functionName, args = []) => client.readContract({ ...C[name], functionName, args });
const [, alice] = await client.request({ method: "eth_accounts" }); // the burner's default, dev account 1
const social = async (path) => {
  const r = await fetch(`${BASE_URL}/social${path}`);
  if (!r.ok) throw new Error(`GET /social${path}: ${r.status} ${await r.text()}`);
  return r.json();
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** Poll `probe` until it returns a truthy value; `what` names it in the timeout's error. */
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

const t0 = Date.now();
const results = [];
let page;
async function step(name, fn) {
  const t = Date.now();
  try {
    await fn();
    results.push(`ok   ${name} (${((Date.now() - t) / 1000).toFixed(1)}s, at ${((Date.now() - t0) / 1000).toFixed(0)}s)`);
    console.log(results.at(-1));
  } catch (err) {
    console.log(`FAIL ${name} (at ${((Date.now() - t0) / 1000).toFixed(0)}s): ${err.stack ?? err}`);
    await page?.screenshot({ path: `${ARTIFACTS}/persona-fan-failure.png`, fullPage: true }).catch(() => {});
    const text = await page?.locator("#main").innerText().catch(() => "");
    if (text) console.log(`page shows:\n${text.slice(0, 3000)}`);
    throw err;
  }
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
page = await context.newPage();
page.on("pageerror", (err) => console.log(`page error: ${err.message}`));

let visit = 0;
async function open(route) {
  // A new query string forces a full load (a hash change alone would keep the old screen).
  await page.goto(`${BASE_URL}/?visit=${++visit}#/${route}`);
  await page.waitForSelector(`body[data-ready="true"] .screen[data-screen="${route.split("/")[0]}"]`, { timeout: 20_000 });
}
const reputationShown = () => page.locator('[data-testid="persona-reputation"]');
async function shownScore() {
  await page.locator('[data-testid="persona-reputation"][data-score]').waitFor({ timeout: 20_000 });
  return BigInt(await reputationShown().getAttribute("data-score"));
}

await step("connect the burner wallet", async () => {
  await open("wallet");
  await page.locator('.wallet-choice[data-rdns="org.fameengine.burner"]').click();
  await page.locator('[data-testid="connected-account"]').waitFor();
  check((await page.locator('[data-testid="connected-account"]').innerText()).startsWith("Burner wallet"), "burner connected");
});

await step("sign in with Ethereum on the persona's page", async () => {
  await open(`persona/${PERSONA}`);
  await page.locator('[data-testid="persona-name"]', { hasText: "Nova Lumen" }).waitFor();
  await page.locator('[data-testid="siwe-status"][data-status="signed-out"]').waitFor();
  await page.locator("#sign-in:enabled").click();
  await page.locator('[data-testid="siwe-status"][data-status="signed-in"]').waitFor({ timeout: 20_000 });
  const address = await page.locator('[data-testid="signed-in-address"]').innerText();
  check(address.toLowerCase() === alice.toLowerCase(), `signed in as the burner's account (${address})`);
});

let post;
await step("the persona's first post, written by its runtime", async () => {
  post = await until(async () => (await social(`/api/personas/${PERSONA}/feed?limit=1`)).posts[0], "the runtime's first post", POST_WAIT_MS, 2000);
  check(post.ai_label.startsWith("AI-generated with ") && !post.ai_label.includes("templates"), `written by a language model: ${post.ai_label}`);
  await open(`persona/${PERSONA}`);
  await page.locator(`[data-testid="post"][data-post-id="${post.id}"]`).waitFor();
  await page.locator('[data-testid="siwe-status"][data-status="signed-in"]').waitFor();
});

let before;
await step("like the first post", async () => {
  before = await shownScore();
  check(before === await read("Reputation", "score", [BigInt(PERSONA)]), "the page shows the chain's reputation");
  const first = page.locator('[data-testid="post"]').first();
  check(await first.getAttribute("data-post-id") === String(post.id), "the newest post is first");
  const like = first.locator('[data-testid="like"]');
  check(await like.getAttribute("aria-pressed") === "false", "not liked yet");
  await like.click();
  await first.locator('[data-testid="like"][aria-pressed="true"]').waitFor();
  await first.locator('[data-testid="post-status"][data-status="done"]').waitFor();
  check((await first.locator('[data-testid="like-count"]').innerText()) === "1 like", "one like shown");
  check((await social(`/api/posts/${post.id}`)).likes === 1, "the social service counts the like");
});

let comment;
await step("open the post and comment", async () => {
  await page.locator('[data-testid="post"]').first().locator('[data-testid="open-post"]').click();
  await page.locator(`[data-testid="post-detail"][data-post-id="${post.id}"]`).waitFor();
  await page.locator('[data-testid="like"][aria-pressed="true"]').waitFor(); // the like is the fan's, after a reload too
  await page.locator("#comment-body:enabled").fill("Nova, I love this! Which star should I look for tonight?");
  await page.locator("#comment-submit").click();
  await page.locator('[data-testid="comment-status"][data-status="done"]').waitFor({ timeout: 20_000 });
  comment = page.locator('[data-testid="comment"]').last();
  check((await comment.locator('[data-testid="comment-body-text"]').innerText()).includes("Which star"), "the comment is shown");
  await comment.locator('[data-testid="holder-badge"]').waitFor(); // the burner's account holds Nova Lumen's shares
});

await step("the persona replies in character", async () => {
  const reply = comment.locator('[data-testid="persona-reply"]');
  await reply.waitFor({ timeout: REPLY_WAIT_MS });
  const body = await reply.locator('[data-testid="post-body"]').innerText();
  const label = await reply.locator('[data-testid="ai-label"]').innerText();
  console.log(`     reply: ${body}\n     label: ${label}`);
  check(body.trim().length >= 8, "a reply with words in it");
  check(label.includes("AI-generated with") && !label.includes("templates"), `written by the language model: ${label}`);
  const href = await reply.locator('[data-testid="manifest-link"]').getAttribute("href");
  const signed = await (await fetch(new URL(href, BASE_URL))).json();
  check(signed.aiGenerated === true && JSON.stringify(signed.models).includes("SmolLM2"), "its manifest names the model");
});

await step("the next oracle report carries the like, the reputation shown moves", async () => {
  const report = await until(async () => {
    const e = await read("EngagementOracle", "latest", [BigInt(PERSONA)]);
    return e.likes >= 1n ? e : null;
  }, "an oracle report with the like", CHAIN_WAIT_MS);
  console.log(`     on chain: ${report.views} views, ${report.likes} likes, ${report.comments} comments, sentiment ${report.sentiment}`);
  const score = await read("Reputation", "score", [BigInt(PERSONA)]);
  check(score !== before, `the reputation moved on chain (${before} -> ${score})`);
  await page.waitForFunction((s) => document.querySelector('[data-testid="persona-reputation"]')?.dataset.score === s,
    String(score), { timeout: 20_000 });
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="oracle-report"]')?.dataset.likes) >= 1, null,
    { timeout: 20_000 });
  console.log(`     reputation shown: ${before} -> ${await shownScore()} (${await reputationShown().innerText()})`);
  await page.screenshot({ path: `${ARTIFACTS}/persona-fan.png`, fullPage: true });
});

await step("stars with FMC votes behind them reach the reputation's community feedback", async () => {
  const rateStatus = page.locator('[data-testid="rate-status"]');
  await page.locator('[data-testid="rate-4"]').click();
  // In the demo chain's first rating epoch alice's stars are already on chain (the demo seeds
  // them), or she held no votes when it began: the fans' rating counts, the page says why the
  // chain does not take this one.
  await rateStatus.filter({ hasText: /already in the reputation|had none/ }).waitFor({ timeout: 20_000 });
  // A week later on the dev chain: alice delegated her FMC to herself when the demo was seeded,
  // so she holds votes from before the second epoch began.
  await client.request({ method: "evm_increaseTime", params: [7 * 86400] });
  await client.request({ method: "evm_mine", params: [] });
  const weight = await read("Reputation", "rating_weight", [alice]);
  check(weight > 0n, `alice's rating weighs on chain now (${weight})`);
  const { feedback: feedbackBefore } = await read("Reputation", "components", [BigInt(PERSONA)]);
  await page.locator('[data-testid="rate-5"]').click();
  await rateStatus.filter({ hasText: "counts in" }).waitFor({ timeout: 30_000 });
  const { feedback: feedbackAfter } = await read("Reputation", "components", [BigInt(PERSONA)]);
  // The new epoch's weighted mean replaces the seeded one (5 and 4 stars): a change either way is the rating arriving.
  check(feedbackAfter !== feedbackBefore, `community feedback moved on chain (${feedbackBefore} -> ${feedbackAfter})`);
  console.log(`     rated 5 stars with weight ${weight}: feedback ${feedbackBefore} -> ${feedbackAfter}; ${await rateStatus.innerText()}`);
});

console.log(JSON.stringify({ steps: results.length, seconds: Math.round((Date.now() - t0) / 1000) }));
await browser.close();
