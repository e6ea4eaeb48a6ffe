// The step inspector's and the predictions' tables as HTML, from the recorded numbers at a
// position p (inlined after draw.js, before player.js); every text escaped here.
"use strict";
const UNROLLED_TABLES = (function () {
  const { fmt, num, escapeHtml, forwardDone, backwardDone } = UNROLLED_DRAW;

  // -- predictions: a row once its y_t is computed, the rows around the current t ---------------
  function predictionsHtml(r, p) {
    const rows = r.predictions, fDone = r.positions.forward_done[p], t = r.positions.t[p] || fDone || 1;
    const at = Math.max(0, rows.findIndex((row) => row[0] >= t));
    const first = Math.max(0, Math.min(at - 4, rows.length - 12));
    const shown = rows.slice(first, first + 12).map((row) => {
      const computed = row[0] <= fDone && row[3] !== "";
      const verdict = !computed || row[2] === "" ? "" : row[3] === row[2] ? "right" : "wrong";
      const cells = [row[0], row[1], row[2], computed ? row[3] : "…", computed && row[4] !== "nan" ? fmt(num(row[4])) : ""];
      return `<tr class="${row[0] === t ? "now" : ""}">` + cells.map((c, i) =>
        `<td class="${i === 3 ? verdict : ""}">${escapeHtml(String(c))}</td>`).join("") + "</tr>";
    });
    return "<table class='rows'><thead><tr><th>t</th><th>input</th><th>target</th><th>predicted</th>" +
      "<th>p</th></tr></thead><tbody>" + shown.join("") + "</tbody></table>";
  }

  // -- the step inspector: the equations at the current t with the engine's values ---------------
  function inspectedT(r, p) {
    const pos = r.positions, phase = pos.phase[p];
    if (pos.t[p] !== null) return pos.t[p];
    return phase === "loss" || phase === "update" ? r.config.T : 1;
  }
  function quantityRow(q) {
    const range = q.low === null && q.high === null ? "" : `[${fmt(q.low)}, ${fmt(q.high)}]`;
    const shown = q.values ? q.values.map(fmt).join("  ") : range;
    return `<tr><td>${escapeHtml(q.symbol)}</td><td>${escapeHtml(q.shape)}</td><td>‖·‖ = ${fmt(q.norm)}</td>` +
      `<td>${escapeHtml(shown)}</td><td>${escapeHtml(q.words || "")}</td></tr>`;
  }
  function lineHtml(line) {
    const head = `<div class="eq"><b>${escapeHtml(line.title)}</b> <code>${escapeHtml(line.formula)}</code>` +
      (line.shapes ? ` <span class="note">${escapeHtml(line.shapes)}</span>` : "") +
      (line.note ? ` <span class="note">${escapeHtml(line.note)}</span>` : "") + "</div>";
    return head + (line.quantities.length ? `<table>${line.quantities.map(quantityRow).join("")}</table>` : "");
  }
  // the cell at (key k, the current t) at position p
  function inspectorHtml(r, p, k) {
    if (!r.inspector) return "<p class='note'>The step inspector is left out at this size (T·D² beyond the export's limit).</p>";
    const t = inspectedT(r, p), T = r.config.T;
    const forward = forwardDone(r, p, k, t - 1) ? r.inspector[k][t - 1].forward : [];
    const backward = backwardDone(r, p, k, t - 1) ? r.inspector[k][t - 1].backward : [];
    const parts = [`<div class="eq"><b>t = ${t}</b> of T = ${T}${r.stack ? `, ${escapeHtml(r.key_labels[k])}` : ""}</div>`];
    if (backward.length) parts.push("<div class='pass'>backward</div>", ...backward.map(lineHtml));
    if (forward.length) parts.push("<div class='pass'>forward</div>", ...forward.map(lineHtml));
    if (!forward.length && !backward.length) parts.push("<p class='note'>Nothing computed at this timestep yet.</p>");
    return parts.join("");
  }

  return Object.freeze({ predictionsHtml, inspectorHtml });
})();
