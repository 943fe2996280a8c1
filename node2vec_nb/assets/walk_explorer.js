// The walk explorer of node2vec_nb.walk_explorer: plain JavaScript, no library, no network.
// Python draws the graph (inline SVG) and embeds its data as JSON; this script makes it move. It runs once per
// explorer, on that explorer's root element, so several explorers on one page never share state.
function n2vWalkExplorer(root) {
  "use strict";
  if (!root || root.n2vReady) return;
  root.n2vReady = true;
  const D = JSON.parse(root.querySelector("script.n2v-data").textContent);
  const KINDS = D.kinds, SVGNS = "http://www.w3.org/2000/svg";
  const near = D.nbrs.map(a => new Set(a));               // near[t].has(x): is x a neighbour of t?
  const q$ = sel => root.querySelector(sel), all$ = sel => Array.from(root.querySelectorAll(sel));
  const svg = q$("svg.n2v-svg"), nodeEl = all$("g.n2v-node"), nodeLayer = q$("g.n2v-nodes");
  const lawLayer = q$("g.n2v-law"), trailLayer = q$("g.n2v-trail"), walker = q$("circle.n2v-walker");
  const cameLine = q$("line.n2v-came"), tagT = q$("text.n2v-tag-t"), tagV = q$("text.n2v-tag-v");
  const ui = {
    p: q$("input.n2v-p"), q: q$("input.n2v-q"), pVal: q$(".n2v-pval"), qVal: q$(".n2v-qval"),
    pBias: q$(".n2v-pbias"), qBias: q$(".n2v-qbias"), t: q$("select.n2v-t"), v: q$("select.n2v-v"),
    at: q$(".n2v-at"), split: q$(".n2v-split .n2v-stack"), splitNums: all$(".n2v-split > span"),
    bars: q$(".n2v-bars"), walk: q$("button.n2v-go"), many: q$("button.n2v-many"), reset: q$("button.n2v-reset"),
    seed: q$("input.n2v-seed"), n: q$(".n2v-n"), measured: q$(".n2v-measured"), exact: q$(".n2v-exact"),
    heads: all$(".n2v-head"), count: all$(".n2v-count"), mshare: all$(".n2v-mshare"), eshare: all$(".n2v-eshare"),
    status: q$(".n2v-status"),
  };
  const S = { p: D.p, q: D.q, t: D.t, v: D.v, seed: D.seed, rng: null, counts: [0, 0, 0], expected: [0, 0, 0],
              steps: [], timer: null };

  // mulberry32: a small, fast, seeded generator of uniform numbers in [0, 1)
  function generator(seed) {
    let a = seed >>> 0;
    return function () {
      a = (a + 0x6D2B79F5) >>> 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  // The exact law of the next step: the formula of node2vec_nb.walk.transition_probabilities, over v's neighbours
  // in the graph's order, with the same operations in the same order, so the numbers are the same as Python's.
  function law(t, v) {
    const xs = D.nbrs[v], w = D.w[v];
    const kind = xs.map(x => (x === t ? 0 : near[t].has(x) ? 1 : 2));          // return, stay, outward
    const score = xs.map((x, k) => w[k] * (kind[k] === 0 ? 1 / S.p : kind[k] === 1 ? 1.0 : 1 / S.q));
    let total = 0;
    for (const s of score) total += s;
    const prob = score.map(s => s / total);
    const split = [0, 0, 0];
    prob.forEach((pr, k) => { split[kind[k]] += pr; });
    return { xs, kind, prob, split };
  }

  // One random step from (t, v): draw x by inverting the cumulative law; count its kind and add the exact chances.
  function step() {
    const L = law(S.t, S.v), u = S.rng();
    let k = 0, acc = 0;
    for (; k < L.prob.length - 1; k++) { acc += L.prob[k]; if (u < acc) break; }
    const x = L.xs[k], from = S.v;
    S.counts[L.kind[k]] += 1;
    for (let c = 0; c < 3; c++) S.expected[c] += L.split[c];
    S.steps.push(S.t, S.v, x);
    S.t = S.v; S.v = x;
    return from;
  }

  function heaviest(x) {                                   // x's neighbour along its heaviest edge
    let best = -1, bw = -Infinity;
    D.nbrs[x].forEach((y, k) => { if (D.w[x][k] > bw) { bw = D.w[x][k]; best = y; } });
    return best;
  }
  function fmt(x) { return String(+x.toPrecision(3)); }
  function share(x) { return x.toFixed(3); }
  function esc(s) { return String(s).replace(/[&<>"]/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]); }
  function say(text) { ui.status.textContent = text; }
  function setLine(l, a, b) {
    l.setAttribute("x1", D.x[a]); l.setAttribute("y1", D.y[a]); l.setAttribute("x2", D.x[b]); l.setAttribute("y2", D.y[b]);
  }
  function addLine(layer, a, b, attrs) {
    const l = document.createElementNS(SVGNS, "line");
    setLine(l, a, b);
    for (const k in attrs) l.setAttribute(k, attrs[k]);
    layer.appendChild(l);
  }
  function stack(el, parts) {
    const total = parts[0] + parts[1] + parts[2];
    el.innerHTML = parts.map((x, k) => `<span class="n2v-k${k}" style="width:${total > 0 ? 100 * x / total : 0}%"></span>`).join("");
  }

  function render() {
    const L = law(S.t, S.v);
    // sliders and the biases they set
    ui.pVal.textContent = fmt(S.p); ui.qVal.textContent = fmt(S.q);
    ui.p.setAttribute("aria-valuetext", "p = " + fmt(S.p)); ui.q.setAttribute("aria-valuetext", "q = " + fmt(S.q));
    ui.pBias.textContent = "return ×" + fmt(1 / S.p); ui.qBias.textContent = "outward ×" + fmt(1 / S.q);
    // menus: v among the nodes with neighbours, t among v's neighbours
    ui.v.value = String(S.v);
    ui.t.innerHTML = D.nbrs[S.v].slice().sort((a, b) => D.order[a] - D.order[b])
      .map(x => `<option value="${x}">${esc(D.nodes[x])}</option>`).join("");
    ui.t.value = String(S.t);
    ui.at.textContent = D.nodes[S.v];
    // the graph: nodes in play marked and on top, edges to v's neighbours as wide as their probability
    const order = L.xs.map((x, k) => k).sort((a, b) => L.prob[b] - L.prob[a] || D.order[L.xs[a]] - D.order[L.xs[b]]);
    const shown = order.slice(0, D.bars).map(k => L.xs[k]);
    nodeEl.forEach((g, i) => g.setAttribute("class", "n2v-node" + (D.named[i] ? " n2v-named" : "")));
    L.xs.forEach((x, k) => nodeEl[x].classList.add("n2v-x" + L.kind[k]));
    shown.forEach(x => nodeEl[x].classList.add("n2v-inplay"));
    nodeEl[S.t].classList.add("n2v-t", "n2v-inplay");
    nodeEl[S.v].classList.add("n2v-v", "n2v-inplay");
    for (const i of [...shown, S.t, S.v]) nodeLayer.appendChild(nodeEl[i]);
    lawLayer.textContent = "";
    L.xs.forEach((x, k) => addLine(lawLayer, S.v, x, { class: "n2v-l" + L.kind[k],
                                                       "stroke-width": (1.5 + D.law_width * L.prob[k]).toFixed(2) }));
    setLine(cameLine, S.t, S.v);
    tagT.setAttribute("x", D.x[S.t]); tagT.setAttribute("y", D.y[S.t] - D.r[S.t] - 5);
    tagV.setAttribute("x", D.x[S.v]); tagV.setAttribute("y", D.y[S.v] - D.r[S.v] - 5);
    walker.setAttribute("cx", D.x[S.v]); walker.setAttribute("cy", D.y[S.v]);
    // the trail: the last steps taken, fading
    trailLayer.textContent = "";
    for (let j = 0; j < Math.min(S.steps.length / 3, 12); j++) {
      const s = S.steps.length - 3 * (j + 1);
      addLine(trailLayer, S.steps[s + 1], S.steps[s + 2], { "stroke-width": 2.5, opacity: (0.55 * (1 - j / 12)).toFixed(2) });
    }
    // the next-step law: split by kind, then one bar per neighbour, most likely first
    stack(ui.split, L.split);
    ui.splitNums.forEach((el, c) => { el.innerHTML = `${KINDS[c]} <b>${share(L.split[c])}</b>`; });
    const top = L.prob[order[0]];
    let bars = shown.map((x, j) => {
      const k = order[j];
      return `<span class="n2v-name n2v-c${L.kind[k]}" data-i="${x}" title="${esc(D.nodes[x])}: ${KINDS[L.kind[k]]}">` +
        `${esc(D.nodes[x])}</span><span class="n2v-track"><span class="n2v-k${L.kind[k]}" ` +
        `style="width:${(100 * L.prob[k] / top).toFixed(2)}%"></span></span><span class="n2v-num">${L.prob[k].toFixed(3)}</span>`;
    }).join("");
    if (order.length > D.bars) {
      const rest = order.slice(D.bars).reduce((a, k) => a + L.prob[k], 0);
      bars += `<span class="n2v-more">and ${order.length - D.bars} more neighbours, together ${rest.toFixed(3)}</span>`;
    }
    ui.bars.innerHTML = bars;
    // the tally: measured shares against their exact expectation
    const n = S.counts[0] + S.counts[1] + S.counts[2];
    ui.n.textContent = n.toLocaleString("en-US") + (n === 1 ? " step" : " steps");
    stack(ui.measured, S.counts); stack(ui.exact, S.expected);
    for (let c = 0; c < 3; c++) {
      ui.count[c].textContent = S.counts[c].toLocaleString("en-US");
      ui.mshare[c].textContent = n ? share(S.counts[c] / n) : "–";
      ui.eshare[c].textContent = n ? share(S.expected[c] / n) : "–";
      ui.eshare[c].title = n ? `expected ${S.expected[c].toFixed(1)} steps` : "";
    }
    ui.walk.textContent = S.timer ? "Stop" : `Walk ${D.walk_length} steps`;
    root.classList.toggle("n2v-walking", !!S.timer);
    // full-precision numbers, for tests and tools (the page shows them rounded)
    root.dataset.law = JSON.stringify({ p: S.p, q: S.q, t: D.nodes[S.t], v: D.nodes[S.v],
      next: L.xs.map((x, k) => [D.nodes[x], L.prob[k], KINDS[L.kind[k]]]) });
    root.dataset.tally = JSON.stringify({ p: S.p, q: S.q, seed: S.seed, n, counts: S.counts, expected: S.expected });
    root.dataset.steps = S.steps.join(",");
  }

  function stopWalk() { clearTimeout(S.timer); S.timer = null; }
  function clearTally() { stopWalk(); S.counts = [0, 0, 0]; S.expected = [0, 0, 0]; S.steps = []; }
  function rewind() { S.rng = generator(S.seed); clearTally(); }
  function setState(t, v, why) { S.t = t; S.v = v; render(); say(why); }

  function choose(i) {                                     // a click on node i (or a choice in the v menu)
    stopWalk();
    if (i === S.v) { render(); say(`The walker is already at ${D.nodes[i]}: click one of its neighbours to step there.`); return; }
    if (near[S.v].has(i)) { setState(S.v, i, `Stepped from ${D.nodes[S.v]} to ${D.nodes[i]}.`); return; }
    if (!D.nbrs[i].length) { render(); say(`${D.nodes[i]} has no neighbours, so no walk stands there.`); return; }
    const t = near[i].has(S.t) ? S.t : heaviest(i);
    setState(t, i, `Jumped to ${D.nodes[i]}, coming from ${D.nodes[t]}. Click a neighbour to step on.`);
  }

  function walk() {                                        // animate walk_length steps, one at a time
    if (S.timer) { stopWalk(); render(); say("Stopped."); return; }
    let left = D.walk_length;
    const still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    const glide = still ? 0 : 280, pause = still ? 40 : 140;       // no sliding for readers who ask for less motion
    function next() {
      if (left-- <= 0) { S.timer = null; render(); say(`Walked ${D.walk_length} steps; the walker is at ${D.nodes[S.v]}.`); return; }
      const from = step(), to = S.v, t0 = performance.now();
      function slide(now) {                                // the walker slides along the edge it takes
        if (!S.timer) return;
        const f = Math.min(1, (now - t0) / glide);
        walker.setAttribute("cx", D.x[from] + f * (D.x[to] - D.x[from]));
        walker.setAttribute("cy", D.y[from] + f * (D.y[to] - D.y[from]));
        if (f < 1) requestAnimationFrame(slide);
      }
      if (glide) requestAnimationFrame(slide);
      S.timer = setTimeout(() => { render(); S.timer = setTimeout(next, pause); }, glide);
    }
    S.timer = setTimeout(next, 0);
    render();
  }

  // wiring
  // Keys typed in the explorer's controls are the controls' own: a notebook (JupyterLab's command mode) must not take
  // the arrow keys of a slider or a menu to move between cells.
  root.addEventListener("keydown", e => { if (e.target.closest("input, select, button")) e.stopPropagation(); });
  ui.heads.forEach((el, c) => { el.textContent = KINDS[c]; });
  ui.v.innerHTML = D.nodes.map((name, i) => [name, i]).filter(([, i]) => D.nbrs[i].length)
    .sort((a, b) => D.order[a[1]] - D.order[b[1]]).map(([name, i]) => `<option value="${i}">${esc(name)}</option>`).join("");
  nodeEl.forEach((g, i) => g.addEventListener("click", () => choose(i)));
  ui.bars.addEventListener("click", e => { const el = e.target.closest(".n2v-name"); if (el) choose(+el.dataset.i); });
  ui.v.addEventListener("change", () => choose(+ui.v.value));
  ui.t.addEventListener("change", () => { stopWalk(); setState(+ui.t.value, S.v, `The walker now comes from ${D.nodes[+ui.t.value]}.`); });
  for (const name of ["p", "q"]) {
    ui[name].value = String(Math.log2(S[name]));
    ui[name].addEventListener("input", () => {
      S[name] = Math.pow(2, +ui[name].value);
      clearTally(); render();
      say(`${name} = ${fmt(S[name])}: the tally starts again.`);
    });
  }
  ui.walk.addEventListener("click", walk);
  ui.many.addEventListener("click", () => {
    stopWalk();
    for (let i = 0; i < 1000; i++) step();
    render(); say(`Took 1,000 steps; the walker is now at ${D.nodes[S.v]}.`);
  });
  ui.reset.addEventListener("click", () => {               // back to where the tally began, generator rewound
    if (S.steps.length) { S.t = S.steps[0]; S.v = S.steps[1]; }
    rewind(); render();
    say(`Back to ${D.nodes[S.v]} from ${D.nodes[S.t]}; tally cleared; generator rewound to seed ${S.seed}.`);
  });
  ui.seed.value = String(S.seed);
  ui.seed.addEventListener("change", () => {
    const s = Number(ui.seed.value);
    if (!Number.isInteger(s) || s < 0 || s > 4294967295) { ui.seed.value = String(S.seed); say("A seed is a whole number from 0 to 4294967295."); return; }
    S.seed = s; rewind(); render(); say(`Seed ${s}: the tally starts again.`);
  });
  // text in the drawing keeps its size on screen however wide the drawing is shown
  const rescale = () => { if (svg.clientWidth) root.style.setProperty("--n2v-scale", (D.view[0] / svg.clientWidth).toFixed(3)); };
  if (window.ResizeObserver) new ResizeObserver(rescale).observe(svg);
  rescale();
  rewind();
  render();
  root.classList.add("n2v-live");                          // shows the panel; also tells tests the script ran
}
