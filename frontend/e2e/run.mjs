#!/usr/bin/env node
// End-to-end: the built frontend in headless Chromium (playwright-core, the system's
// /usr/bin/chromium) against a real anvil with FameEngine deployed and seeded, through an
// injected EIP-6963 wallet backed by anvil's dev accounts. Each flow asserts the chain's
// state afterwards; screenshots of the main screens go to $E2E_ARTIFACTS.
//   BASE_URL=http://127.0.0.1:8088 RPC_URL=http://127.0.0.1:8545 FAME_MANIFEST=... node e2e/run.mjs
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { createPublicClient, createWalletClient, http, parseEther } from "viem";

const here = dirname(fileURLToPath(import.meta.url));
const BASE_URL = process.env.BASE_URL ?? "http://127.0.0.1:8088";
const RPC_URL = process.env.RPC_URL ?? "http://127.0.0.1:8545";
const ARTIFACTS = resolve(process.env.E2E_ARTIFACTS ?? resolve(here, "../test-results"));
const manifest = JSON.parse(readFileSync(process.env.FAME_MANIFEST ?? resolve(here, "../../deployments/31337.json"), "utf8"));
const C = Object.fromEntries(Object.entries(manifest.contracts).map(([n, c]) => [n, { address: c.address, abi: c.abi }]));
const ETH = "0x0000000000000000000000000000000000000000";
const E18 = 10n ** 18n;
mkdirSync(ARTIFACTS, { recursive: true });

const chain = { id: 31337, name: "anvil", nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 }, rpcUrls: { default: { http: [RPC_URL] } } };
const client = createPublicClient({ chain, transport: http(RPC_URL) });
const read = (name, functionName, args = [], address) => client.readContract({ ...C[name], ...(address ? { address } : {}), functionName, args });
const rpc = (method, params = []) => client.request({ method, params });
async function travel(seconds) { await rpc("evm_increaseTime", [Number(seconds)]); await rpc("evm_mine"); }
const [, alice, bob] = await rpc("eth_accounts");

/** Wait until the web service's event index has the block of a transaction made outside the app. */
async function indexed(block) {
  for (let i = 0; i < 100; i++) {
    const status = await (await fetch(`${BASE_URL}/api/index/status`)).json();
    if (status.indexedThrough >= Number(block)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the index did not reach block ${block}`);
}
function check(condition, message) { if (!condition) throw new Error(`assertion failed: ${message}`); }
const results = [];
async function step(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    results.push(`ok   ${name} (${((Date.now() - t0) / 1000).toFixed(1)}s)`);
    console.log(results.at(-1));
  } catch (err) {
    console.log(`FAIL ${name}: ${err.stack ?? err}`);
    await page?.screenshot({ path: `${ARTIFACTS}/failure.png`, fullPage: true }).catch(() => {});
    const txs = await page?.locator("#tx-list").innerText().catch(() => "");
    if (txs) console.log(`transactions shown:\n${txs}`);
    throw err;
  }
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"],
});
const inject = readFileSync(resolve(here, "wallet-inject.js"), "utf8");
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
await context.addInitScript(`${inject}(${JSON.stringify({ rpcUrl: RPC_URL, account: alice, startChainId: "0x1" })})`);
let page = await context.newPage();
page.on("pageerror", (err) => console.log(`page error: ${err.message}`));

let visit = 0;
async function open(route) {
  // A new query string forces a full load (a hash change alone would keep the old screen).
  await page.goto(`${BASE_URL}/?visit=${++visit}#/${route}`);
  await page.waitForSelector(`body[data-ready="true"] .screen[data-screen="${route}"]`, { timeout: 20_000 });
}
/** Wait until the newest transaction whose label contains `label` is confirmed (or failed). */
async function tx(label, expected = "confirmed") {
  const entry = page.locator("#tx-list li", { hasText: label }).first();
  await entry.waitFor({ timeout: 20_000 });
  await page.waitForFunction((l) => {
    const li = [...document.querySelectorAll("#tx-list li")].find((e) => e.textContent.includes(l));
    return li && (li.dataset.status === "confirmed" || li.dataset.status === "failed");
  }, label, { timeout: 30_000 });
  const status = await entry.getAttribute("data-status");
  const text = await entry.innerText();
  check(status === expected, `${label}: expected ${expected}, got ${status} (${text})`);
  return text;
}
const shot = (name) => page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage: true });
const proposalCard = (title) => page.locator("li.proposal", { hasText: title });

await step("connect an EIP-6963 wallet, detect the wrong chain, switch", async () => {
  await open("wallet");
  await page.locator('.wallet-choice[data-rdns="org.fameengine.burner"]').waitFor();
  await page.locator('.wallet-choice[data-rdns="org.fameengine.e2e"]').click();
  await page.getByRole("button", { name: "Switch network" }).waitFor();
  await shot("wrong-chain");
  await page.getByRole("button", { name: "Switch network" }).click();
  await page.getByRole("button", { name: "Switch network" }).waitFor({ state: "detached" });
  const shown = await page.locator('[data-testid="account"]').innerText();
  check(shown.toLowerCase() === alice.toLowerCase(), `account shown ${shown}`);
  const fmc = await page.locator('[data-testid="fmc-balance"]').innerText();
  check(fmc.includes("FMC") && !fmc.startsWith("0 "), `FMC balance shown: ${fmc}`);
  const shares = await page.locator('[data-testid="share-balances"]').innerText();
  check(shares.includes("Nova Lumen: 481,818"), `share balances shown: ${shares}`);
});

await step("delegate votes", async () => {
  await page.getByRole("button", { name: "Delegate", exact: true }).click();
  await tx("Delegate votes");
  check((await read("FMC", "delegates", [alice])).toLowerCase() === alice.toLowerCase(), "alice delegates to herself");
  await shot("wallet");
});

let galleryMs = 0;
await step("personas gallery", async () => {
  const t0 = Date.now();
  await open("personas");
  await page.locator('.persona [data-testid="reputation"]').first().waitFor();
  galleryMs = Date.now() - t0;
  const card = page.locator('.persona[data-persona-id="1"]');
  const score = await read("Reputation", "score", [1n]);
  check((await card.locator('[data-testid="reputation"]').innerText()).includes("/ 10,000"), "reputation shown");
  check(score > 0n, "seeded reputation is positive");
  check(await card.locator(".holders li").count() === 3, "three holders listed");
  await card.locator("meter").first().waitFor();
  check((await card.locator("meter").count()) === 3, "three traits from the IPFS spec");
  check(await card.locator("img.avatar").evaluate((img) => img.complete && img.naturalWidth > 0), "avatar loaded");
  check(await card.locator("svg.chart path").getAttribute("d") !== "", "reputation chart drawn");
  await shot("personas");
});

const KAI = `Kai Tide ${Date.now() % 100_000}`;
await step("create a persona proposal (schema-checked, pinned, proposed)", async () => {
  await open("governance");
  const form = page.locator("form", { hasText: "Propose a persona" });
  await form.getByLabel("Name").fill(KAI);
  await form.getByLabel("Share symbol").fill("KAI");
  await form.getByLabel("Handle").fill("kai_tide");
  await form.getByLabel("Tagline").fill("Surf, code and tides");
  await form.getByLabel("Backstory").fill("Kai grew up on a surf beach and teaches coding by the sea.");
  await form.getByLabel("Traits").fill("calm:7");
  await form.getByLabel("Look").fill("Blue hair, wetsuit, sunglasses.");
  await form.getByLabel("Funding goal (FMC)").fill("2000");
  await form.getByRole("button", { name: /propose/i }).click();
  const alert = await form.getByRole("alert").innerText();
  check(alert.includes("/traits/0/intensity"), `schema error shown: ${alert}`);
  const before = await read("PersonaLaunchpad", "campaign_count");
  await form.getByLabel("Traits").fill("calm:0.7, playful:0.5");
  // Before proposing: the look this spec gets and how it moves the approved personas' spread.
  await form.getByRole("button", { name: "Preview look and diversity" }).click();
  const panel = form.locator('section[aria-label="Diversity preview"]');
  await panel.waitFor({ timeout: 60_000 });
  check(Number(await panel.getAttribute("data-approved")) >= 1, "the preview counts the approved personas");
  check(/skin tone MST \d+ of 10/.test(await panel.innerText()), "the measured Monk tone is shown");
  check(await panel.locator("tr[data-axis]").count() === 3, "skin tone, presentation and age rows");
  check(await panel.locator("img").evaluate((img) => img.complete && img.naturalWidth === 192), "the look's portrait");
  await shot("diversity-preview");
  await form.getByRole("button", { name: /propose/i }).click();
  await tx(`Propose persona ${KAI}`);
  const count = await read("PersonaLaunchpad", "campaign_count");
  check(count === before + 1n, "one more campaign");
  const campaign = await read("PersonaLaunchpad", "campaign", [count]);
  check(campaign.name === KAI && campaign.funding_goal === 2000n * E18, "campaign on chain");
  const spec = await (await fetch(`${BASE_URL}/ipfs/${campaign.spec_cid}`)).json();
  check(spec.name === KAI && spec.traits.length === 2, "the pinned spec is the form's");
  await proposalCard(KAI).waitFor();
});

let campaignId, proposalId;
await step("contribute FMC with a permit", async () => {
  campaignId = await read("PersonaLaunchpad", "campaign_count");
  proposalId = (await read("PersonaLaunchpad", "campaign", [campaignId])).proposal_id;
  const nonce = await read("FMC", "nonces", [alice]);
  const card = proposalCard(KAI);
  await card.getByLabel("Contribute FMC").fill("2,000");
  await card.getByRole("button", { name: "Contribute" }).click();
  await tx(`Contribute to campaign #${campaignId} (permit)`);
  check(await read("PersonaLaunchpad", "contribution_of", [campaignId, alice]) === 2000n * E18, "contribution recorded");
  check(await read("FMC", "nonces", [alice]) === nonce + 1n, "a permit was used");
  await proposalCard(KAI).locator('[data-testid="campaign"]', { hasText: "yours 2,000 FMC" }).waitFor();
  await shot("governance");
});

await step("vote For after the voting delay", async () => {
  await travel(Number(await read("FameGovernor", "votingDelay")) + 1);
  await open("governance");
  await proposalCard(KAI).getByRole("button", { name: "Vote For" }).click();
  await tx("Vote For");
  check(await read("FameGovernor", "hasVoted", [proposalId, alice]), "alice has voted");
  const [, forVotes] = await read("FameGovernor", "proposalVotes", [proposalId]);
  check(forVotes === await read("FMC", "getVotes", [alice]), "For tally is alice's weight");
  // A second holder votes from outside the app (quorum is 4% of the supply).
  const wallet = createWalletClient({ chain, transport: http(RPC_URL), account: bob });
  const hash = await wallet.writeContract({ ...C.FameGovernor, functionName: "castVote", args: [proposalId, 1] });
  await client.waitForTransactionReceipt({ hash });
});

await step("queue after the voting period, execute after the timelock", async () => {
  await travel(Number(await read("FameGovernor", "votingPeriod")) + 1);
  await open("governance");
  check(await proposalCard(KAI).getAttribute("data-state") === "Succeeded", "shown as Succeeded");
  await proposalCard(KAI).getByRole("button", { name: "Queue" }).click();
  await tx("Queue proposal");
  check(Number(await read("FameGovernor", "state", [proposalId])) === 5, "state Queued");
  await travel(Number(await read("FameTimelock", "get_minimum_delay")) + 1);
  await open("governance");
  const personas = await read("PersonaRegistry", "persona_count");
  await proposalCard(KAI).getByRole("button", { name: "Execute" }).click();
  await tx("Execute proposal");
  check(Number(await read("FameGovernor", "state", [proposalId])) === 7, "state Executed");
  check(await read("PersonaRegistry", "persona_count") === personas + 1n, "persona launched");
  await proposalCard(KAI).getByRole("button", { name: /Claim .* shares/ }).click();
  await tx("Claim shares");
  const token = (await read("PersonaLaunchpad", "campaign", [campaignId])).share_token;
  check(await read("PersonaShare", "balanceOf", [alice], token) > 0n, "alice holds shares of the new persona");
});

await step("withdraw a contribution from a failed proposal", async () => {
  // A proposal nobody votes for (made from outside the app), funded by alice in the app.
  const wallet = createWalletClient({ chain, transport: http(RPC_URL), account: alice });
  const title = `Create Flop ${Date.now() % 100_000}`;
  const hash = await wallet.writeContract({ ...C.PersonaLaunchpad, functionName: "propose_persona",
    args: ["Flop", "FLOP", "bafkreiflop", 1000n * E18, 0n, title] });
  await indexed((await client.waitForTransactionReceipt({ hash })).blockNumber);
  const cid = await read("PersonaLaunchpad", "campaign_count");
  await open("governance");
  await proposalCard(title).getByLabel("Contribute FMC").fill("500");
  await proposalCard(title).getByRole("button", { name: "Contribute" }).click();
  await tx(`Contribute to campaign #${cid}`);
  await travel(Number(await read("FameGovernor", "votingDelay")) + Number(await read("FameGovernor", "votingPeriod")) + 2);
  await open("governance");
  check(await proposalCard(title).getAttribute("data-state") === "Defeated", "shown as Defeated");
  const balance = await read("FMC", "balanceOf", [alice]);
  await proposalCard(title).getByRole("button", { name: "Withdraw contribution" }).click();
  await tx(`Withdraw contribution (campaign #${cid})`);
  check(await read("PersonaLaunchpad", "contribution_of", [cid, alice]) === 0n, "contribution withdrawn");
  check(await read("FMC", "balanceOf", [alice]) === balance + 500n * E18, "FMC returned");
});

await step("pay revenue and claim it", async () => {
  await open("ownership");
  const card = page.locator('li.card[data-persona-id="1"]');
  // Revenue lives in the persona's share token: ETH is a plain transfer to it.
  const share = await read("PersonaRegistry", "share_token_of", [1n]);
  const heldBefore = await client.getBalance({ address: share });
  const claimableBefore = await read("PersonaShare", "claimable", [alice], share);
  await card.getByLabel("Pay revenue (ETH)").fill("0.5");
  await card.getByRole("button", { name: "Pay" }).click();
  await tx("Pay revenue to persona #1");
  check(await client.getBalance({ address: share }) === heldBefore + parseEther("0.5"), "revenue received by the share token");
  const claimable = await read("PersonaShare", "claimable", [alice], share);
  check(claimable > claimableBefore, "alice has revenue to claim");
  await page.locator('li.card[data-persona-id="1"] [data-testid="claimable-ETH"]').waitFor();
  await shot("ownership");
  const balance = await client.getBalance({ address: alice });
  await page.locator('li.card[data-persona-id="1"]').getByRole("button", { name: "Claim ETH" }).click();
  await tx("Claim revenue of persona #1");
  check(await read("PersonaShare", "claimable", [alice], share) === 0n, "nothing left to claim");
  check(await client.getBalance({ address: alice }) > balance, "ETH received");
});

await step("stake with a lock, see a failed transaction's reason, withdraw after unlock", async () => {
  await open("staking");
  const form = page.locator("form", { hasText: "Stake FMC" });
  await form.getByLabel("Persona").selectOption("1");
  const options = await form.getByLabel("Lock period").locator("option").allInnerTexts();
  check(options.some((o) => o.includes("30d lock · 1.25x")), `lock options show multipliers: ${options}`);
  await form.getByLabel("Lock period").selectOption("1");
  await form.getByLabel("Amount (FMC)").fill("0");
  await form.getByRole("button", { name: "Stake" }).click();
  const failed = await tx("Stake 0 FMC", "failed");
  check(failed.includes("staking: zero amount"), `revert reason decoded: ${failed}`);
  const before = await read("PersonaStaking", "position_count_of", [alice]);
  await form.getByLabel("Amount (FMC)").fill("1000");
  await form.getByRole("button", { name: "Stake" }).click();
  await tx("Stake 1,000 FMC on persona #1");
  const n = await read("PersonaStaking", "position_count_of", [alice]);
  check(n === before + 1n, "one more position");
  const id = await read("PersonaStaking", "position_of_owner_by_index", [alice, n - 1n]);
  const pos = await read("PersonaStaking", "position", [id]);
  check(pos.amount === 1000n * E18 && pos.multiplier_bps === 12_500n, "position on chain");
  const row = page.locator(`tr[data-position-id="${id}"]`);
  await row.waitFor();
  check(await row.getByRole("button", { name: "Withdraw" }).isDisabled(), "withdraw disabled while locked");
  await shot("staking");
  await travel(30 * 86400 + 1);
  await open("staking");
  await page.locator(`tr[data-position-id="${id}"]`).getByRole("button", { name: "Withdraw" }).click();
  await tx(`Withdraw position #${id}`);
  check((await read("PersonaStaking", "position", [id])).amount === 0n, "withdrawn");
});

await step("identity: did:fame and its resolved document", async () => {
  await open("identity");
  const card = page.locator('li.card[data-persona-id="1"]');
  check((await card.locator('[data-testid="did"]').innerText()) === "did:fame:31337:1", "DID shown");
  const doc = await card.locator("pre.json").innerText();
  check(JSON.parse(doc).id === "did:fame:31337:1", "resolved DID document shown");
  await shot("identity");
});

/** Pin through the gateway's IPFS API from outside the browser (as the AI worker does). */
async function pin(text, name) {
  const form = new FormData();
  form.append("file", new Blob([text]), name);
  const r = await fetch(`${process.env.IPFS_RPC_URL ?? "http://127.0.0.1:5001"}/api/v0/add?pin=true&cid-version=1`, { method: "POST", body: form });
  check(r.ok, `pinned ${name}`);
  return JSON.parse((await r.text()).trim().split("\n").pop()).Hash;
}

await step("request content, follow it to fulfilled with its manifest, release the fee", async () => {
  await open("content");
  const form = page.locator("form", { hasText: "Request content" });
  const before = await read("ContentMarket", "request_count");
  await form.getByLabel("Persona").selectOption("1");
  await form.getByLabel("Kind").selectOption({ label: "caption" });
  await form.getByLabel("Emotion hint").selectOption({ label: "joy" });
  await form.getByLabel("Brief").fill("Nova explains black holes with a cup of tea");
  await form.getByLabel("Fee (FMC)").fill("10");
  await form.getByRole("button", { name: /request/i }).click();
  await tx("Request content for persona #1");
  const id = await read("ContentMarket", "request_count");
  check(id === before + 1n, "one more request");
  const r = await read("ContentMarket", "get_request", [id]);
  check(r.requester.toLowerCase() === alice.toLowerCase() && r.fee === 10n * E18 && r.status === 1 && r.kind === 1 && r.emotion === 0,
        "request on chain: alice, 10 FMC escrowed, open, caption, joy");
  const brief = await (await fetch(`${BASE_URL}/ipfs/${r.brief_cid}`)).json();
  check(brief.text.includes("black holes"), "brief pinned");
  await page.locator(`li[data-request-id="${id}"][data-status="Open"]`).waitFor();

  // A bonded worker (dev account 7, funded by the seed) claims and fulfils it.
  const [worker] = [(await rpc("eth_accounts"))[7]];
  const w = createWalletClient({ chain, transport: http(RPC_URL), account: worker });
  const send = async (c, functionName, args) => client.waitForTransactionReceipt({ hash: await w.writeContract({ ...C[c], functionName, args }) });
  const bond = (await read("ContentMarket", "params")).min_bond;
  await send("FMC", "approve", [C.ContentMarket.address, bond]);
  await send("ContentMarket", "bond", [bond]);
  await send("ContentMarket", "claim", [id]);
  const caption = "Black holes are like the universe's teacups: everything swirls in. #NovaExplains";
  const contentCid = await pin(caption, "caption.txt");
  const manifestCid = await pin(JSON.stringify({
    type: "fameengine/content-manifest", version: 1, persona: { id: 1, name: "Nova Lumen" }, requestId: Number(id),
    models: [{ role: "caption", name: "template-captioner" }], emotion: "joy", seed: 7, content: { cid: contentCid, mediaType: "text/plain" },
    aiGenerated: true, disclosure: "AI-generated content: an AI worker of FameEngine made this for the virtual influencer Nova Lumen.", worker, caption,
  }), "manifest.json");
  await send("ContentMarket", "fulfil", [id, contentCid, manifestCid]);
  check((await read("ContentMarket", "get_request", [id])).status === 3, "fulfilled on chain");

  await open("content");
  const card = page.locator(`li[data-request-id="${id}"]`);
  check(await card.getAttribute("data-status") === "Fulfilled", "shown as Fulfilled");
  await card.locator('[data-testid="disclosure"]', { hasText: "AI-generated content" }).waitFor();
  check((await card.locator("blockquote").innerText()).includes("teacups"), "the content is shown");
  await shot("content");

  await travel(Number((await read("ContentMarket", "params")).challenge_window) + 1);
  await open("content");
  await page.locator(`li[data-request-id="${id}"]`).getByRole("button", { name: "Release fee" }).click();
  await tx(`Release content request #${id}`);
  check((await read("ContentMarket", "get_request", [id])).status === 5, "released on chain");

  // The gallery reads the persona's published content from the event index, and the fulfilment
  // was sent outside the app: wait until the index has every block so far.
  await indexed(await client.getBlockNumber());
  await open("personas");
  await page.locator('.persona[data-persona-id="1"] [data-testid="latest-content"] [data-testid="disclosure"]').waitFor();
});

await step("phone layout and keyboard access", async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  await open("personas");
  await page.locator('.persona [data-testid="reputation"]').first().waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 1, `no horizontal scroll on a phone (overflow ${overflow}px)`);
  await shot("personas-phone");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  const focused = await page.evaluate(() => document.activeElement?.textContent);
  check(focused === "FameEngine" || focused === "Personas", `keyboard focus moves through the header (${focused})`);
  await page.setViewportSize({ width: 1280, height: 900 });
});

await step("burner wallet without an extension", async () => {
  const plain = await browser.newContext();
  const p = await plain.newPage();
  await p.goto(`${BASE_URL}/#/wallet`);
  await p.locator('.wallet-choice[data-rdns="org.fameengine.burner"]').click();
  await p.locator('[data-testid="connected-account"]').waitFor();
  check((await p.locator('[data-testid="connected-account"]').innerText()).startsWith("Burner wallet"), "burner connected");
  check(await p.getByRole("button", { name: "Switch network" }).count() === 0, "burner is on the right chain");
  await plain.close();
});

console.log(`gallery shown in ${galleryMs} ms`);
console.log(JSON.stringify({ galleryMs, steps: results.length }));
await browser.close();
