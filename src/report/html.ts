// `aicost report --format html`: the report model as one self-contained HTML file. A pure function of the model:
// no clock, no locale, no file reads, so the same model gives the same bytes (test/report/html.test.ts).
// Offline by construction: the chart library (uPlot) and the drawing script are inlined, the data is embedded as JSON,
// there are no external fonts, and the page's Content-Security-Policy forbids every fetch (default-src 'none') and
// runs only the two inline scripts whose sha256 it names.
import { createHash } from 'node:crypto';
import { UPLOT_CSS, UPLOT_JS, UPLOT_VERSION } from './html/chart-lib.generated.js';
import { CLIENT_JS } from './html/client.js';
import { currencySection } from './html/currency.js';
import { count, esc, jsonInScript } from './html/format.js';
import {
  anomaliesSection,
  budgetsSection,
  coverageSection,
  estimatedSection,
  notesSection,
  unitSection,
} from './html/records.js';
import { REPORT_CSS } from './html/style.js';
import type { Report } from './model.js';

/** The id of the <script type="application/json"> element holding the model. */
export const REPORT_DATA_ID = 'aicost-report';

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

function contentSecurityPolicy(): string {
  return [
    "default-src 'none'",
    `script-src ${sha256(UPLOT_JS)} ${sha256(CLIENT_JS)}`,
    // uPlot positions its cursor and legend through inline styles
    "style-src 'unsafe-inline'",
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

function header(r: Report): string {
  const p = r.period;
  const c = r.compare;
  const checks = (['budget', 'anomaly', 'validation'] as const)
    .map((k) => `<span class="badge check-${r.checks[k]}">${k}: ${r.checks[k]}</span>`)
    .join('');
  return [
    '<header>',
    `<h1>AI inference spend: ${esc(p.label)}</h1>`,
    `<p class="meta"><strong>Period</strong> ${esc(p.from)} .. ${esc(p.to)} (end exclusive), by <strong>${esc(r.by)}</strong></p>`,
    c
      ? `<p class="meta"><strong>Compared with</strong> ${esc(c.label)}: ${esc(c.from)} .. ${esc(c.to)} (${esc(c.source)})</p>`
      : '<p class="meta">No comparison period.</p>',
    `<p class="meta"><strong>Generated</strong> ${esc(r.generated_at)} &middot; ${count(r.coverage.days)} days with data &middot; ${r.currencies.length} ${r.currencies.length === 1 ? 'currency' : 'currencies'}</p>`,
    `<div class="badges">${checks}</div>`,
    '</header>',
  ].join('\n');
}

export function renderHtml(report: Report): string {
  const body = [
    header(report),
    '<main>',
    '<noscript><p class="intro">The charts need JavaScript; every figure is also in the tables.</p></noscript>',
    '<p id="chart-error" hidden></p>',
    report.currencies.length
      ? report.currencies.map((s, i) => currencySection(report, s, i)).join('\n')
      : '<p class="empty">No invoiced cost in the period.</p>',
    estimatedSection(report),
    unitSection(report),
    budgetsSection(report),
    anomaliesSection(report),
    coverageSection(report),
    notesSection(report),
    '</main>',
    `<footer>${esc(report.schema)} &middot; made by aicost &middot; charts drawn with uPlot ${esc(UPLOT_VERSION)} (MIT), included in this file</footer>`,
  ];
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${esc(contentSecurityPolicy())}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="generator" content="aicost">',
    `<title>AI inference spend: ${esc(report.period.label)}</title>`,
    `<style>${UPLOT_CSS}\n${REPORT_CSS}</style>`,
    '</head>',
    '<body>',
    ...body.filter(Boolean),
    `<script type="application/json" id="${REPORT_DATA_ID}">${jsonInScript(report)}</script>`,
    `<script>${UPLOT_JS}</script>`,
    `<script>${CLIENT_JS}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
