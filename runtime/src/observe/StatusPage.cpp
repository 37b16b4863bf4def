// The status page at /: one self-contained HTML page (no external assets,
// so it works on a machine without internet access) that polls
// /status.json every second and draws the plan, per-pipeline rates and lag
// as small time-series charts, state sizes, the latest checkpoint and
// errors. The browser test (test/run/status_page.test) reads its DOM.
#include "runtime/src/observe/Views.h"

namespace weir::rt {

const char *statusPageHtml() {
  return R"HTML(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>weir status</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
 body{font:14px/1.4 system-ui,sans-serif;margin:16px 24px;color:#1d2330;background:#f7f8fa}
 h1{font-size:20px;margin:0 0 4px} h2{font-size:15px;margin:18px 0 6px}
 .muted{color:#667} .ok{color:#16803c} .bad{color:#b42318}
 table{border-collapse:collapse;background:#fff;box-shadow:0 1px 2px #0001}
 td,th{padding:4px 10px;border-bottom:1px solid #e6e8ee;text-align:right;white-space:nowrap}
 td:first-child,th:first-child{text-align:left} th{font-weight:600;background:#eef1f6}
 svg text{font:12px system-ui,sans-serif} .spark{vertical-align:middle}
 #plan{background:#fff;box-shadow:0 1px 2px #0001}
 .grid{display:flex;flex-wrap:wrap;gap:24px}
</style></head><body>
<h1 id="program">weir</h1>
<div id="summary" class="muted">connecting…</div>
<h2>Plan</h2><svg id="plan" width="900" height="80"></svg>
<div class="grid">
 <div><h2>Pipelines</h2><table id="pipelines"><thead><tr><th>pipeline</th><th>rows</th><th>rows/s</th><th>last 2 min</th></tr></thead><tbody></tbody></table></div>
 <div><h2>Sources</h2><table id="sources"><thead><tr><th>source</th><th>records</th><th>records/s</th><th>bad</th><th>last 2 min</th></tr></thead><tbody></tbody></table></div>
</div>
<div class="grid">
 <div><h2>State</h2><table id="states"><thead><tr><th>state</th><th>keys</th><th>memory</th><th>spilled keys</th><th>timers</th></tr></thead><tbody></tbody></table></div>
 <div><h2>Lag</h2><table id="lag"><thead><tr><th>what</th><th>lag</th><th>last 2 min</th></tr></thead><tbody></tbody></table></div>
</div>
<h2>Checkpoints</h2><div id="checkpoints" class="muted">none</div>
<h2>Errors</h2><div id="errors" class="muted">none</div>
<script>
"use strict";
const history = []; // {t, s: status}
const keep = 120;
const el = (id) => document.getElementById(id);
const fmt = (n) => n >= 1e9 ? (n/1e9).toFixed(1)+"G" : n >= 1e6 ? (n/1e6).toFixed(1)+"M" : n >= 1e4 ? (n/1e3).toFixed(1)+"k" : String(Math.round(n*10)/10);
const bytes = (n) => n >= 1<<30 ? (n/(1<<30)).toFixed(1)+" GiB" : n >= 1<<20 ? (n/(1<<20)).toFixed(1)+" MiB" : n >= 1024 ? (n/1024).toFixed(1)+" KiB" : n+" B";
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({"&":"&amp;","<":"&lt;",">":"&gt;",'"':"&quot;"}[c]));
// Per-second rates of a cumulative count, over the kept samples.
function series(pick) {
  const out = [];
  for (let i = 1; i < history.length; ++i) {
    const dt = history[i].t - history[i-1].t, a = pick(history[i-1].s), b = pick(history[i].s);
    if (dt > 0 && a !== undefined && b !== undefined) out.push(Math.max(0, (b - a) / dt));
  }
  return out;
}
function gauge(pick) { return history.map((h) => pick(h.s)).filter((v) => v !== undefined); }
function spark(values) {
  const w = 160, h = 28;
  if (values.length < 2) return `<svg class="spark" width="${w}" height="${h}"></svg>`;
  const max = Math.max(...values, 1e-9);
  const pts = values.map((v, i) => `${(i*(w-2)/(values.length-1)+1).toFixed(1)},${(h-2-(v/max)*(h-4)).toFixed(1)}`).join(" ");
  return `<svg class="spark" width="${w}" height="${h}"><polyline fill="none" stroke="#2563eb" stroke-width="1.5" points="${pts}"/></svg>`;
}
function drawPlan(s) {
  const cols = [[], [], [], []]; // sources, stages, states, sinks
  s.sources.forEach((x, i) => cols[0].push({id: "so"+i, label: x.name, sub: fmt(x.records)+" records"}));
  s.plan.stages.forEach((x, i) => cols[1].push({id: "st"+i, label: x.name, sub: x.kind}));
  s.states.forEach((x, i) => cols[2].push({id: "sa"+i, label: x.name, sub: fmt(x.keys)+" keys · "+bytes(x.resident_bytes)}));
  s.sinks.forEach((x, i) => cols[3].push({id: "si"+i, label: x.name, sub: fmt(x.rows)+" rows"}));
  const bw = 200, bh = 40, gx = 30, gy = 12, pos = {};
  const rows = Math.max(1, ...cols.map((c) => c.length));
  const height = rows * (bh + gy) + gy, svg = el("plan");
  svg.setAttribute("height", height);
  svg.setAttribute("width", 4 * (bw + gx) + gx);
  const fills = ["#e0ecff", "#fff4d6", "#e7f6ec", "#f3e8ff"];
  let boxes = "", edges = "";
  cols.forEach((c, ci) => c.forEach((b, bi) => {
    const x = gx + ci * (bw + gx), y = gy + bi * (bh + gy);
    pos[b.id] = {x, y};
    boxes += `<g><rect x="${x}" y="${y}" width="${bw}" height="${bh}" rx="6" fill="${fills[ci]}" stroke="#8892a6"/>` +
      `<text x="${x+8}" y="${y+16}" font-weight="600">${esc(b.label).slice(0, 28)}</text>` +
      `<text x="${x+8}" y="${y+32}" fill="#556">${esc(b.sub)}</text></g>`;
  }));
  const edge = (a, b) => {
    if (!pos[a] || !pos[b]) return;
    const x1 = pos[a].x + bw, y1 = pos[a].y + bh/2, x2 = pos[b].x, y2 = pos[b].y + bh/2;
    edges += `<path d="M${x1},${y1} C${x1+gx},${y1} ${x2-gx},${y2} ${x2},${y2}" fill="none" stroke="#8892a6"/>`;
  };
  s.plan.stages.forEach((st, i) => {
    if (st.source >= 0) edge("so"+st.source, "st"+i);
    if (st.reads_state >= 0) edge("sa"+st.reads_state, "st"+i);
    st.writes_states.forEach((w) => edge("st"+i, "sa"+w.index));
    st.sinks.forEach((w) => edge("st"+i, "si"+w.index));
  });
  svg.innerHTML = edges + boxes;
}
function render(s) {
  el("program").textContent = "weir · " + s.program;
  document.title = "weir · " + s.program;
  const state = s.finished ? (s.exit_code === 0 ? '<span class="ok">finished</span>' : '<span class="bad">failed (exit ' + s.exit_code + ')</span>') : '<span class="ok">running</span>';
  el("summary").innerHTML = `${state} · trigger ${esc(s.trigger)} · up ${s.uptime_seconds.toFixed(0)} s` + (s.stage ? " · stage " + esc(s.stage) : "") + (s.batches ? " · " + s.batches + " batches" : "");
  drawPlan(s);
  el("pipelines").tBodies[0].innerHTML = s.sinks.map((x, i) => {
    const r = x.rows_per_second;
    return `<tr class="pipeline" data-name="${esc(x.name)}"><td>${esc(x.name)}</td><td>${fmt(x.rows)}</td><td class="rate" data-value="${r}">${fmt(r)}</td><td>${spark(series((t) => t.sinks[i].rows))}</td></tr>`;
  }).join("");
  el("sources").tBodies[0].innerHTML = s.sources.map((x, i) => {
    const r = x.records_per_second;
    return `<tr class="source" data-name="${esc(x.name)}"><td>${esc(x.name)}</td><td>${fmt(x.records)}</td><td class="rate" data-value="${r}">${fmt(r)}</td><td>${fmt(x.bad)} (${esc(x.on_error)})</td><td>${spark(series((t) => t.sources[i].records))}</td></tr>`;
  }).join("");
  el("states").tBodies[0].innerHTML = s.states.map((x) => `<tr><td>${esc(x.name)}</td><td>${fmt(x.keys)}</td><td>${bytes(x.resident_bytes)}</td><td>${fmt(x.spilled_keys)}</td><td>${fmt(x.timers_pending)}</td></tr>`).join("");
  const lag = [];
  s.clocks.forEach((c, i) => { if (c.watermark_lag_seconds !== undefined) lag.push(`<tr><td>watermark of ${esc(c.state)}</td><td>${c.watermark_lag_seconds.toFixed(1)} s</td><td>${spark(gauge((t) => t.clocks[i] && t.clocks[i].watermark_lag_seconds))}</td></tr>`); });
  s.partitions.forEach((p, i) => { if (p.lag !== undefined) lag.push(`<tr><td>${esc(p.source)} partition ${p.partition}</td><td>${fmt(p.lag)} records</td><td>${spark(gauge((t) => t.partitions[i] && t.partitions[i].lag))}</td></tr>`); });
  el("lag").tBodies[0].innerHTML = lag.join("") || '<tr><td colspan="3" class="muted">no event-time clock or Kafka source</td></tr>';
  const cp = s.checkpoints;
  el("checkpoints").textContent = cp.count ? `${cp.count} checkpoints; latest at ${new Date(cp.last_ms).toISOString()}` + (cp.mean_seconds !== undefined ? `, ${(cp.mean_seconds*1000).toFixed(1)} ms on average` : "") : "none";
  el("errors").innerHTML = s.errors.length ? s.errors.map((e) => `<div class="bad">${esc(e.message)}</div>`).join("") : "none";
}
async function poll() {
  try {
    const r = await fetch("status.json", {cache: "no-store"});
    const s = await r.json();
    history.push({t: s.uptime_seconds, s}); // the run's clock: rates need real seconds
    if (history.length > keep) history.shift();
    render(s);
  } catch (e) {
    el("summary").innerHTML = '<span class="bad">the run is not answering (it may have ended)</span>';
  }
}
poll();
setInterval(poll, 1000);
</script></body></html>
)HTML";
}

} // namespace weir::rt
