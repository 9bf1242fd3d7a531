// Word-level difference between two rounds: which words of the new round are not in a longest
// common subsequence with the previous round (inserted or changed), and which old words were dropped.
// Whitespace is kept verbatim so the rendered round is exactly the text the API returned.
"use strict";
window.WordDiff = (function () {
  // Above this many cell comparisons the table would cost too much memory in a browser tab;
  // such long rounds are then shown without highlighting rather than freezing the page.
  const MAX_CELLS = 4000000;

  function tokens(text) {
    return text.split(/(\s+)/).filter((t) => t.length > 0);
  }

  function isSpace(t) {
    return /^\s+$/.test(t);
  }

  /**
   * Returns {parts, changed, removed}: parts in order, each {text, kind} with kind "same",
   * "space", "changed" (a word of the new round) or "removed" (a word of the old one only).
   */
  function compare(oldText, newText) {
    const oldWords = tokens(oldText).filter((t) => !isSpace(t));
    const newTokens = tokens(newText);
    const newWords = newTokens.filter((t) => !isSpace(t));
    const n = oldWords.length, m = newWords.length;
    if ((n + 1) * (m + 1) > MAX_CELLS) {
      return { parts: newTokens.map((t) => ({ text: t, kind: isSpace(t) ? "space" : "same" })), changed: 0, removed: 0, skipped: true };
    }
    // lcs[i][j] = length of the LCS of oldWords[i..] and newWords[j..]
    const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i][j] = oldWords[i] === newWords[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    // walk the table: for each new word, the old words dropped just before it, then its own kind
    const wordKinds = [];
    const removedBefore = [];
    let i = 0, j = 0, pending = [];
    while (j < m) {
      if (i < n && oldWords[i] === newWords[j]) {
        removedBefore.push(pending); pending = []; wordKinds.push("same"); i++; j++;
      } else if (i < n && lcs[i + 1][j] >= lcs[i][j + 1]) {
        pending.push(oldWords[i]); i++;
      } else {
        removedBefore.push(pending); pending = []; wordKinds.push("changed"); j++;
      }
    }
    while (i < n) { pending.push(oldWords[i]); i++; }
    const parts = [];
    let w = 0, changed = 0, removed = 0;
    for (const t of newTokens) {
      if (isSpace(t)) { parts.push({ text: t, kind: "space" }); continue; }
      for (const r of removedBefore[w]) { parts.push({ text: r, kind: "removed" }); removed++; }
      if (wordKinds[w] === "changed") changed++;
      parts.push({ text: t, kind: wordKinds[w] });
      w++;
    }
    for (const r of pending) { parts.push({ text: r, kind: "removed" }); removed++; }
    return { parts, changed, removed, skipped: false };
  }

  /** Fills `el` with the new text, changed words in <ins class="changed">, removed ones as markers. */
  function render(el, oldText, newText) {
    const d = compare(oldText, newText);
    el.textContent = "";
    for (const p of d.parts) {
      if (p.kind === "changed") {
        const ins = document.createElement("ins");
        ins.className = "changed";
        ins.textContent = p.text;
        el.appendChild(ins);
      } else if (p.kind === "removed") {
        const span = document.createElement("span");
        span.className = "removed";
        span.dataset.removed = p.text;
        span.title = "removed: " + p.text;
        el.appendChild(span);
      } else {
        el.appendChild(document.createTextNode(p.text));
      }
    }
    return d;
  }

  return { compare, render };
})();
