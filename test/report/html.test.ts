// The HTML report renderer (src/report/html.ts) on the sample model (fixtures/report/sample-report.json).
// Golden file: test/report/golden/report.html is the exact output for the sample. After an intended change to the
// page, rewrite it and review the diff:
//   UPDATE_GOLDEN=1 npx vitest run test/report/html.test.ts
// The browser half (charts drawn, no network) is test/report/html-browser.test.ts.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { esc } from '../../src/report/html/format.js';
import { REPORT_DATA_ID, renderHtml } from '../../src/report/html.js';
import { type Report, ReportSchema } from '../../src/report/model.js';
import { loadSample, rawSample } from './sample.js';

const GOLDEN = join(import.meta.dirname, 'golden', 'report.html');
const ROOT = join(import.meta.dirname, '..', '..');

/** The model as the page embeds it. */
function embedded(html: string): unknown {
  const m = new RegExp(`<script type="application/json" id="${REPORT_DATA_ID}">([^<]*)</script>`).exec(html);
  if (!m) throw new Error('no embedded report data');
  return JSON.parse(m[1]!);
}

/** The page without its scripts: what a reader sees as text and markup. */
const visible = (html: string) => html.replace(/<script\b[^>]*>[\s\S]*?<\/script>/g, '');

/** Every string of the model a reader is shown. */
function shownStrings(r: Report): string[] {
  return [
    r.period.label,
    r.by,
    ...(r.compare ? [r.compare.label] : []),
    ...r.currencies.flatMap((c) => [
      c.currency,
      ...c.breakdowns.flatMap((b) => [b.dimension, ...b.lines.map((l) => l.key)]),
    ]),
    ...r.estimated.breakdown.lines.map((l) => l.key),
    ...r.forecast.flatMap((f) => [f.method, ...f.notes]),
    ...r.budgets.map((b) => String(b.name)),
    ...r.anomalies.map((a) => String(a.key)),
    ...r.coverage.sources.flatMap((s) => [s.source, s.dataset]),
    ...r.validation.rules_failed,
    ...r.notes,
  ];
}

describe('the sample report model', () => {
  it('passes ReportSchema.parse', () => {
    expect(() => ReportSchema.parse(rawSample())).not.toThrow();
  });
});

describe('renderHtml on the sample', () => {
  const sample = loadSample();
  const html = renderHtml(sample);

  it('matches the golden file (UPDATE_GOLDEN=1 rewrites it)', () => {
    if (process.env.UPDATE_GOLDEN) {
      mkdirSync(dirname(GOLDEN), { recursive: true });
      writeFileSync(GOLDEN, html);
    }
    expect(html).toBe(readFileSync(GOLDEN, 'utf8'));
  });

  it('is a pure function: the same model gives the same bytes, and the model is left as it was', () => {
    expect(renderHtml(loadSample())).toBe(html);
    expect(sample).toEqual(loadSample());
  });

  it('loads nothing from the network: no remote src/href, no url(), no @import, no <link>', () => {
    expect(html).not.toMatch(/\b(?:src|href|action|poster|srcset|data)\s*=\s*["']?\s*(?:https?:)?\/\//i);
    expect(html).not.toMatch(/\burl\(\s*["']?(?!data:)/i);
    expect(html).not.toMatch(/@import|<link\b|<iframe\b|<img\b|<object\b|<embed\b/i);
    // the only http(s) text is the library's own banner comment
    expect(html.match(/https?:\/\/[^\s"'<>)]*/g)).toEqual(['https://github.com/leeoniya/uPlot']);
  });

  it('forbids fetches and runs only its own two scripts (CSP with their sha256)', () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1];
    expect(csp).toContain('default-src &#39;none&#39;');
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(scripts).toHaveLength(2);
    for (const s of scripts) {
      const hash = createHash('sha256').update(s, 'utf8').digest('base64');
      expect(csp).toContain(`sha256-${hash}`);
    }
  });

  it('embeds the model as JSON that parses back to it', () => {
    const back = embedded(html);
    expect(back).toEqual(sample);
    expect(ReportSchema.parse(back)).toEqual(sample);
  });

  it('shows every string of the model escaped, and none raw', () => {
    const page = visible(html);
    for (const s of shownStrings(sample)) expect(page, s).toContain(esc(s));
    // the sample's own HTML-special keys
    expect(page).toContain('search &lt;beta&gt;');
    expect(page).toContain('Team &quot;R&amp;D&quot; includes');
    expect(html).not.toContain('search <beta>');
  });

  it('has the three charts per currency and a table for each breakdown', () => {
    for (const kind of ['daily', 'breakdown', 'movers'])
      expect(html).toContain(`data-chart="${kind}" data-currency="0"`);
    expect(visible(html).match(/<caption>By /g)).toHaveLength(4);
    for (const id of ['estimated', 'unit-economics', 'budgets', 'anomalies', 'coverage', 'notes'])
      expect(html).toContain(`<section id="${id}">`);
  });

  it('formats money to two decimals with the currency, counts with separators, budget state as a class', () => {
    const page = visible(html);
    expect(page).toContain('12,376.74 USD'); // total 12376.7354
    expect(page).toContain('+1,607.74 USD'); // change 1607.7412
    expect(page).toContain('1,284,330'); // requests
    expect(page).toContain('2,105,448,210'); // tokens
    expect(page).toContain('<td class="state state-warning">warning</td>');
  });
});

describe('renderHtml on hostile and unusual models', () => {
  const EVIL = `</script><!--<x-evil a="1">&'`;

  it('keeps strings that try to end the script or open a comment inert', () => {
    const r = loadSample();
    r.period.label += EVIL;
    r.by += EVIL;
    r.notes.push(EVIL);
    r.coverage.sources[0]!.source += EVIL;
    r.budgets[0]!.name = EVIL;
    r.anomalies[0]!.key = EVIL;
    r.forecast[0]!.notes.push(EVIL);
    for (const b of r.currencies[0]!.breakdowns) for (const l of b.lines) l.key += EVIL;
    const html = renderHtml(ReportSchema.parse(r));
    expect(html).not.toContain('<x-evil');
    expect(html).not.toContain('<!--');
    expect(html.match(/<\/script>/g)).toHaveLength(3);
    expect(html).toContain(esc(EVIL));
    expect(embedded(html)).toEqual(r);
  });

  it('draws one set of charts per currency and gives a currency-less forecast to a single currency only', () => {
    const r = loadSample();
    r.currencies.push({ ...structuredClone(r.currencies[0]!), currency: 'EUR' });
    const html = renderHtml(r);
    expect(html).toContain('<h2>Spend in EUR</h2>');
    expect(html).toContain('data-chart="daily" data-currency="1"');
    expect(html.match(/Forecast month end/g)).toHaveLength(1);
  });

  it('renders a model with no currencies, no comparison and empty lists', () => {
    const r = loadSample();
    Object.assign(r, { currencies: [], compare: null, forecast: [], budgets: [], anomalies: [], notes: [] });
    r.coverage.gaps = [];
    const html = renderHtml(r);
    expect(html).toContain('No invoiced cost in the period.');
    expect(html).toContain('No budgets configured.');
    expect(html).toContain('No anomalies in the period.');
    expect(html).not.toContain('<section id="notes">');
  });
});

describe('the inlined chart library', () => {
  it('is current with node_modules/uplot (scripts/inline-assets.mjs --check, also run by npm run build)', () => {
    const r = spawnSync(process.execPath, ['scripts/inline-assets.mjs', '--check'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
