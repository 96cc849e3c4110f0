// The script the HTML report runs in the browser: it reads the embedded report model and draws the three charts of
// each currency with uPlot (inlined beside it, chart-lib.generated.ts). It is plain ES2017 text rather than compiled
// TypeScript so that the page's bytes are the same from src/ (vitest) and dist/ (the CLI), and so that its
// sha256 in the page's Content-Security-Policy is stable. test/report/html-browser.test.ts runs it in Chromium.
// It sets <html data-charts="ready"> once every chart has drawn, or "error" with a visible message.
// The text is a TypeScript template literal: no backticks in it, and "${" only for the colours below.

/** Colours of the charts; the browser test looks for the solid fills among the screenshot's pixels. */
export const CHART_COLOURS = {
  actual: '#1f4e8c',
  forecast: '#b45309',
  band: '#fde7c7',
  bandEdge: '#f0b86e',
  gap: '#e5e7eb',
  bar: '#3b6fb6',
  increase: '#c2410c',
  decrease: '#15803d',
} as const;

export const CLIENT_JS = `(function () {
'use strict';
var C = ${JSON.stringify(CHART_COLOURS)};
var root = document.documentElement;
var plots = [];
var pending = 0;
function fail(err) {
  root.setAttribute('data-charts', 'error');
  var el = document.getElementById('chart-error');
  if (el) { el.hidden = false; el.textContent = 'The charts could not be drawn: ' + (err && err.message ? err.message : String(err)); }
}
function num(s) { return s === null || s === undefined ? null : Number(s); }
function group(v, places) {
  var parts = Math.abs(v).toFixed(places).split('.');
  parts[0] = parts[0].replace(/\\B(?=(\\d{3})+(?!\\d))/g, ',');
  return (v < 0 ? '-' : '') + parts.join('.');
}
function money(v, cur) { return v === null || v === undefined ? '-' : group(v, 2) + ' ' + cur; }
function compact(v) {
  var a = Math.abs(v);
  if (a >= 1e6) return group(v / 1e6, 1) + 'M';
  if (a >= 1e4) return group(v / 1e3, 0) + 'k';
  if (a >= 1e3) return group(v / 1e3, 1) + 'k';
  return group(v, a > 0 && a < 10 ? 2 : 0);
}
function dayTs(d) { return Date.parse(d + 'T00:00:00Z') / 1000; }
function clip(s) { return s.length > 28 ? s.slice(0, 27) + '\\u2026' : s; }
function forecastFor(report, cur) {
  var f = report.forecast.filter(function (x) { return x.currency === cur; })[0];
  if (!f && report.currencies.length === 1) f = report.forecast.filter(function (x) { return x.currency === null; })[0];
  return f || null;
}
function breakdownFor(report, s) {
  return s.breakdowns.filter(function (b) { return b.dimension === report.by; })[0] || s.breakdowns[0] || null;
}
function width(el) { return Math.max(260, Math.floor(el.getBoundingClientRect().width)); }
function mount(el, opts, data, height) {
  var drawn = false;
  pending++;
  opts.width = width(el);
  opts.height = height;
  opts.hooks = opts.hooks || {};
  opts.hooks.draw = (opts.hooks.draw || []).concat(function () {
    if (drawn) return;
    drawn = true;
    el.setAttribute('data-drawn', 'true');
    if (--pending === 0) root.setAttribute('data-charts', 'ready');
  });
  plots.push({ el: el, height: height, u: new uPlot(opts, data, el) });
}
function empty(el, text) { el.textContent = text; el.className += ' plot-empty'; }

function daily(el, report, s) {
  var f = forecastFor(report, s.currency);
  var rows = {};
  function row(day) { return rows[day] || (rows[day] = { a: null, p10: null, p50: null, p90: null }); }
  s.daily.forEach(function (d) { row(d.day).a = num(d.cost); });
  if (f) f.days.forEach(function (d) { var r = row(d.day); r.p10 = num(d.p10); r.p50 = num(d.p50); r.p90 = num(d.p90); });
  // the band starts at the last invoiced day, so history and forecast join without a hole
  var last = s.daily[s.daily.length - 1];
  if (f && f.days.length && last && rows[last.day].p50 === null) {
    var r0 = rows[last.day]; r0.p10 = r0.p50 = r0.p90 = r0.a;
  }
  var days = Object.keys(rows).sort();
  if (!days.length) return empty(el, 'No daily cost in the period.');
  var pick = function (k) { return days.map(function (d) { return rows[d][k]; }); };
  var cur = s.currency;
  var fmt = function (u, v) { return money(v, cur); };
  var gaps = report.coverage.gaps;
  mount(el, {
    tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'); },
    scales: { x: { time: true }, y: { range: function (u, min, max) { return [0, max > 0 ? max * 1.08 : 1]; } } },
    axes: [{}, { size: 56, values: function (u, splits) { return splits.map(compact); } }],
    series: [
      { label: 'day', value: '{YYYY}-{MM}-{DD}' },
      { label: 'P90', stroke: C.bandEdge, width: 1, points: { show: false }, value: fmt },
      { label: 'P10', stroke: C.bandEdge, width: 1, points: { show: false }, value: fmt },
      { label: 'forecast P50', stroke: C.forecast, width: 2, dash: [6, 4], points: { show: false }, value: fmt },
      { label: 'invoiced', stroke: C.actual, width: 2, points: { size: 5, fill: C.actual }, value: fmt }
    ],
    bands: [{ series: [1, 2], fill: C.band }],
    hooks: { drawClear: [function (u) {
      // days no input covers, shaded under the lines (coverage.gaps, inclusive days)
      var ctx = u.ctx;
      ctx.save();
      ctx.fillStyle = C.gap;
      gaps.forEach(function (g) {
        var x0 = u.valToPos(dayTs(g.from) - 43200, 'x', true);
        var x1 = u.valToPos(dayTs(g.to) + 43200, 'x', true);
        ctx.fillRect(x0, u.bbox.top, x1 - x0, u.bbox.height);
      });
      ctx.restore();
    }] }
  }, [days.map(dayTs), pick('p90'), pick('p10'), pick('p50'), pick('a')], 300);
}

// Horizontal bars: x (the categories, first at the top) runs down the left side, the values along the bottom.
// series: uPlot series options; data: their values (uPlot's own 'values' option means something else)
function bars(el, key, labels, series, data, height, range) {
  var n = labels.length;
  var size = Math.min(200, 16 + 7 * labels.reduce(function (m, l) { return Math.max(m, clip(l).length); }, 4));
  mount(el, {
    scales: {
      x: { time: false, ori: 1, dir: -1, range: function () { return [-0.5, n - 0.5]; } },
      y: { ori: 0, range: range }
    },
    axes: [
      { side: 3, size: size, gap: 6, grid: { show: false }, ticks: { show: false },
        splits: function () { return labels.map(function (l, i) { return i; }); },
        values: function (u, splits) { return splits.map(function (i) { return labels[i] === undefined ? '' : clip(labels[i]); }); } },
      { side: 2, size: 36, space: 60, values: function (u, splits) { return splits.map(compact); } }
    ],
    cursor: { points: { show: false } },
    series: [{ label: key, value: function (u, i) { return i === null || labels[i] === undefined ? '' : labels[i]; } }].concat(series)
  }, [labels.map(function (l, i) { return i; })].concat(data), height);
}
function barSeries(label, colour, cur) {
  return {
    label: label, fill: colour, stroke: colour, width: 0, points: { show: false },
    fillTo: function () { return 0; },
    paths: uPlot.paths.bars({ size: [0.7, 32] }),
    value: function (u, v) { return v === null ? '-' : money(v, cur); }
  };
}
function barHeight(n) { return Math.max(140, 30 * n + 70); }

function breakdown(el, report, s) {
  var b = breakdownFor(report, s);
  if (!b || (!b.lines.length && !b.others)) return empty(el, 'No breakdown in the period.');
  var labels = b.lines.map(function (l) { return l.key; });
  var values = b.lines.map(function (l) { return num(l.cost); });
  if (b.others) { labels.push('others (' + b.others.count + ')'); values.push(num(b.others.cost)); }
  var max = Math.max.apply(null, values.concat([0]));
  bars(el, b.dimension, labels, [barSeries('cost', C.bar, s.currency)], [values], barHeight(labels.length),
    function () { return [0, max > 0 ? max * 1.1 : 1]; });
}

function movers(el, report, s) {
  var lines = s.movers.filter(function (l) { return l.change !== null; });
  if (!lines.length) return empty(el, 'No comparison, so no movers.');
  var labels = lines.map(function (l) { return l.key; });
  var change = lines.map(function (l) { return num(l.change); });
  var up = change.map(function (v) { return v > 0 ? v : null; });
  var down = change.map(function (v) { return v < 0 ? v : null; });
  var m = Math.max.apply(null, change.map(Math.abs).concat([0])) * 1.1 || 1;
  bars(el, report.by, labels, [barSeries('increase', C.increase, s.currency), barSeries('decrease', C.decrease, s.currency)],
    [up, down], barHeight(labels.length), function () { return [-m, m]; });
}

try {
  var report = JSON.parse(document.getElementById('aicost-report').textContent);
  var draw = { daily: daily, breakdown: breakdown, movers: movers };
  Array.prototype.forEach.call(document.querySelectorAll('[data-chart]'), function (el) {
    var s = report.currencies[Number(el.getAttribute('data-currency'))];
    var fn = draw[el.getAttribute('data-chart')];
    if (s && fn) fn(el, report, s);
  });
  if (pending === 0) root.setAttribute('data-charts', 'ready');
  var timer = null;
  window.addEventListener('resize', function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      plots.forEach(function (p) { p.u.setSize({ width: width(p.el), height: p.height }); });
    }, 100);
  });
} catch (err) {
  fail(err);
}
})();
`;
