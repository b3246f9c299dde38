#!/usr/bin/env node
// Time until the personas gallery shows, in headless Chromium with a cold cache each run:
// from navigation start to the app's performance marks "fame:card-<id>" (the first persona
// card painted with its name, avatar and reputation) and "fame:gallery-complete" (every card
// with its IPFS spec). Prints JSON with the medians.
//   BASE_URL=http://127.0.0.1:8088 RUNS=5 node e2e/gallery-time.mjs
import { chromium } from "playwright-core";

const BASE_URL = process.env.BASE_URL ?? "http://127.0.0.1:8088";
const RUNS = Number(process.env.RUNS ?? 5);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"],
});
const first = [];
const complete = [];
for (let i = 0; i < RUNS; i++) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${BASE_URL}/#/personas`, { waitUntil: "commit" });
  await page.waitForFunction(() => performance.getEntriesByName("fame:gallery-complete").length > 0, null, { timeout: 30_000 });
  const marks = await page.evaluate(() => performance.getEntriesByType("mark").map((m) => [m.name, m.startTime]));
  first.push(Math.min(...marks.filter(([n]) => n.startsWith("fame:card-")).map(([, t]) => t)));
  complete.push(marks.find(([n]) => n === "fame:gallery-complete")[1]);
  await context.close();
}
await browser.close();
const median = (xs) => Math.round([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]);
console.log(JSON.stringify({ firstCardMs: first.map(Math.round), completeMs: complete.map(Math.round),
                             medianFirstCardMs: median(first), medianCompleteMs: median(complete) }));
