// Folder deliveries (fixtures/deliveries): a manifest and the data files it lists are ONE input, whose totals equal
// the sum of its parts and the plain file they were cut from; earlier updates are skipped; a missing part is an error.
import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { discoverInputs } from '../../src/ingest/discover.js';
import { readManifest } from '../../src/store/manifest.js';
import { fixture, ingestInto, one, tmpHome } from '../helpers/home.js';

const CUR = fixture('deliveries/aws-cur/focus-report/20240901-20241001');
const CURRENT = join(CUR, '7d3c1a52-5f0e-4b6a-9c1e-2f4b8a6d0e91');
const EARLIER = join(CUR, '1b9e4c07-2a8d-4f3b-8e5c-6a0d3f7b9c24');
const EXPORT = fixture('deliveries/aws-data-exports/focus-export');
const EXPORT_MANIFEST = join(EXPORT, 'metadata/BILLING_PERIOD=2024-09/focus-export-Manifest.json');
const EXPORT_PARTS = [1, 2].map((i) =>
  join(EXPORT, `data/BILLING_PERIOD=2024-09/focus-export-0000${i}.csv.gz`),
);
const CUR_PARTS = [1, 2, 3].map((i) => join(CURRENT, `focus-report-${i}.csv.gz`));

const cleanups: (() => void)[] = [];
afterAll(() => {
  for (const c of cleanups) c();
});

const TOTALS = `SELECT count(*)::VARCHAR n, SUM(BilledCost)::VARCHAR billed, SUM(EffectiveCost)::VARCHAR effective,
  SUM(ListCost)::VARCHAR list, SUM(ContractedCost)::VARCHAR contracted FROM focus`;

async function ingested(paths: string[]) {
  const { home, cleanup } = tmpHome();
  cleanups.push(cleanup);
  const report = await ingestInto(home, paths);
  return { home, report, totals: await one<Record<string, string>>(home, TOTALS) };
}

describe('discovery', () => {
  it('a legacy CUR period folder is one delivery: the current manifest, earlier updates skipped', () => {
    const { inputs, skipped } = discoverInputs([fixture('deliveries/aws-cur')]);
    expect(inputs).toEqual([
      { path: join(CUR, 'focus-report-Manifest.json'), explicit: false, files: CUR_PARTS },
    ]);
    expect(skipped.map((s) => [s.path, s.reason.split(';')[0]])).toEqual([
      [join(EARLIER, 'focus-report-1.csv.gz'), expect.stringMatching(/^data of an earlier delivery/)],
      [join(EARLIER, 'focus-report-Manifest.json'), 'an earlier or repeated delivery'],
      [join(CURRENT, 'focus-report-Manifest.json'), 'an earlier or repeated delivery'],
    ]);
  });

  it('a Data Exports folder, or its manifest named, is one delivery with the files under data/', () => {
    const expected = [{ path: EXPORT_MANIFEST, explicit: false, files: EXPORT_PARTS }];
    expect(discoverInputs([EXPORT]).inputs).toEqual(expected);
    expect(discoverInputs([EXPORT_MANIFEST]).inputs).toEqual([{ ...expected[0], explicit: true }]);
  });
});

describe('a delivery ingests as one input whose totals are the sum of its parts', () => {
  for (const [name, paths, parts] of [
    ['legacy CUR', [fixture('deliveries/aws-cur')], CUR_PARTS],
    ['Data Exports', [EXPORT], EXPORT_PARTS],
  ] as const) {
    it(name, async () => {
      const plain = await ingested([fixture('focus/focus10_sample_40rows.csv')]);
      const delivery = await ingested([...paths]);
      const separately = await ingested([...parts]);
      expect(delivery.report.files.map((f) => [f.sourceId, f.status, f.rowsIn])).toEqual([
        ['focus', 'ingested', 40],
      ]);
      expect(delivery.totals.n).toBe('40');
      expect(delivery.totals).toEqual(plain.totals);
      expect(separately.totals).toEqual(plain.totals);
      // the input's hash is over the data files' bytes in manifest order; the manifest is the recorded path
      const [input] = readManifest(delivery.home).inputs;
      const h = createHash('sha256');
      for (const p of parts) h.update(readFileSync(p));
      expect(input).toMatchObject({ path: delivery.report.files[0]!.path, sha256: h.digest('hex') });
      expect(input!.path).toMatch(/-Manifest\.json$/);
      // the same delivery again changes nothing
      const again = await ingestInto(delivery.home, [...paths]);
      expect(again.files.map((f) => f.status)).toEqual(['unchanged']);
    });
  }
});

describe('a broken delivery', () => {
  it('a listed file that is missing is an input error naming it, and nothing is stored', async () => {
    const { home, cleanup } = tmpHome();
    cleanups.push(cleanup);
    const copy = join(home, 'delivery');
    cpSync(EXPORT, copy, { recursive: true });
    rmSync(join(copy, 'data/BILLING_PERIOD=2024-09/focus-export-00002.csv.gz'));
    const err = await ingestInto(home, [copy]).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).describe()).toMatch(
      /focus-export-Manifest\.json: a data file the manifest lists is missing: s3:\/\/.*focus-export-00002\.csv\.gz/,
    );
    expect(await one(home, 'SELECT count(*)::VARCHAR n FROM focus')).toEqual({ n: '0' });
  });

  it('parts with different headers are an input error (they are read together by position)', async () => {
    const { home, cleanup } = tmpHome();
    cleanups.push(cleanup);
    const copy = join(home, 'delivery');
    cpSync(EXPORT, copy, { recursive: true });
    copyFileSync(
      fixture('compressed/spendlogs.csv.gz'),
      join(copy, 'data/BILLING_PERIOD=2024-09/focus-export-00002.csv.gz'),
    );
    const err = await ingestInto(home, [copy]).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).describe()).toMatch(
      /data files have different columns \(.*focus-export-00002\.csv\.gz differs/,
    );
  });
});
