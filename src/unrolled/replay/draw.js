// The replay's drawing helpers, shared by player.js (inlined before it): number formats,
// colours, ticks, which timesteps a position has computed; pure functions of their arguments,
// no page state.
"use strict";
const UNROLLED_DRAW = (function () {
  // the app's colours (ui/theme.py: Okabe and Ito's palette; the diagram's gradient ramp; overflow)
  const COLOURS = { total: "#0072B2", last: "#E69F00", cell: "#009E73", theory: "#7f7f7f", h: "#56B4E9",
    step: "#D55E00", overflow: "#ff00ff", loss: "#0072B2" };
  const GRADIENT_RAMP = [[253, 217, 176], [165, 15, 21]];
  // JSON has no inf or nan: the export writes them as the strings "inf", "-inf", "nan"
  const num = (v) => (typeof v === "string" ? (v === "nan" ? NaN : v === "inf" ? Infinity : -Infinity) : v);
  const numbers = (list) => (list === null ? null : list.map(num));
  function fmt(v) {
    if (v === null || v === undefined) return "—";
    if (Number.isNaN(v)) return "nan";
    if (!Number.isFinite(v)) return v > 0 ? "inf" : "−inf";
    const a = Math.abs(v);
    return a !== 0 && (a < 1e-3 || a >= 1e4) ? v.toExponential(3) : String(+v.toPrecision(4));
  }
  function decode(map) {
    const bytes = Uint8Array.from(atob(map.data), (c) => c.charCodeAt(0));
    const values = map.dtype === "f8" ? new Float64Array(bytes.buffer) : new Float32Array(bytes.buffer);
    return { T: map.shape[0], D: map.shape[1], values };
  }
  // a tick label centred under x, kept inside the canvas (the last tick is not cut at the edge)
  function xTick(ctx, text, x, y, w) {
    const width = ctx.measureText(text).width;
    ctx.fillText(text, Math.min(Math.max(x - width / 2, 1), w - width - 1), y);
  }
  function ticks(lo, hi, most) {
    const span = hi - lo, raw = span / Math.max(1, most), mag = Math.pow(10, Math.floor(Math.log10(raw || 1)));
    const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) || raw;
    const out = [];
    for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9 * span; v += step) out.push(+v.toPrecision(10));
    return out;
  }
  function lerpColour(stops, x) {
    const f = Math.min(Math.max(x, 0), 1) * (stops.length - 1), i = Math.min(Math.floor(f), stops.length - 2);
    const u = f - i, a = stops[i], b = stops[i + 1];
    return [0, 1, 2].map((k) => Math.round(a[k] + (b[k] - a[k]) * u));
  }
  const DIVERGING = [[33, 102, 172], [146, 197, 222], [247, 247, 247], [244, 165, 130], [178, 24, 43]];
  const SEQUENTIAL = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
  const rgb = (c) => `rgb(${c[0]},${c[1]},${c[2]})`;

  function logRange(values) {
    const logs = values.filter((v) => v > 0 && Number.isFinite(v)).map(Math.log10);
    if (!logs.length) return [-1, 1];
    let lo = Math.min(...logs), hi = Math.max(...logs);
    if (hi - lo < 1) { lo -= 0.5; hi += 0.5; }
    return [lo, hi];
  }
  function escapeHtml(text) {
    return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
  }
  // which timesteps (0-based, natural time) of key k are computed at position p: a forward
  // direction's pass fills t = 1.. going forward and t = T.. going back; a reverse one the opposite
  function forwardDone(r, p, k, i) {
    const n = r.positions.layer_done[p][k][0];
    return r.keys[k][1] ? i >= r.config.T - n : i < n;
  }
  function backwardDone(r, p, k, i) {
    const n = r.positions.layer_done[p][k][1];
    return r.keys[k][1] ? i < n : i >= r.config.T - n;
  }

  return Object.freeze({ COLOURS, GRADIENT_RAMP, num, numbers, fmt, decode, xTick, ticks, lerpColour, DIVERGING,
    SEQUENTIAL, rgb, logRange, escapeHtml, forwardDone, backwardDone });
})();
