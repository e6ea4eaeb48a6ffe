// The replay's player: draws the numbers the export recorded (no recomputation) at one
// position of the iteration. Position p is the number of steps taken, 0 .. 2T + 2, as the
// app's step counter; forward_done[p] and backward_done[p] say how much of each array is drawn.
// A stack (layers, directions) is drawn per key (layer, direction), in `keys` order: one row of
// the diagram, one curve of the gradient plot and one set of heatmaps each; layer_done[p][k]
// is [forward, backward] steps key k has taken in its own order (see replay/record.py).
"use strict";
(function () {
  const { COLOURS, GRADIENT_RAMP, num, numbers, fmt, decode, xTick, ticks, lerpColour, DIVERGING, SEQUENTIAL, rgb, logRange, escapeHtml, forwardDone, backwardDone } = UNROLLED_DRAW;  // draw.js
  const DATA = JSON.parse(document.getElementById("unrolled-data").textContent);
  const REPLAYS = DATA.replays;
  const DPR = () => window.devicePixelRatio || 1;

  function prepare(r) {
    const g = r.gradients;
    r.grad = { total: numbers(g.dh_norm), last: numbers(g.dh_last_norm), cell: numbers(g.dc_norm),
      theory: g.theory ? numbers(g.theory.values) : null };
    r.K = r.keys.length;
    r.stack = r.K > 1;
    // per key: ||dL/dh_t|| as the gradient plot draws it (one layer: trace.npz's dh_norm itself)
    r.layerGrad = r.stack ? g.layer_dh_norm.map(numbers) : [r.grad.total];
    r.layerHNorm = r.layer_h_norm.map(numbers);
    r.maps = r.keys.map(() => ({}));
    r.mapNames = Object.keys(r.heatmaps[0]);
    r.S = r.positions.phase.length - 1;
    r.end = r.positions.phase.lastIndexOf("backward");
    r.lossHistory = numbers(r.loss_history);
    const tr = r.training || {};  // the earlier iterations' gradient norms and accuracy, as the loss
    r.training = { norm_before: numbers(tr.norm_before || []), norm_after: numbers(tr.norm_after || []),
      accuracy: tr.accuracy ? numbers(tr.accuracy) : null };
    r.loss = num(g.loss);
    return r;
  }
  REPLAYS.forEach(prepare);

  // -- the page -----------------------------------------------------------------------------
  const deck = REPLAYS.length > 1 || REPLAYS[0].stop !== undefined;
  const root = document.getElementById("player");
  root.innerHTML = `
    <header>
      <h1 title=""></h1>
      <span class="controls">
        <button data-do="home" title="Home: the start of the iteration">|◀</button>
        <button data-do="back" title="Left: one step back">◀</button>
        <button data-do="play" title="Space: play / pause">play</button>
        <button data-do="next" title="Right: one step">▶</button>
        <button data-do="end" title="End: the end of the backward pass">▶|</button>
        <input type="range" min="0" value="0" aria-label="step">
      </span>
      <span class="where" aria-live="polite"></span>
      <span class="keys">← → PgUp PgDn Home End Space</span>
    </header>
    <p class="about" title="click: the whole text"></p>
    <div class="body${deck ? " deck" : ""}">
      ${deck ? '<section class="stop"></section>' : ""}
      <div class="views">
        <section class="view diagram"><h3>Unrolled network</h3><div class="sub"></div><canvas></canvas></section>
        <section class="view heatmap"><h3><span class="name">Hidden state h</span><span class="choices"></span></h3>
          <div class="sub"></div><canvas></canvas></section>
        <section class="view gradient"><h3>Gradient per timestep <span class="note">log scale</span></h3>
          <div class="legend"></div><canvas></canvas></section>
        <section class="view loss"><h3><span class="name">Loss</span><span class="choices"></span></h3><div class="sub"></div>
          <canvas></canvas></section>
        <section class="view predictions"><h3><span class="name">Step inspector</span> <span class="note">sequence 1</span>
          <span class="choices"><button data-panel="inspector">step inspector</button><button data-panel="predictions">predictions</button></span></h3>
          <div class="table"></div></section>
      </div>
    </div>
    <div class="tip"></div>`;
  const $ = (selector) => root.querySelector(selector);
  const slider = $("input[type=range]");
  const tip = $(".tip");
  const canvases = {
    diagram: $(".diagram canvas"), heatmap: $(".heatmap canvas"), gradient: $(".gradient canvas"), loss: $(".loss canvas"),
  };

  const state = { stop: 0, p: 0, map: "h", key: 0, panel: "inspector", curve: "loss", playing: null };
  const current = () => REPLAYS[state.stop];

  // the key of the cell the last step was taken at, or null outside the passes
  function placeKey(r, p) {
    const layer = r.positions.layer[p];
    return layer === null ? null : layer * r.config.directions + r.positions.direction[p];
  }
  // a stack's curves in ui/plots/layer_curves.py's colours: BLUE's hue, darker the deeper layer
  function layerColour(r, k) {
    const L = r.config.layers, share = L > 1 ? r.keys[k][0] / (L - 1) : 1;
    return `hsl(201.6, 100%, ${(68 + (24 - 68) * share).toFixed(1)}%)`;
  }

  // -- drawing helpers ----------------------------------------------------------------------
  // canvas text follows the page's font size (player.css: larger on a projector): 11 px at 14 px
  let fontPx = 11;
  const measureFont = () => { fontPx = Math.round(11 * parseFloat(getComputedStyle(document.documentElement).fontSize) / 14); };
  // what the canvases drew as text, for tests and embedding: only the labels a test checks
  const drawn = {};
  function context(canvas) {
    const w = canvas.clientWidth, h = canvas.clientHeight, dpr = DPR();
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(h * dpr);
    }
    const ctx = canvas.getContext("2d");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    ctx.font = `${fontPx}px system-ui, 'DejaVu Sans', sans-serif`;
    // u: the text's size against 11 px, for margins that hold text; width(text): measured
    return { ctx, w, h, u: fontPx / 11, width: (text) => Math.ceil(ctx.measureText(text).width) };
  }
  // -- the diagram: one cell per timestep, h above, dL/dh_t below ---------------------------
  // the diagram's bands, top to bottom: the top layer first (the loss reads it), within a
  // layer its forward direction above its reverse
  const bandOrder = (r) => r.keys.map((key, k) => k).sort((a, b) => r.keys[b][0] - r.keys[a][0] || a - b);
  const shortLabel = (r, k) => `L${r.keys[k][0] + 1}${r.config.directions > 1 ? (r.keys[k][1] ? " ←" : " →") : ""}`;
  const EMPTY = "#eef0f3";  // a cell not computed yet
  // per key and t, the colour of a computed cell, made once: h computed (or overflowed), and
  // ||dL/dh_t|| on the log colour ramp shared by every layer
  function diagramFills(r) {
    if (r.fills) return r.fills;
    const [glo, ghi] = logRange(r.layerGrad.flat());
    r.fills = {
      h: r.layerHNorm.map((values) => values.map((v) => (Number.isFinite(v) ? COLOURS.h : COLOURS.overflow))),
      grad: r.layerGrad.map((values) => values.map((g) => (!Number.isFinite(g) ? COLOURS.overflow : g <= 0
        ? rgb(GRADIENT_RAMP[0]) : rgb(lerpColour(GRADIENT_RAMP, (Math.log10(g) - glo) / (ghi - glo || 1)))))),
    };
    return r.fills;
  }
  // one row of T cells; where cells are too narrow for a gap (T = 1000: about a pixel each),
  // neighbours of one colour are one rectangle
  function drawRow(ctx, colourAt, T, left, cw, y, height) {
    if (cw > 6) {
      for (let i = 0; i < T; i++) { ctx.fillStyle = colourAt(i); ctx.fillRect(left + i * cw + 1, y, cw - 2, height); }
      return;
    }
    let from = 0, colour = colourAt(0);
    for (let i = 1; i <= T; i++) {
      const next = i < T ? colourAt(i) : null;
      if (next === colour) continue;
      ctx.fillStyle = colour;
      ctx.fillRect(left + from * cw, y, (i - from) * cw, height);
      from = i;
      colour = next;
    }
  }
  function drawDiagram(r) {
    const { ctx, w, h, u, width } = context(canvases.diagram);
    const T = r.config.T, pos = r.positions, p = state.p;
    const t = pos.t[p], phase = pos.phase[p], here = placeKey(r, p), bands = bandOrder(r);
    const top = Math.round(6 * u), bottom = Math.round(18 * u), bandGap = r.stack ? 6 : 0;
    const cellH = Math.max(3, ((h - top - bottom) - bandGap * (r.K - 1)) / (2 * r.K) - 2);
    // the h and dL/dh labels of every row only where a row holds their text; else the note says it
    const rowLabels = cellH >= fontPx - 1;
    const layerWidth = r.stack ? Math.max(...r.keys.map((key, k) => width(shortLabel(r, k)))) + 8 : 0;
    const left = layerWidth + (rowLabels ? width("dL/dh") + 6 : 0) + 2;
    const right = Math.max(width(fmt(r.loss)), width("L")) + 24;
    const bandH = 2 * cellH + 3 + bandGap;
    const cw = (w - left - right) / T;
    const fills = diagramFills(r);
    ctx.fillStyle = "#5b6473";
    bands.forEach((k, row) => {
      const y0 = top + row * bandH;
      if (r.stack) ctx.fillText(shortLabel(r, k), 2, y0 + cellH + 1 + fontPx / 2.6);
      if (!rowLabels) return;
      ctx.fillText("h", layerWidth + 2, y0 + cellH / 2 + fontPx / 2.6);
      ctx.fillText("dL/dh", layerWidth + 2, y0 + cellH * 1.5 + 3 + fontPx / 2.6);
    });
    drawn.diagramRowLabels = rowLabels;
    bands.forEach((k, row) => {
      const y0 = top + row * bandH, hFill = fills.h[k], gradFill = fills.grad[k];
      drawRow(ctx, (i) => (forwardDone(r, p, k, i) ? hFill[i] : EMPTY), T, left, cw, y0, cellH);
      drawRow(ctx, (i) => (backwardDone(r, p, k, i) ? gradFill[i] : EMPTY), T, left, cw, y0 + cellH + 3, cellH);
      if (t !== null && k === here) {
        const x = left + (t - 1) * cw;
        ctx.strokeStyle = COLOURS.step;
        ctx.lineWidth = 2;
        ctx.strokeRect(x - 1, y0 - 2, Math.max(cw, 3) + 2, 2 * cellH + 7);
      }
    });
    const lossOn = phase === "loss" || phase === "backward" || phase === "update";
    ctx.fillStyle = lossOn ? rgb(GRADIENT_RAMP[1]) : "#eef0f3";
    ctx.fillRect(w - right + 12, top, right - 18, r.K * bandH - bandGap - 3);
    ctx.fillStyle = lossOn ? "#fff" : "#5b6473";
    ctx.fillText("L", w - right + 16, top + fontPx + 3);
    if (lossOn) ctx.fillText(fmt(r.loss), w - right + 16, top + 2 * fontPx + 8);
    ctx.fillStyle = "#5b6473";
    for (const v of ticks(1, T, Math.min(T, Math.floor((w - left - right) / (45 * u))))) {
      if (Number.isInteger(v)) xTick(ctx, String(v), left + (v - 0.5) * cw, h - 4, w - right);
    }
    canvases.diagram.onmousemove = (e) => {
      const i = Math.floor((e.offsetX - left) / cw), row = Math.floor((e.offsetY - top) / bandH);
      if (i < 0 || i >= T || row < 0 || row >= r.K) return hideTip();
      const k = bands[row];
      const lines = [(r.stack ? `${r.key_labels[k]}, ` : "") + `t = ${i + 1}`,
        `‖h_t‖ = ${forwardDone(r, p, k, i) ? fmt(r.layerHNorm[k][i]) : "not computed yet"}`,
        `‖dL/dh_t‖ = ${backwardDone(r, p, k, i) ? fmt(r.layerGrad[k][i]) : "not computed yet"}`];
      showTip(e, lines.join("\n"));
    };
  }

  // -- the heatmap: units down, timesteps across; columns drawn as the forward pass fills them
  function heatmapImage(r, k, name) {
    if (r.maps[k][name]) return r.maps[k][name];
    const m = decode(r.heatmaps[k][name]);
    const gate = !["h", "c"].includes(name) && r.config.cell !== "rnn" && name !== "g" && name !== "n";
    let scale = 1;
    if (!gate) for (const v of m.values) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
    const image = new ImageData(m.T, m.D), px = image.data;
    for (let t = 0; t < m.T; t++) {
      for (let u = 0; u < m.D; u++) {
        const v = m.values[t * m.D + u], k = 4 * (u * m.T + t);
        const c = !Number.isFinite(v) ? [0, 0, 0] : gate ? lerpColour(SEQUENTIAL, v) : lerpColour(DIVERGING, 0.5 + 0.5 * v / scale);
        px[k] = c[0]; px[k + 1] = c[1]; px[k + 2] = c[2]; px[k + 3] = 255;
      }
    }
    const off = document.createElement("canvas");
    off.width = m.T; off.height = m.D;
    off.getContext("2d").putImageData(image, 0, 0);
    r.maps[k][name] = { ...m, canvas: off, gate, scale };
    return r.maps[k][name];
  }
  // the colour bar's two labels, top and bottom: the scale the colours span, whole
  const barLabels = (m) => (m.gate ? ["1", "0"] : [fmt(m.scale), fmt(-m.scale)]);
  function drawHeatmap(r) {
    const { ctx, w, h, u, width } = context(canvases.heatmap);
    const k = state.key, m = heatmapImage(r, k, state.map), done = r.positions.layer_done[state.p][k][0];
    const labels = barLabels(m), labelRoom = Math.max(...labels.map(width));
    // the bar (8 + 10 px), a gap, and the room its labels measure: never cut
    const left = Math.max(width("unit"), width(String(m.D))) + 6, bottom = Math.round(18 * u), top = 4;
    const right = 8 + 10 + 4 + labelRoom + 4, pw = w - left - right, ph = h - top - bottom;
    drawn.heatmap = { labels, labelRoom, labelX: w - right + 22, canvasWidth: w };
    ctx.fillStyle = "#eef0f3";
    ctx.fillRect(left, top, pw, ph);
    ctx.imageSmoothingEnabled = false;
    // the computed columns: t = 1..done, or for a reverse direction t = T - done + 1..T
    const from = r.keys[k][1] ? m.T - done : 0;
    if (done > 0) ctx.drawImage(m.canvas, from, 0, done, m.D, left + pw * from / m.T, top, pw * done / m.T, ph);
    ctx.fillStyle = "#5b6473";
    for (const v of ticks(1, m.T, Math.floor(pw / (45 * u)))) {
      if (Number.isInteger(v)) xTick(ctx, String(v), left + (v - 0.5) * pw / m.T, h - 4, w - right);
    }
    ctx.fillText("unit", 2, top + fontPx);
    ctx.fillText(String(m.D), 2, top + ph);
    const bar = ctx.createLinearGradient(0, top + ph, 0, top);
    const stops = m.gate ? SEQUENTIAL : DIVERGING;
    stops.forEach((c, i) => bar.addColorStop(i / (stops.length - 1), rgb(c)));
    ctx.fillStyle = bar;
    ctx.fillRect(w - right + 8, top, 10, ph);
    ctx.fillStyle = "#5b6473";
    ctx.fillText(labels[0], w - right + 22, top + fontPx - 2);
    ctx.fillText(labels[1], w - right + 22, top + ph);
    const of = r.heatmaps[k][state.map].units_of;
    // what is computed first: a note that is cut loses its end
    $(".heatmap .sub").textContent = (done < m.T ? `computed ${done} of ${m.T} steps · ` : "") +
      (r.stack ? `${r.key_labels[k]}, ` : "") + `sequence 1, t = 1..${m.T} across, ` +
      (m.D < of ? `units 1..${m.D} of D = ${of} down (the file's size limit)` : `D = ${m.D} units down`);
    canvases.heatmap.onmousemove = (e) => {
      const t = Math.floor((e.offsetX - left) / pw * m.T), u = Math.floor((e.offsetY - top) / ph * m.D);
      if (t < 0 || t >= m.T || u < 0 || u >= m.D) return hideTip();
      const v = forwardDone(r, state.p, k, t) ? fmt(m.values[t * m.D + u]) : "not computed yet";
      showTip(e, `${state.map}  t = ${t + 1}, unit ${u + 1}\n${v}`);
    };
  }

  // -- the gradient plot: ||dL/dh_t|| on a log axis, the theory line beside it ------------------
  function curvesOf(r) {
    if (r.stack) {  // one curve per layer and direction, as the app's gradient plot draws a stack
      // the legend's label short (L2 ←), the tooltip's whole (layer 2 reverse)
      return r.keys.map((key, k) => ({ key: "total", k, label: shortLabel(r, k), name: `‖dL/dh_t‖ ${r.key_labels[k]}`,
        values: r.layerGrad[k], colour: layerColour(r, k), dash: key[1] ? [5, 3] : null }));
    }
    const g = r.grad, c = [{ key: "total", label: "‖dL/dh_t‖ (trace.npz dh_norm)", values: g.total }];
    if (g.last) c.push({ key: "last", label: "‖dL_T/dh_t‖ (the last step's loss)", values: g.last });
    if (g.cell) c.push({ key: "cell", label: "‖dL/dc_t‖", values: g.cell, dash: [4, 3] });
    if (g.theory) c.push({ key: "theory", label: r.gradients.theory.label, values: g.theory, dash: [6, 4] });
    return c;
  }
  function drawGradient(r) {
    const { ctx, w, h, u, width } = context(canvases.gradient);
    const T = r.config.T, bDone = r.positions.backward_done[state.p], curves = curvesOf(r);
    const [lo0, hi0] = logRange(curves.flatMap((c) => c.values));
    const lo = Math.floor(lo0), hi = Math.ceil(hi0);
    const left = Math.max(width(`1e${lo}`), width(`1e${hi}`)) + 10, right = Math.round(20 * u), top = 8;
    const bottom = Math.round(18 * u), pw = w - left - right, ph = h - top - bottom;
    const X = (t) => left + (t - 1) / Math.max(1, T - 1) * pw;
    const Y = (v) => top + (hi - Math.log10(v)) / (hi - lo || 1) * ph;
    ctx.strokeStyle = "#eef0f3";
    ctx.fillStyle = "#5b6473";
    const every = Math.max(1, Math.ceil((hi - lo) / Math.max(2, ph / 22)));
    for (let e = lo; e <= hi; e += every) {
      ctx.beginPath(); ctx.moveTo(left, Y(10 ** e)); ctx.lineTo(w - right, Y(10 ** e)); ctx.stroke();
      ctx.fillText(`1e${e}`, 4, Y(10 ** e) + 4);
    }
    for (const v of ticks(1, T, Math.floor(pw / (50 * u)))) {
      if (Number.isInteger(v)) xTick(ctx, String(v), X(v), h - 4, w);
    }
    ctx.strokeStyle = "#9aa1ad";
    ctx.strokeRect(left, top, pw, ph);
    const theoryOn = bDone > 0, p = state.p;
    // where a curve is computed: a stack's per key; one layer's all from t = T down, with the top's dh_norm
    const shownAt = (c, i) => (c.key === "theory" ? theoryOn : c.k !== undefined ? backwardDone(r, p, c.k, i) : i >= T - bDone);
    zeroNote(r, curves, ctx, left, top, pw, ph, shownAt);
    for (const c of curves) {
      const colour = c.colour || COLOURS[c.key];
      ctx.strokeStyle = colour;
      ctx.lineWidth = c.key === "total" ? 2 : 1.5;
      ctx.setLineDash(c.dash || []);
      ctx.beginPath();
      let pen = false;
      for (let i = 0; i < T; i++) {
        const v = c.values[i];
        if (!shownAt(c, i) || !(v > 0 && Number.isFinite(v))) { pen = false; continue; }
        if (pen) ctx.lineTo(X(i + 1), Y(v)); else ctx.moveTo(X(i + 1), Y(v));
        pen = true;
      }
      ctx.stroke();
      ctx.setLineDash([]);
      if (c.key !== "theory" && T <= 120) {
        ctx.fillStyle = colour;
        for (let i = 0; i < T; i++) {
          const v = c.values[i];
          if (shownAt(c, i) && v > 0 && Number.isFinite(v)) ctx.fillRect(X(i + 1) - 2, Y(v) - 2, 4, 4);
        }
      }
      for (let i = 0; i < T; i++) {  // overflow: drawn at the top edge, labelled
        if (c.key !== "theory" && shownAt(c, i) && !Number.isFinite(c.values[i])) {
          ctx.fillStyle = COLOURS.overflow;
          ctx.fillText(Number.isNaN(c.values[i]) ? "nan" : "inf", X(i + 1) - 6, top + 10);
        }
      }
    }
    const t = r.positions.t[state.p];
    if (t !== null) {
      ctx.strokeStyle = COLOURS.step;
      ctx.beginPath(); ctx.moveTo(X(t), top); ctx.lineTo(X(t), top + ph); ctx.stroke();
    }
    canvases.gradient.onmousemove = (e) => {
      const i = Math.round((e.offsetX - left) / pw * (T - 1));
      if (i < 0 || i >= T) return hideTip();
      const lines = [`t = ${i + 1}`].concat(curves.map((c) =>
        `${c.key === "theory" ? "theory" : (c.name || c.label).split(" (")[0]} = ${shownAt(c, i) ? fmt(c.values[i]) : "not computed yet"}`));
      showTip(e, lines.join("\n"));
    };
  }
  // a log axis has no 0: gradients that are exactly 0 are said in words over the plot, not
  // left as a blank plot (a saturated output, or a loss of exactly 0)
  function zeroNote(r, curves, ctx, left, top, pw, ph, shownAt) {
    let zeros = 0, others = 0;
    for (const c of curves) {
      if (c.key === "theory") continue;
      c.values.forEach((v, i) => { if (shownAt(c, i)) { if (v === 0) zeros++; else others++; } });
    }
    drawn.gradientNote = zeros === 0 ? "" : others === 0
      ? "every gradient computed so far is exactly 0: nothing to draw on a log axis"
      : `${zeros} gradient norm${zeros > 1 ? "s are" : " is"} exactly 0: not drawn on the log axis`;
    if (!drawn.gradientNote) return;
    ctx.fillStyle = "#b42318";
    ctx.fillText(drawn.gradientNote, left + 8, top + (others === 0 ? ph / 2 : ph - 6));
  }
  function legend(r) {
    // a dashed curve has a dashed swatch; a stack's curves are one quantity, named once
    $(".gradient .legend").innerHTML = (r.stack ? "<span>‖dL/dh_t‖:</span>" : "") + curvesOf(r).map((c) =>
      `<span title="${escapeHtml(c.name || c.label)}"><i class="${c.dash ? "dash" : ""}" ` +
      `style="border-color:${c.colour || COLOURS[c.key]}"></i>${escapeHtml(c.label)}</span>`).join("");
  }

  // -- the training curves: the earlier iterations' loss (then this one's once computed), their
  // gradient norm before and after clipping, their accuracy: what the app's Training panel shows
  const CURVES = { loss: "loss", norm: "gradient norm", accuracy: "accuracy" };
  function trainingSeries(r, known) {
    const tr = r.training;
    if (state.curve === "norm") {
      return [{ label: "before clipping", values: tr.norm_before, colour: COLOURS.total },
        { label: "after clipping", values: tr.norm_after, colour: COLOURS.last, dash: [5, 3] }];
    }
    if (state.curve === "accuracy") return [{ label: "accuracy", values: tr.accuracy, colour: COLOURS.cell }];
    return [{ label: "loss", values: r.lossHistory.concat(known ? [r.loss] : []), colour: COLOURS.loss }];
  }
  function drawLoss(r) {
    const { ctx, w, h, u, width } = context(canvases.loss);
    const phase = r.positions.phase[state.p], known = ["loss", "backward", "update"].includes(phase);
    const series = trainingSeries(r, known), n = r.lossHistory.length + (state.curve === "loss" ? 1 : 0);
    const finite = series.flatMap((c) => c.values).filter(Number.isFinite).concat(state.curve === "loss" ? [r.loss] : [])
      .filter(Number.isFinite);
    let lo = Math.min(0, ...finite), hi = state.curve === "accuracy" ? 1 : Math.max(...finite, 1e-12) * 1.1;
    if (!Number.isFinite(hi) || hi <= 1e-12) hi = 1;  // a loss of exactly 0 is drawn on 0..1
    if (!Number.isFinite(lo)) lo = 0;
    const yTicks = ticks(lo, hi, Math.max(2, Math.floor((h - 26) / (25 * u))));
    const left = Math.max(...yTicks.map((v) => width(fmt(v)))) + 10, right = 12, top = 8, bottom = Math.round(18 * u);
    const pw = w - left - right, ph = h - top - bottom;
    const X = (k) => left + (n <= 1 ? pw / 2 : (k - 1) / (n - 1) * pw), Y = (v) => top + (hi - v) / (hi - lo) * ph;
    ctx.fillStyle = "#5b6473";
    for (const v of yTicks) ctx.fillText(fmt(v), 4, Y(v) + fontPx / 2.6);
    for (const k of ticks(1, Math.max(n, 1), Math.min(n - 1, Math.floor(pw / (50 * u))) || 1)) {
      if (Number.isInteger(k)) xTick(ctx, String(k), X(k), h - 4, w);
    }
    ctx.strokeStyle = "#9aa1ad";
    ctx.strokeRect(left, top, pw, ph);
    for (const c of series) {
      ctx.strokeStyle = c.colour;
      ctx.setLineDash(c.dash || []);
      ctx.beginPath();
      c.values.forEach((v, i) => (i ? ctx.lineTo(X(i + 1), Y(v)) : ctx.moveTo(X(i + 1), Y(v))));
      ctx.stroke();
      ctx.setLineDash([]);
    }
    if (known && state.curve === "loss") {  // this iteration's point: an open circle until its update, as the app
      ctx.strokeStyle = ctx.fillStyle = COLOURS.step;
      ctx.lineWidth = 2;
      ctx.beginPath(); ctx.arc(X(n), Y(r.loss), 4, 0, 2 * Math.PI);
      if (phase === "update") ctx.fill(); else ctx.stroke();
      ctx.lineWidth = 1;
    }
    $(".loss .sub").textContent = state.curve === "loss"
      ? `iteration ${r.iteration}: ` + (known ? `L = ${fmt(r.loss)}` : "after the forward pass")
      : `iterations 1..${r.lossHistory.length} of the training` +
        (state.curve === "norm" ? ": before clipping (solid), after (dashed)" : "");
    canvases.loss.onmousemove = (e) => {
      const k = n <= 1 ? 1 : Math.round((e.offsetX - left) / pw * (n - 1)) + 1;
      if (k < 1 || k > series[0].values.length) return hideTip();
      showTip(e, [`iteration ${k}`, ...series.map((c) => `${c.label} = ${fmt(c.values[k - 1])}`)].join("\n"));
    };
  }

  // the bottom panel's tables (tables.js): HTML from the recorded numbers
  function drawPredictions(r) {
    $(".predictions .table").innerHTML = UNROLLED_TABLES.predictionsHtml(r, state.p);
  }
  function drawInspector(r) {
    // the layer the heatmap shows: the last step's (go() follows it), or the one chosen since
    $(".predictions .table").innerHTML = UNROLLED_TABLES.inspectorHtml(r, state.p, state.key);
  }

  // -- the header, the stop, the whole frame ------------------------------------------------------
  const PHASE_TEXT = { ready: "ready", forward: "forward", loss: "loss", backward: "backward", update: "update" };
  function where(r) {
    const pos = r.positions, p = state.p, t = pos.t[p], phase = pos.phase[p];
    let text = `step ${p} / ${r.S} · <b>${PHASE_TEXT[phase]}</b>`;
    const k = placeKey(r, p), layer = k !== null && r.stack ? ` ${shortLabel(r, k)},` : "";  // short: the status has a fixed width
    if (phase === "forward") text += `${layer} t = ${t}: ‖h_${t}‖ = ${fmt(r.layerHNorm[k][t - 1])}`;
    else if (phase === "backward") text += `${layer} t = ${t}: ‖dL/dh_${t}‖ = ${fmt(r.layerGrad[k][t - 1])}`;
    else if (phase === "loss") text += `: L = ${fmt(r.loss)}`;
    else if (phase === "update") text += ": the weights took their step";
    return text;
  }
  function showStop(r) {
    const c = r.config;
    const cell = c.cell === "rnn" ? `${c.activation} RNN` : c.cell.toUpperCase();
    $("header h1").textContent = $("header h1").title = r.title || "unrolled";
    const depth = r.stack ? `${c.layers} layer${c.layers > 1 ? "s" : ""}${c.directions > 1 ? ", bidirectional" : ""}, ` : "";
    $(".diagram .sub").textContent = `${cell}, ${depth}T = ${c.T}, D = ${c.D}, ${c.mode}, ${c.loss}` +
      (c.cell === "rnn" && c.rho > 0 ? `, ρ(U) = ${c.rho}` : "") + " · h_t computed · ‖dL/dh_t‖ (log colour)" +
      (r.stack ? " · a row per layer and direction, the top layer first, each h above dL/dh" : "");
    // a single replay says what it is (a preset's explanation; an own model's random input and
    // its own predictions as targets); a deck says it in the stop's text
    const about = $(".about");
    about.textContent = deck ? "" : r.description || "";
    about.onclick = () => about.classList.toggle("open");
    $(".loss .choices").innerHTML = r.lossHistory.length ? Object.entries(CURVES).filter(([name]) =>
      name !== "accuracy" || r.training.accuracy).map(([name, text]) => `<button data-curve="${name}">${text}</button>`).join("") : "";
    if (!r.lossHistory.length || (state.curve === "accuracy" && !r.training.accuracy)) state.curve = "loss";
    // a diagram row pair per layer and direction: the diagram gets the height its rows need
    $(".views").style.setProperty("--diagram-rows", `${Math.round(r.K * (r.K > 6 ? 19 : 22) + 60 + 2 * fontPx)}px`);
    const choices = $(".heatmap .choices");
    choices.innerHTML = (r.stack ? r.keys.map((key, k) => `<button data-key="${k}">${shortLabel(r, k)}</button>`).join("") : "") +
      r.mapNames.map((name) => `<button data-map="${name}">${name}</button>`).join("");
    if (!r.mapNames.includes(state.map)) state.map = "h";
    state.key = r.K - c.directions;  // the top layer's forward direction, which the readout reads first
    $(".views").classList.toggle("stack", r.stack);
    legend(r);
    slider.max = String(r.S);
    const stop = $(".stop");
    if (stop) {  // the stop's text comes as HTML from the export (lesson_text.text_html, escaped there)
      const s = r.stop || { title: r.title, html: `<p>${escapeHtml(r.description || "")}</p>` };
      stop.innerHTML = `<div class="count">${escapeHtml(r.title || "")} · stop ${state.stop + 1} of ${REPLAYS.length}</div>` +
        `<h2>${escapeHtml(s.title || "")}</h2>${s.html}`;
    }
  }
  function draw() {
    const r = current();
    measureFont();
    drawn.fontPx = fontPx;
    const status = $("header .where");
    status.innerHTML = where(r);
    status.title = status.textContent;
    slider.value = String(state.p);
    for (const b of root.querySelectorAll(".choices button[data-map]")) b.setAttribute("aria-pressed", String(b.dataset.map === state.map));
    for (const b of root.querySelectorAll(".choices button[data-key]")) b.setAttribute("aria-pressed", String(Number(b.dataset.key) === state.key));
    for (const b of root.querySelectorAll(".choices button[data-curve]")) b.setAttribute("aria-pressed", String(b.dataset.curve === state.curve));
    $(".heatmap .name").textContent = state.map === "h" ? "Hidden state h" : state.map === "c" ? "Cell state c" : `Gate ${state.map}`;
    // after training the buttons name the curve shown; the heading stays short beside them
    $(".loss .name").textContent = r.lossHistory.length ? "Training" : "Loss";
    drawDiagram(r);
    drawHeatmap(r);
    drawGradient(r);
    drawLoss(r);
    for (const b of root.querySelectorAll("[data-panel]")) b.setAttribute("aria-pressed", String(b.dataset.panel === state.panel));
    $(".predictions .name").textContent = state.panel === "inspector" ? "Step inspector" : "Predictions against targets";
    if (state.panel === "inspector") drawInspector(r); else drawPredictions(r);
  }

  // -- moving ------------------------------------------------------------------------------------
  function go(step, stop) {
    if (stop !== undefined && stop !== state.stop) {
      if (state.playing !== null) play();
      if (!(Number.isInteger(stop) && stop >= 0 && stop < REPLAYS.length)) throw new RangeError(`no stop ${stop}`);
      state.stop = stop;
      showStop(current());
    }
    const r = current();
    if (!Number.isInteger(step)) throw new TypeError(`go(step): got ${step}, expected a whole number`);
    state.p = Math.min(Math.max(step, 0), r.S);
    const here = placeKey(r, state.p);
    if (here !== null) state.key = here;  // the heatmap and the inspector follow the cell being stepped
    draw();
    return api.state();
  }
  function by(delta) {
    return go(state.p + delta);
  }
  // PageDown steps up to the stop's `until`, then goes to the next stop's landing place, as
  // the app's lesson mode; outside a deck it steps like Right
  const landing = (r) => (r.stop ? r.stop.at : r.start || 0);
  function page(delta) {
    const r = current();
    if (!r.stop) return by(delta);
    if (delta > 0 && state.p >= Math.max(r.stop.until, landing(r))) {
      return state.stop < REPLAYS.length - 1 ? go(landing(REPLAYS[state.stop + 1]), state.stop + 1) : api.state();
    }
    if (delta < 0 && state.p <= landing(r) && state.stop > 0) return go(landing(REPLAYS[state.stop - 1]), state.stop - 1);
    return by(delta);
  }
  function play() {
    if (state.playing !== null) {
      clearInterval(state.playing);
      state.playing = null;
    } else {
      const per = Math.max(1, Math.ceil(current().S / 300));  // a whole iteration in about 12 s
      if (state.p >= current().S) go(0);
      state.playing = setInterval(() => {
        if (state.p >= current().S) return play();
        go(Math.min(state.p + per, current().S));
      }, 40);
    }
    $("[data-do=play]").textContent = state.playing !== null ? "pause" : "play";
  }
  const KEYS = {
    ArrowRight: () => by(1), ArrowLeft: () => by(-1), PageDown: () => page(1), PageUp: () => page(-1),
    Home: () => go(0), End: () => go(current().end), " ": play,
  };
  const timings = [], frames = [];
  document.addEventListener("keydown", (e) => {
    const action = KEYS[e.key];
    if (!action || e.altKey || e.ctrlKey || e.metaKey) return;
    e.preventDefault();
    const start = performance.now();
    action();
    timings.push(performance.now() - start);  // the handler: every canvas call of the new frame done
    // from the key event's own time stamp to the next frame, which shows what was drawn
    requestAnimationFrame(() => frames.push(performance.now() - e.timeStamp));
  });
  root.addEventListener("click", (e) => {
    const button = e.target.closest("button");
    if (!button) return;
    if (button.dataset.map) { state.map = button.dataset.map; draw(); return; }
    if (button.dataset.key) { state.key = Number(button.dataset.key); draw(); return; }
    if (button.dataset.panel) { state.panel = button.dataset.panel; draw(); return; }
    if (button.dataset.curve) { state.curve = button.dataset.curve; draw(); return; }
    ({ home: KEYS.Home, back: KEYS.ArrowLeft, next: KEYS.ArrowRight, end: KEYS.End, play })[button.dataset.do]();
    button.blur();  // the keys keep working after a click
  });
  slider.addEventListener("input", () => go(Number(slider.value)));
  function showTip(e, text) {
    tip.textContent = text;
    tip.style.display = "block";
    tip.style.left = `${Math.min(e.clientX + 12, window.innerWidth - tip.offsetWidth - 4)}px`;
    tip.style.top = `${e.clientY + 14}px`;
  }
  function hideTip() { tip.style.display = "none"; }
  for (const canvas of Object.values(canvases)) canvas.addEventListener("mouseleave", hideTip);
  new ResizeObserver(() => draw()).observe(root);

  const api = {
    // {step, phase, t, dh_norm} of what is drawn: dh_norm[i] is ||dL/dh_{i+1}|| as trace.npz's
    // dh_norm (a stack: of the top layer's output, both directions), null where the backward pass
    // has not computed it yet (every entry before the loss). A stack adds layer and direction of
    // the last step (null outside the passes) and layer_dh_norm: per key of `keys`, its curve as drawn
    state() {
      const r = current(), p = state.p, T = r.config.T, done = r.positions.backward_done[p];
      const dh = r.grad.total.map((v, i) => (i >= T - done ? v : null));
      const out = { step: p, phase: r.positions.phase[p], t: r.positions.t[p], dh_norm: dh, stop: state.stop };
      if (r.stack) {
        Object.assign(out, { layer: r.positions.layer[p], direction: r.positions.direction[p], keys: r.keys,
          layer_dh_norm: r.layerGrad.map((values, k) => values.map((v, i) => (backwardDone(r, p, k, i) ? v : null))) });
      }
      return out;
    },
    go,
    steps: () => current().S,
    stops: () => REPLAYS.length,
    timings,
    frames,
    drawn,  // the text the canvases drew last: the heatmap's colour-bar labels, the gradient plot's note
    readyMs: 0,  // from the page's start to its first frame drawn, set below
  };
  window.unrolled = api;
  measureFont();
  showStop(current());
  go(landing(current()));
  api.readyMs = performance.now();
})();
