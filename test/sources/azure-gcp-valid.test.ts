// The cloud sources' derived rows pass FOCUS 1.3 validation (the derived-valid pattern of test/ingest), and detection
// picks each cloud fixture's own source and no other. Homes are split where header variants share a billing
// account and period (a later export of the same key replaces the earlier one).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { attachViews } from '../../src/analysis/views.js';
import { validateRelation } from '../../src/focus/validate.js';
import { sniffFile } from '../../src/ingest/sniff.js';
import { detectScore } from '../../src/normalize/contract.js';
import { SOURCES } from '../../src/sources/index.js';
import { withDb } from '../../src/store/duckdb.js';
import { fixture, ingestInto, scratchHomes } from '../helpers/home.js';

const home = scratchHomes(afterAll);
const az = (f: string) => fixture('azure', f);

const HOMES: [name: string, files: string[]][] = [
  [
    'EA joined, CAD export, token meters, FOCUS export, GCP',
    [
      az('ea_actualcost_small.csv'),
      az('ea_amortizedcost_small.csv'),
      az('ea_export_focus_converters.csv'),
      az('aoai_token_meters_constructed.csv'),
      az('header_Enterprise.csv'),
      az('header_EnterpriseCamel.csv'),
      az('focuscost_1.0_constructed.csv'),
      fixture('gcp', 'billing_export_constructed.jsonl'),
    ],
  ],
  [
    'pay-as-you-go and the localized set',
    [az('header_PayAsYouGo.csv'), az('localized_bracketed_actualcost.csv')],
  ],
  [
    'mixed German/camelCase headers; the FOCUS 1.2-preview export',
    [az('header_YA.csv'), az('focuscost_1.2-preview_constructed.csv')],
  ],
  ['no quantity or currency columns (unitemized lines)', [az('header_values_MissingBrackets.csv')]],
];

describe('aicost validate on the derived rows', () => {
  for (const [name, files] of HOMES) {
    it(`${name}: no derived row breaks a MUST rule`, async () => {
      const h = home();
      await ingestInto(h, files);
      const report = await withDb({}, async (db) => {
        await attachViews(db, h);
        return validateRelation(db, 'focus', { version: '1.3' });
      });
      const failures = report.results.filter((r) => r.status === 'fail' && r.derived > 0);
      expect(failures.map((r) => `${r.id}: ${r.derived}`)).toEqual([]);
      expect(report.totals.derivedViolations).toBe(0);
      expect(report.exitCode).toBe(0);
      expect(report.rows).toBeGreaterThan(0);
    });
  }
});

describe('detection', () => {
  const own: [dir: string, file: string, source: string][] = [
    ...readdirSync(fixture('azure'))
      .filter((f) => f.endsWith('.csv'))
      .map((f): [string, string, string] => [
        'azure',
        f,
        f.startsWith('focuscost') ? 'azure-focus' : 'azure-cost',
      ]),
    ['gcp', 'billing_export_constructed.jsonl', 'gcp-billing'],
    ['gcp', 'billing_export_constructed.csv', 'gcp-billing'],
  ];

  it('covers every cloud fixture', () => {
    expect(own.length).toBe(16);
  });

  it('each cloud fixture is claimed by its own source only', async () => {
    const bad: string[] = [];
    for (const [dir, file, source] of own) {
      const sniff = await sniffFile(join(fixture(dir), file));
      for (const s of SOURCES) {
        const score = detectScore(s, sniff);
        if (s.id === source && score < 0.5) bad.push(`${file}: ${s.id} scores ${score}`);
        if (
          s.id !== source &&
          score >= 0.5 &&
          score >= detectScore(SOURCES.find((x) => x.id === source)!, sniff)
        )
          bad.push(`${file}: ${s.id} also claims it (${score})`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('the cloud sources claim no other fixture in the repository', async () => {
    const cloud = SOURCES.filter((s) => ['azure-cost', 'azure-focus', 'gcp-billing'].includes(s.id));
    const bad: string[] = [];
    for (const dir of readdirSync(fixture()).filter((d) => !['azure', 'gcp'].includes(d))) {
      let entries: string[];
      try {
        entries = readdirSync(fixture(dir)).filter((f) => /\.(csv|json|jsonl)$/.test(f));
      } catch {
        continue;
      }
      for (const f of entries) {
        const sniff = await sniffFile(join(fixture(dir), f));
        for (const s of cloud) if (detectScore(s, sniff) >= 0.5) bad.push(`${dir}/${f}: ${s.id}`);
      }
    }
    expect(bad).toEqual([]);
  });
});
