// Compressed inputs (fixtures/compressed): gzip and zstd, found by magic bytes whatever the name, ingest with exactly
// the rows and stored totals of the plain files; zip archives are skipped (walked) or refused (named).
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { sniffFile } from '../../src/ingest/sniff.js';
import { TOTAL_COLUMNS } from '../../src/store/files.js';
import { fixture, ingestInto, one, tmpHome } from '../helpers/home.js';

const homes: (() => void)[] = [];
afterAll(() => {
  for (const c of homes) c();
});

/** A fresh data home with `path` ingested: the report, and the stored rows and exact column sums. */
async function ingestOne(path: string, dataset: 'usage' | 'focus') {
  const { home, cleanup } = tmpHome();
  homes.push(cleanup);
  const report = await ingestInto(home, [path]);
  const sums = TOTAL_COLUMNS[dataset]!.map((c) => `SUM("${c}")::VARCHAR AS "${c}"`).join(', ');
  const stored = await one<Record<string, string>>(
    home,
    `SELECT count(*)::VARCHAR AS n, ${sums} FROM ${dataset}`,
  );
  return { report, stored, home };
}

describe('compressed inputs ingest like the plain files', () => {
  const cases: [string, string, 'usage' | 'focus', string][] = [
    ['compressed/spendlogs.csv.gz', 'litellm/spendlogs.csv', 'usage', 'gzip'],
    ['compressed/spendlogs.csv.zst', 'litellm/spendlogs.csv', 'usage', 'zstd'],
    ['compressed/spendlogs-gzip.dat', 'litellm/spendlogs.csv', 'usage', 'gzip'],
    ['compressed/focus10_sample_40rows.csv.gz', 'focus/focus10_sample_40rows.csv', 'focus', 'gzip'],
    ['compressed/spend_logs_response.json.zst', 'litellm/spend_logs_response.json', 'usage', 'zstd'],
    ['compressed/calls-new-names.jsonl.zst', 'otel-genai/calls-new-names.jsonl', 'usage', 'zstd'],
  ];
  for (const [packed, plain, dataset, compression] of cases) {
    it(`${packed} = ${plain}`, async () => {
      expect((await sniffFile(fixture(packed))).compression).toBe(compression);
      const a = await ingestOne(fixture(plain), dataset);
      const b = await ingestOne(fixture(packed), dataset);
      expect(b.report.files.map((f) => [f.sourceId, f.status, f.rowsIn, f.rowsOut])).toEqual(
        a.report.files.map((f) => [f.sourceId, f.status, f.rowsIn, f.rowsOut]),
      );
      expect(b.report.files[0]!.reconciliation).toEqual(a.report.files[0]!.reconciliation);
      expect(Number(b.stored.n)).toBeGreaterThan(0);
      expect(b.stored).toEqual(a.stored);
    });
  }

  it('anchors: the LiteLLM CSV stores 5 requests with spend 0.016098; the FOCUS CSV 40 rows', async () => {
    const u = await ingestOne(fixture('compressed/spendlogs.csv.zst'), 'usage');
    expect([u.stored.n, u.stored.source_cost]).toEqual(['5', '0.016098000000000000']);
    const f = await ingestOne(fixture('compressed/focus10_sample_40rows.csv.gz'), 'focus');
    expect(f.stored.n).toBe('40');
  });

  it('the sniff reads the decompressed header, whatever the extension', async () => {
    const s = await sniffFile(fixture('compressed/spendlogs-gzip.dat'));
    expect(s.format).toBe('csv');
    expect(s.header).toContain('request_id');
  });
});

describe('archives and corrupt data', () => {
  const { home, cleanup } = tmpHome();
  homes.push(cleanup);
  const dir = join(home, 'in');
  mkdirSync(dir, { recursive: true });
  // a zip local-file header: the magic is enough to refuse it
  writeFileSync(join(dir, 'export.zip'), Buffer.from('504b0304140000000800', 'hex'));
  copyFileSync(fixture('litellm/spendlogs.csv'), join(dir, 'spendlogs.csv'));

  it('a walked folder skips a .zip with a reason that says to unzip it', async () => {
    const r = await ingestInto(home, [dir], { dryRun: true });
    expect(r.files.map((f) => f.status)).toEqual(['ingested']);
    expect(r.skipped).toEqual([
      { path: join(dir, 'export.zip'), reason: expect.stringMatching(/unzip it first/) },
    ]);
  });

  it('a zip named explicitly, whatever its name, is an input error', async () => {
    const renamed = join(home, 'export.csv');
    copyFileSync(join(dir, 'export.zip'), renamed);
    const err = await ingestInto(home, [renamed]).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).describe()).toMatch(/export\.csv: a zip archive: unzip it first/);
  });

  it('corrupt gzip is an input error naming the file', async () => {
    const bad = join(home, 'bad.csv.gz');
    writeFileSync(bad, Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), Buffer.alloc(40, 0x41)]));
    const err = await ingestInto(home, [bad]).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).describe()).toMatch(/bad\.csv\.gz: corrupt gzip data/);
  });
});
