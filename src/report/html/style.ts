// The report's stylesheet: light, system fonts only (nothing to fetch), tables that print on A4 without clipping.
export const REPORT_CSS = `
:root {
  --ink: #1f2933; --muted: #5f6b7a; --line: #d9dee5; --soft: #f5f7fa; --accent: #1f4e8c;
  --up: #b42318; --down: #157f3d; --ok: #157f3d; --warn: #a15c07; --fail: #b42318;
}
* { box-sizing: border-box; }
html { background: #fff; }
body {
  margin: 0 auto; max-width: 1180px; padding: 24px 28px 40px; color: var(--ink);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
header { border-bottom: 2px solid var(--accent); padding-bottom: 12px; margin-bottom: 8px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 28px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 15px; margin: 20px 0 8px; }
.meta { color: var(--muted); margin: 2px 0; }
.meta strong { color: var(--ink); font-weight: 600; }
.badges { margin-top: 8px; display: flex; gap: 8px; flex-wrap: wrap; }
.badge { border: 1px solid var(--line); border-radius: 12px; padding: 1px 10px; font-size: 12px; }
.badge.check-pass { color: var(--ok); border-color: #a6d8b8; background: #f0faf3; }
.badge.check-fail { color: var(--fail); border-color: #f1b3ad; background: #fdf1f0; }
.kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(210px, 1fr)); gap: 12px; }
.kpi { border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; background: var(--soft); }
.kpi .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: 0.03em; }
.kpi .value { font-size: 22px; font-weight: 600; font-variant-numeric: tabular-nums; }
.kpi .sub { color: var(--muted); font-size: 12px; }
.charts { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; margin-top: 16px; }
.chart { margin: 0; border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; min-width: 0; }
.chart-daily { grid-column: 1 / -1; }
.chart figcaption { color: var(--muted); font-size: 12px; margin-bottom: 6px; }
.chart figcaption strong { color: var(--ink); font-size: 14px; margin-right: 6px; }
.plot { width: 100%; min-height: 60px; }
.plot-empty { color: var(--muted); padding: 20px 0; }
.uplot { font-family: inherit; width: 100%; }
.u-legend { font-size: 12px; }
#chart-error { color: var(--fail); border: 1px solid #f1b3ad; padding: 8px 12px; border-radius: 6px; }
.grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(460px, 1fr)); gap: 16px; }
.table-wrap { overflow-x: auto; margin-bottom: 12px; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding: 4px 0 6px; }
th, td { padding: 5px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
thead th { background: var(--soft); color: var(--muted); font-weight: 600; font-size: 12px; white-space: nowrap; }
tfoot td { font-weight: 600; border-top: 2px solid var(--line); }
td.num, th.num { text-align: right; white-space: nowrap; }
td.nowrap { white-space: nowrap; }
td.lines { white-space: pre; }
td.up { color: var(--up); }
td.down { color: var(--down); }
td.state { font-weight: 600; text-transform: uppercase; font-size: 12px; }
td.state-ok { color: var(--ok); }
td.state-warning { color: var(--warn); background: #fff6e5; }
td.state-failing { color: var(--fail); background: #fdf1f0; }
td.check-pass { color: var(--ok); }
td.check-fail { color: var(--fail); font-weight: 600; }
td.driver { font-weight: 600; }
.intro, .empty { color: var(--muted); }
ul.notes { padding-left: 20px; }
ul.notes li { margin: 3px 0; }
footer { margin-top: 32px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--line); padding-top: 8px; }
@media (max-width: 760px) { .charts { grid-template-columns: 1fr; } }
@media print {
  body { max-width: none; padding: 0; font-size: 11px; }
  .charts { grid-template-columns: 1fr; }
  .chart, table, .kpi { break-inside: avoid; }
  h2 { break-after: avoid; }
  .table-wrap { overflow: visible; }
  .u-legend, .u-over, .u-under { display: none; }
  /* the canvases were sized for the screen: scale them to the printed column, keeping their aspect */
  .u-wrap { width: 100% !important; height: auto !important; }
  .uplot canvas { width: 100% !important; height: auto !important; }
}
`;
