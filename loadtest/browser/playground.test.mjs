// Real-browser test of the playground (README, Playground): Debian's chromium, headless, driven by
// playwright-core against a running server (the packaged jar on the demo models, started by run.sh).
//
//   BASE_URL=http://127.0.0.1:8000/ node playground.test.mjs
//
// Checks: the page loads without console errors; a greedy refinement shows every round's text
// exactly as a non-streaming POST v1/refine returns it for the same request, and a changed round
// is highlighted; Stop cancels on the server (slhf_requests_cancelled_total rises,
// slhf_num_requests_running back to 0); a bad request shows the API's error message; the page
// works behind a path prefix (a reverse proxy in this script that strips /prefixed/).
// SCREENSHOT (default ../../docs/playground.png) receives a screenshot of the greedy refinement.
import { chromium } from "playwright-core";
import http from "node:http";
import { strict as assert } from "node:assert";
import { fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const BASE = (process.env.BASE_URL || "http://127.0.0.1:8000/").replace(/\/?$/, "/");
const SCREENSHOT = process.env.SCREENSHOT || path.join(here, "..", "..", "docs", "playground.png");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const PREFIX = "/prefixed/";
// With API_KEY set the server is expected to have keys on: the page must load without one, show
// the key field and the API's 401 message, and work once the key is typed in.
const API_KEY = process.env.API_KEY || "";
const AUTH = API_KEY ? { Authorization: "Bearer " + API_KEY } : {};

async function api(pathName, body) {
  const r = await fetch(BASE + pathName, body === undefined ? { headers: AUTH } : {
    method: "POST", headers: { "Content-Type": "application/json", ...AUTH }, body: JSON.stringify(body),
  });
  return { status: r.status, body: r.headers.get("content-type")?.includes("json") ? await r.json() : await r.text() };
}

/** Sum of one metric's samples over all label sets, from the Prometheus text. */
async function metric(name) {
  const text = (await api("q/metrics")).body;
  let sum = 0, seen = false;
  for (const line of text.split("\n")) {
    if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
      sum += Number(line.slice(line.lastIndexOf(" ") + 1)); seen = true;
    }
  }
  return seen ? sum : 0;
}

async function until(what, check, timeoutMs = 15000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error("timed out waiting for " + what);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A reverse proxy serving the server under PREFIX (as an ingress with a prefix rewrite would). */
function startPrefixProxy(outside) {
  const target = new URL(BASE);
  const server = http.createServer((req, res) => {
    if (!req.url.startsWith(PREFIX)) {
      outside.push(req.url);
      res.writeHead(404).end("outside the prefix");
      return;
    }
    const upstream = http.request({ host: target.hostname, port: target.port, method: req.method,
      path: "/" + req.url.slice(PREFIX.length), headers: req.headers }, (up) => {
      res.writeHead(up.statusCode, up.headers);
      up.pipe(res);
    });
    upstream.on("error", () => res.destroy());
    res.on("close", () => upstream.destroy()); // a browser that aborts reaches the server
    req.pipe(upstream);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

async function openPage(browser, url, consoleErrors) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  await page.goto(url);
  if (API_KEY) {
    // a fresh browser profile has no stored key: the page asks for one
    await page.waitForSelector("#api-key", { state: "visible" });
    await page.waitForFunction(() => !document.getElementById("error").hidden);
    const expected = (await (await fetch(BASE + "v1/models")).json()).error.message;
    assert.equal(await page.textContent("#error"), expected, "the 401 message is shown");
    await page.fill("#api-key", API_KEY);
    await page.press("#api-key", "Tab"); // change event: stored and the models reloaded
    assert.equal(await page.evaluate(() => localStorage.getItem("slhf-playground-api-key")), API_KEY);
    // Chromium logs every 4xx response as a console error; the keyless probe's 401 is the one expected
    assert.deepEqual(consoleErrors, ["Failed to load resource: the server responded with a status of 401 (Unauthorized)"]);
    consoleErrors.length = 0;
  }
  await page.waitForFunction(() => document.querySelectorAll("#leader option").length > 1);
  return page;
}

/** Fills the form from a request body of the fields the page has. */
async function fill(page, req) {
  await page.fill("#system", "");
  await page.fill("#prompt", req.prompt);
  await page.fill("#draft", req.draft || "");
  await page.selectOption("#leader", req.leader || "");
  await page.selectOption("#follower", req.follower || "");
  await page.fill("#rounds", String(req.rounds));
  await page.fill("#max-tokens", String(req.max_tokens));
  await page.fill("#temperature", String(req.temperature));
  await page.fill("#seed", req.seed === undefined ? "" : String(req.seed));
  await page.setChecked("#ignore-eos", !!req.ignore_eos);
}

async function runAndWait(page) {
  await page.click("#run");
  await page.waitForFunction(() => ["done", "error", "stopped"].includes(document.getElementById("rounds-out").dataset.state));
  return page.$eval("#rounds-out", (e) => e.dataset.state);
}

async function shownRounds(page) {
  return page.$$eval(".round", (els) => els.map((e) => ({
    round: Number(e.dataset.round),
    text: e.querySelector(".round-text").textContent,
    changed: [...e.querySelectorAll("ins.changed")].map((i) => i.textContent),
    stats: e.querySelector(".stats").textContent,
  })));
}

/** The page's rounds equal the API's for the same request, non-streaming. */
async function checkGreedy(page, req, label) {
  await fill(page, req);
  assert.equal(await runAndWait(page), "done", label + ": the refinement did not finish");
  const expected = await api("v1/refine", req);
  assert.equal(expected.status, 200, JSON.stringify(expected.body));
  const shown = await shownRounds(page);
  assert.deepEqual(shown.map((r) => r.text), expected.body.rounds.map((r) => r.text), label + ": round texts");
  for (const [k, r] of expected.body.rounds.entries()) {
    assert.match(shown[k].stats, new RegExp("latency [0-9.]+ ms · TTFT [0-9.]+ ms · " + r.completion_tokens + " tokens"), label);
  }
  return { shown, expected: expected.body };
}

async function main() {
  const browser = await chromium.launch({
    executablePath: CHROMIUM, headless: true,
    // the flags of the machine notes: no sandbox as root, and no background connections to refuse
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
  const outside = [];
  const proxy = await startPrefixProxy(outside);
  let failures = 0;
  const check = async (name, fn) => {
    try { await fn(); console.log("ok   " + name); } catch (e) { failures++; console.log("FAIL " + name + "\n     " + (e.stack || e)); }
  };
  try {
    const errors = [];
    const page = await openPage(browser, BASE, errors);

    await check("the page loads without console errors, pickers filled from v1/models", async () => {
      await page.waitForTimeout(300);
      assert.deepEqual(errors, []);
      if (!API_KEY) assert.ok(!(await page.isVisible("#api-key")), "no key field when the server has no keys");
      const models = (await api("v1/models")).body.data.slice(0, -1).map((m) => m.id);
      const leaders = await page.$$eval("#leader option", (o) => o.map((x) => x.value).filter(Boolean));
      assert.deepEqual(leaders, models);
    });

    await check("a greedy refinement shows every round exactly as v1/refine returns it; a changed round is highlighted", async () => {
      const req = { prompt: "Put these numbers in ascending order: 14 70 40 75 31 59 42 29 45", rounds: 2, max_tokens: 48, temperature: 0 };
      const { shown, expected } = await checkGreedy(page, req, "greedy");
      const texts = expected.rounds.map((r) => r.text);
      assert.notEqual(texts[1], texts[0], "this example's round 1 must change the draft");
      assert.ok(shown[1].changed.length > 0, "round 1 has highlighted words");
      const before = new Set(texts[0].split(/\s+/));
      assert.ok(shown[1].changed.some((w) => !before.has(w)), "a highlighted word is new in round 1: " + shown[1].changed);
      assert.equal(shown[0].changed.length, 0, "round 0 has nothing to compare with");
      if (texts[2] === texts[1]) assert.equal(shown[2].changed.length, 0, "an unchanged round has no highlight");
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      assert.deepEqual(errors, []);
    });

    await check("Stop cancels on the server and frees the slot", async () => {
      const cancelledBefore = await metric("slhf_requests_cancelled_total");
      // 9 rounds of 220 tokens each past end-of-sequence: about a second of generation on the demo
      await fill(page, { prompt: "Tell me a long story about the sea", rounds: 8, max_tokens: 220, temperature: 1, seed: 7, ignore_eos: true });
      await page.click("#run");
      await page.waitForFunction(() => document.querySelector(".round .round-text")?.textContent.length > 0, null, { polling: "raf" });
      await page.click("#stop");
      await page.waitForFunction(() => document.getElementById("rounds-out").dataset.state === "stopped");
      const shown = await shownRounds(page);
      assert.ok(shown.length < 9, "stopped before the last round");
      await until("slhf_requests_cancelled_total to rise", async () => (await metric("slhf_requests_cancelled_total")) > cancelledBefore);
      await until("slhf_num_requests_running back to 0", async () => (await metric("slhf_num_requests_running")) === 0);
      assert.match(await page.textContent("#status"), /Stopped/);
    });

    await check("a bad request shows the API's error message", async () => {
      const req = { prompt: "Sort these words alphabetically: sky sun bread egg", rounds: 99, max_tokens: 48, temperature: 0 };
      await fill(page, req);
      assert.equal(await runAndWait(page), "error");
      const expected = await api("v1/refine", req);
      assert.equal(expected.status, 400);
      assert.equal(await page.textContent("#error"), expected.body.error.message);
      assert.ok(await page.isVisible("#error"));
    });

    await check("behind a path prefix (reverse proxy at " + PREFIX + ")", async () => {
      const prefixErrors = [];
      const p = await openPage(browser, "http://127.0.0.1:" + proxy.address().port + PREFIX, prefixErrors);
      await checkGreedy(p, { prompt: "Write these words in reverse order: flag key cloud cloud leaf rain fish hat cat cake",
        leader: "gpt2-leader", rounds: 2, max_tokens: 48, temperature: 0 }, "prefix");
      assert.deepEqual(outside, [], "no request left the prefix");
      assert.deepEqual(prefixErrors, []);
      await p.close();
    });
  } finally {
    await browser.close();
    proxy.close();
  }
  console.log(failures ? failures + " check(s) failed" : "all checks passed");
  process.exit(failures ? 1 : 0);
}

main().catch((e) => { console.error(e); process.exit(1); });
