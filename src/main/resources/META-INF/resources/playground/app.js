// The playground: fills the pickers from v1/models, streams a refinement from v1/refine and shows
// each round as it arrives. Every URL is relative so the page works behind a path prefix.
"use strict";
(function () {
  const KEY_STORAGE = "slhf-playground-api-key";
  // Verified against the bundled demo models with temperature 0 (README, Playground): the final
  // round is the right answer. The demo only knows these six list tasks.
  const EXAMPLES = [
    { label: "Sort numbers ascending", prompt: "Put these numbers in ascending order: 14 70 40 75 31 59 42 29 45" },
    { label: "Sort numbers descending", prompt: "Sort these numbers from largest to smallest: 94 82 15 58 86 65 56 90 79" },
    { label: "Reverse words (GPT-2-style leader)", prompt: "Write these words in reverse order: flag key cloud cloud leaf rain fish hat cat cake", leader: "gpt2-leader" },
    { label: "Reverse numbers", prompt: "Reverse the order of these numbers: 32 42 17 12 53 63 71 20" },
    { label: "Sort words", prompt: "Sort these words alphabetically: sky sun bread egg" },
    { label: "Keep the even numbers (GPT-2-style leader)", prompt: "Keep only the even numbers from this list: 34 76 18 59 30 61 64 25 51 47 53 42 10 91", leader: "gpt2-leader" },
    { label: "Refine a pasted draft", prompt: "Sort these numbers from largest to smallest: 40 82 25 15 77", draft: "82 75 40 25 15" },
  ];

  const $ = (id) => document.getElementById(id);
  const out = $("rounds-out");
  let controller = null;

  function apiKey() {
    return $("api-key").value.trim();
  }

  function headers(extra) {
    const h = Object.assign({}, extra);
    if (apiKey()) h["Authorization"] = "Bearer " + apiKey();
    return h;
  }

  function showError(message) {
    const el = $("error");
    el.textContent = message;
    el.hidden = false;
  }

  function clearError() {
    $("error").hidden = true;
    $("error").textContent = "";
  }

  function setStatus(text) {
    $("status").textContent = text;
  }

  /** The API's own message from an error body, or the HTTP status when the body is not the OpenAI shape. */
  async function errorMessage(response) {
    const text = await response.text();
    try {
      const body = JSON.parse(text);
      if (body && body.error && body.error.message) return body.error.message;
    } catch (ignored) { /* not JSON: fall through */ }
    return "HTTP " + response.status + (text ? ": " + text.slice(0, 300) : "");
  }

  function option(select, id, text) {
    const o = document.createElement("option");
    o.value = id;
    o.textContent = text || id;
    select.appendChild(o);
  }

  // v1/models lists loaded models, then upstream leaders (owned_by "upstream"), then the
  // refinement pipeline id last; the pipeline is not a model that can lead or follow.
  async function loadModels() {
    const response = await fetch("v1/models", { headers: headers({}) });
    if (response.status === 401) {
      $("key-row").hidden = false;
      showError(await errorMessage(response));
      return false;
    }
    if (!response.ok) {
      showError(await errorMessage(response));
      return false;
    }
    const cards = (await response.json()).data.slice(0, -1);
    const leader = $("leader"), follower = $("follower");
    leader.textContent = ""; follower.textContent = "";
    option(leader, "", "server default");
    option(follower, "", "server default");
    for (const c of cards) {
      const upstream = c.owned_by === "upstream";
      option(leader, c.id, upstream ? c.id + " (upstream)" : c.id);
      if (!upstream) option(follower, c.id);
    }
    clearError();
    return true;
  }

  function numberField(body, name, id, parse) {
    const raw = $(id).value.trim();
    if (raw !== "") body[name] = parse(raw);
  }

  function requestBody() {
    const body = {};
    const prompt = $("prompt").value, system = $("system").value;
    if (system.trim()) body.messages = [{ role: "system", content: system }, { role: "user", content: prompt }];
    else body.prompt = prompt;
    if ($("leader").value) body.leader = $("leader").value;
    if ($("follower").value) body.follower = $("follower").value;
    if ($("draft").value.trim()) body.draft = $("draft").value;
    numberField(body, "rounds", "rounds", (v) => Number(v));
    numberField(body, "max_tokens", "max-tokens", (v) => Number(v));
    numberField(body, "temperature", "temperature", (v) => Number(v));
    numberField(body, "top_p", "top-p", (v) => Number(v));
    numberField(body, "top_k", "top-k", (v) => Number(v));
    numberField(body, "seed", "seed", (v) => Number(v));
    if ($("stop-unchanged").checked) body.stop_when_unchanged = true;
    if ($("ignore-eos").checked) body.ignore_eos = true;
    body.stream = true;
    return body;
  }

  /** One round's panel: heading, stats line, text. */
  function roundPanel(start) {
    const panel = document.createElement("article");
    panel.className = "round running";
    panel.dataset.round = start.round;
    const h = document.createElement("h3");
    h.textContent = "Round " + start.round + " · " + start.role + (start.model ? " · " + start.model : "");
    const stats = document.createElement("p");
    stats.className = "stats";
    stats.textContent = "generating…";
    const text = document.createElement("pre");
    text.className = "round-text";
    text.setAttribute("aria-label", "Round " + start.round + " text");
    panel.append(h, stats, text);
    out.appendChild(panel);
    return { panel, stats, text, streamed: "" };
  }

  function finishRound(view, round, previousText) {
    view.panel.classList.remove("running");
    const fmt = (ms) => (ms == null ? "–" : ms.toFixed(1) + " ms");
    let line = "latency " + fmt(round.latency_ms) + " · TTFT " + fmt(round.ttft_ms)
      + " · " + round.completion_tokens + " tokens" + (round.finish_reason ? " · " + round.finish_reason : "");
    if (previousText == null) {
      view.text.textContent = round.text;
    } else {
      const d = WordDiff.render(view.text, previousText, round.text);
      line += d.skipped ? " · too long to compare"
        : d.changed || d.removed ? " · " + d.changed + " word(s) new or changed, " + d.removed + " removed"
        : " · unchanged";
    }
    view.stats.textContent = line;
  }

  async function run(event) {
    event.preventDefault();
    if (controller) return;
    clearError();
    out.textContent = "";
    out.dataset.state = "running";
    controller = new AbortController();
    $("run").disabled = true;
    $("stop").disabled = false;
    setStatus("Refining…");
    const views = new Map();
    let lastText = null, outcome = "done";
    try {
      const response = await fetch("v1/refine", {
        method: "POST",
        headers: headers({ "Content-Type": "application/json", Accept: "text/event-stream" }),
        body: JSON.stringify(requestBody()),
        signal: controller.signal,
      });
      if (!response.ok) {
        outcome = "error";
        showError(await errorMessage(response));
        return;
      }
      await SseReader.read(response, (name, data) => {
        const payload = JSON.parse(data);
        if (name === "round.start") {
          views.set(payload.round, roundPanel(payload));
          setStatus("Round " + payload.round + " (" + payload.role + ")…");
        } else if (name === "delta") {
          const v = views.get(payload.round);
          v.streamed += payload.text;
          v.text.textContent = v.streamed;
        } else if (name === "round.end") {
          finishRound(views.get(payload.round), payload, lastText);
          lastText = payload.text;
        } else if (name === "error") {
          outcome = "error";
          showError(payload.error && payload.error.message ? payload.error.message : data);
        } else if (name === "done") {
          const u = payload.usage;
          setStatus("Done: " + payload.rounds.length + " round(s), " + u.total_tokens + " tokens in total.");
        }
      });
    } catch (e) {
      if (e.name === "AbortError") {
        outcome = "stopped";
        setStatus("Stopped: the server cancelled the refinement.");
      } else {
        outcome = "error";
        showError("The request failed: " + e.message);
      }
    } finally {
      for (const v of views.values()) v.panel.classList.remove("running");
      out.dataset.state = outcome;
      if (outcome === "error") setStatus("");
      controller = null;
      $("run").disabled = false;
      $("stop").disabled = true;
    }
  }

  // Aborting the fetch closes the connection; the server cancels the running round on disconnect.
  function stop() {
    if (controller) controller.abort();
  }

  function init() {
    const stored = localStorage.getItem(KEY_STORAGE);
    if (stored) { $("api-key").value = stored; $("key-row").hidden = false; }
    $("api-key").addEventListener("change", () => {
      const k = apiKey();
      if (k) localStorage.setItem(KEY_STORAGE, k); else localStorage.removeItem(KEY_STORAGE);
      loadModels();
    });
    for (const ex of EXAMPLES) {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "example";
      b.textContent = ex.label;
      b.title = ex.prompt;
      b.addEventListener("click", () => {
        $("prompt").value = ex.prompt;
        $("system").value = "";
        $("draft").value = ex.draft || "";
        // the settings under which the example was checked: greedy, 2 rounds, 48 tokens, default follower
        $("temperature").value = "0";
        $("rounds").value = "2";
        $("max-tokens").value = "48";
        $("follower").value = "";
        $("ignore-eos").checked = false;
        if ([...$("leader").options].some((o) => o.value === (ex.leader || ""))) $("leader").value = ex.leader || "";
        $("prompt").focus();
      });
      $("examples").appendChild(b);
    }
    $("form").addEventListener("submit", run);
    $("stop").addEventListener("click", stop);
    $("stacked").addEventListener("change", (e) => {
      out.classList.toggle("stacked", e.target.checked);
      out.classList.toggle("side", !e.target.checked);
    });
    document.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); $("form").requestSubmit(); }
      if (e.key === "Escape" && controller) { e.preventDefault(); stop(); }
    });
    loadModels().catch((e) => showError("Could not list the models: " + e.message));
  }

  init();
})();
