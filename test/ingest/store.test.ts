// The data home: idempotent re-ingest, replacement keys, atomic failure, --keep-going, --dry-run, lock, forget.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InputError, MultiInputError } from '../../src/errors.js';
import { forget } from '../../src/ingest/forget.js';
import { readManifest } from '../../src/store/manifest.js';
import { fixture, ingestInto, one, tmpHome } from '../helpers/home.js';

const ALL = ['openai', 'anthropic', 'litellm', 'focus'].map((d) => fixture(d));
const homes: (() => void)[] = [];
function home() {
  const h = tmpHome();
  homes.push(h.cleanup);
  return h.home;
}
afterEach(() => {
  for (const c of homes.splice(0)) c();
});

describe('data home', () => {
  it('ingests every sample, and re-ingesting changes nothing', async () => {
    const h = home();
    const first = await ingestInto(h, ALL);
    expect(first.files.filter((f) => f.status === 'ingested')).toHaveLength(24);
    const manifest = readFileSync(join(h, 'manifest.json'), 'utf8');
    const total = await one<{ s: string }>(h, 'SELECT SUM(BilledCost)::VARCHAR s FROM focus');
    // OpenAI 1.85506289012345 + Anthropic 1.2378912 + FOCUS 1.0 sample 0.3710894048 + the spec's token purchases
    // (virtual-currency examples a1 200000, b1 100000, c 50000 + 3000; their burn rows bill 0)
    expect(total.s).toBe('353003.464043494923450000');
    const again = await ingestInto(h, ALL);
    expect(again.files.every((f) => f.status === 'unchanged')).toBe(true);
    expect(readFileSync(join(h, 'manifest.json'), 'utf8')).toBe(manifest);
  });

  it('recognizes the same bytes under another name as unchanged (usage inputs are hashed while staged)', async () => {
    const h = home();
    const dir = join(h, 'copy');
    mkdirSync(dir);
    writeFileSync(join(dir, 'renamed.csv'), readFileSync(fixture('litellm/spendlogs.csv')));
    await ingestInto(h, [fixture('litellm/spendlogs.csv')]);
    const before = readFileSync(join(h, 'manifest.json'), 'utf8');
    const r = await ingestInto(h, [join(dir, 'renamed.csv')]);
    expect(r.files.map((f) => f.status)).toEqual(['unchanged']);
    expect(readFileSync(join(h, 'manifest.json'), 'utf8')).toBe(before);
  });

  it('records inputs, files and reconciled totals in the manifest', async () => {
    const h = home();
    await ingestInto(h, [fixture('anthropic/cost_report.json')]);
    const m = readManifest(h);
    expect(m.inputs).toHaveLength(1);
    expect(m.inputs[0]!.reconciliation[0]).toMatchObject({
      source: '123.789120000000000000',
      stored: '123.789120000000000000',
    });
    expect(m.files[0]!.path).toMatch(
      /^focus\/x_BillingPeriod=2025-08\/x_SourceId=anthropic-cost\/[0-9a-f]{20}(-\d+)?\.parquet$/,
    );
    expect(m.files[0]!.totals.BilledCost).toBe('1.237891200000000000');
  });

  it('replaces restated API pages by (source, bucket, group-by values)', async () => {
    const h = home();
    const dir = join(h, 'inputs');
    mkdirSync(dir);
    const src = readFileSync(fixture('anthropic/cost_report.json'), 'utf8');
    writeFileSync(join(dir, 'v1.json'), src);
    writeFileSync(join(dir, 'v2.json'), src.replace('"123.78912"', '"200.5"'));
    await ingestInto(h, [join(dir, 'v1.json')]);
    const r = await ingestInto(h, [join(dir, 'v2.json')]);
    expect(r.files[0]!.replaced).toBe(1);
    const t = await one<{ s: string; n: string }>(
      h,
      'SELECT SUM(BilledCost)::VARCHAR s, count(*)::VARCHAR n FROM focus',
    );
    expect(t).toEqual({ s: '2.005000000000000000', n: '1' });
  });

  it('de-duplicates usage requests by (source, trace id, request id)', async () => {
    const h = home();
    await ingestInto(h, [fixture('litellm/spendlogs.csv')]);
    await ingestInto(h, [fixture('quirks/litellm_extra_columns.csv')]); // the first two requests again
    const t = await one<{ n: string }>(h, 'SELECT count(*)::VARCHAR n FROM usage');
    expect(t.n).toBe('5');
  });

  it('drops FOCUS rows identical to stored ones, reporting them', async () => {
    const h = home();
    await ingestInto(h, [fixture('focus/focus10_sample_40rows.csv')]);
    const r = await ingestInto(h, [fixture('quirks/focus_semicolon.csv')]);
    expect(r.files[0]!.duplicates).toBe(5);
    expect(r.files[0]!.duplicateCost).toBe('0.000017273600000000');
    const t = await one<{ n: string }>(h, 'SELECT count(*)::VARCHAR n FROM focus');
    expect(t.n).toBe('40');
  });

  it('one bad file fails the whole command and stores nothing', async () => {
    const h = home();
    await ingestInto(h, [fixture('anthropic/cost_report.json')]);
    const before = readFileSync(join(h, 'manifest.json'), 'utf8');
    await expect(
      ingestInto(h, [fixture('openai/costs_ungrouped.json'), fixture('bad/negative_tokens.csv')]),
    ).rejects.toThrow(InputError);
    expect(readFileSync(join(h, 'manifest.json'), 'utf8')).toBe(before);
    const t = await one<{ n: string }>(h, 'SELECT count(*)::VARCHAR n FROM focus');
    expect(t.n).toBe('1');
    expect(existsSync(join(h, '.lock'))).toBe(false);
  });

  it('--keep-going commits the good files and still fails naming the bad ones', async () => {
    const h = home();
    const err = await ingestInto(
      h,
      [fixture('openai/costs_ungrouped.json'), fixture('bad/negative_tokens.csv'), fixture('bad/empty.json')],
      {
        keepGoing: true,
      },
    ).catch((e) => e);
    expect(err).toBeInstanceOf(MultiInputError);
    expect(err.message).toContain('negative_tokens.csv');
    expect(err.message).toContain('empty.json');
    const t = await one<{ s: string }>(h, 'SELECT SUM(BilledCost)::VARCHAR s FROM focus');
    expect(t.s).toBe('0.060000000000000000');
  });

  it('--dry-run checks and reconciles but stores nothing', async () => {
    const h = home();
    const r = await ingestInto(h, [fixture('openai/costs_by_line_item.json')], { dryRun: true });
    expect(r.files[0]!.reconciliation[0]!.stored).toBe('1.795062890123450000');
    expect(existsSync(join(h, 'manifest.json'))).toBe(false);
  });

  it('refuses a second writer while the lock is held', async () => {
    const h = home();
    writeFileSync(join(h, '.lock'), JSON.stringify({ pid: process.pid, since: 'now' }));
    // our own pid is alive, so the lock is held by a live writer
    await expect(ingestInto(h, [fixture('openai/costs_ungrouped.json')])).rejects.toThrow(
      /locked by another writer/,
    );
    expect(existsSync(join(h, 'manifest.json'))).toBe(false);
  });

  it('forget removes data through the manifest', async () => {
    const h = home();
    await ingestInto(h, [fixture('openai/costs_ungrouped.json'), fixture('anthropic/cost_report.json')]);
    const r = await forget({ home: h, source: 'openai-costs' });
    expect(r).toEqual({ files: 1, rows: 1, inputs: 1 });
    const t = await one<{ s: string }>(h, 'SELECT SUM(BilledCost)::VARCHAR s FROM focus');
    expect(t.s).toBe('1.237891200000000000');
    // the forgotten input can be ingested again
    const again = await ingestInto(h, [fixture('openai/costs_ungrouped.json')]);
    expect(again.files[0]!.status).toBe('ingested');
  });
});

describe('walking a vendor folder', () => {
  it('skips documentation JSON that quotes result objects but is no API page', async () => {
    const h = home();
    const dir = join(h, 'vendor');
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'result_object_examples.json'),
      JSON.stringify({
        UsageCompletionsResult: { object: 'organization.usage.completions.result', input_tokens: 5 },
      }),
    );
    writeFileSync(join(dir, 'costs.json'), readFileSync(fixture('openai/costs_ungrouped.json')));
    const r = await ingestInto(h, [dir]);
    expect(r.files.map((f) => f.status)).toEqual(['ingested']);
    expect(r.skipped.map((s) => s.path)).toEqual([join(dir, 'result_object_examples.json')]);
  });
});
