// Readers are isolated from writers (src/store/readers.ts): a query that opened its views before `forget` or a
// replacing ingest keeps reading the files of the manifest it started with; the next writer after it ends
// deletes them.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { attachViews } from '../../src/analysis/views.js';
import { forget } from '../../src/ingest/forget.js';
import { Db } from '../../src/store/duckdb.js';
import { readManifest } from '../../src/store/manifest.js';
import { selfId } from '../../src/store/process-id.js';
import { fixture, ingestInto, one, scratchHomes } from '../helpers/home.js';

const home = scratchHomes(afterAll);

async function openReader(h: string): Promise<Db> {
  const db = await Db.open();
  await attachViews(db, h);
  return db;
}

const TOTAL = 'SELECT SUM(BilledCost)::VARCHAR AS s, count(*)::VARCHAR AS n FROM focus';

describe('reader isolation', () => {
  it('a query running while forget deletes its files still succeeds, and the files go once it ends', async () => {
    const h = home();
    await ingestInto(h, [fixture('openai/costs_ungrouped.json'), fixture('anthropic/cost_report.json')]);
    const openaiFile = readManifest(h).files.find((f) => f.sourceId === 'openai-costs')!.path;
    const reader = await openReader(h);
    try {
      expect(await forget({ home: h, source: 'openai-costs' })).toEqual({ files: 1, rows: 1, inputs: 1 });
      const m = readManifest(h);
      expect(m.files.map((f) => f.sourceId)).toEqual(['anthropic-cost']);
      expect(m.retired).toEqual([{ path: openaiFile, generation: 2 }]);
      // the reader still sees the manifest it started with: OpenAI 0.06 + Anthropic 1.2378912
      expect(await reader.one(TOTAL)).toEqual({ s: '1.297891200000000000', n: '2' });
      expect(existsSync(join(h, openaiFile))).toBe(true);
      // a new reader sees the new state
      expect(await one(h, TOTAL)).toEqual({ s: '1.237891200000000000', n: '1' });
    } finally {
      reader.close();
    }
    expect(readdirSync(join(h, '.readers'))).toEqual([]);
    // the next writer (here an ingest of an input already stored) deletes what no reader uses any more
    await ingestInto(h, [fixture('anthropic/cost_report.json')]);
    expect(existsSync(join(h, openaiFile))).toBe(false);
  });

  it('a query running during a replacing ingest keeps the replaced file readable', async () => {
    const h = home();
    const v1 = join(h, 'v1.json');
    const v2 = join(h, 'v2.json');
    const src = readFileSync(fixture('anthropic/cost_report.json'), 'utf8');
    writeFileSync(v1, src);
    writeFileSync(v2, src.replace('"123.78912"', '"200.5"'));
    await ingestInto(h, [v1]);
    const [replaced] = readManifest(h).files.map((f) => f.path);
    const reader = await openReader(h);
    try {
      const r = await ingestInto(h, [v2]);
      expect(r.files[0]!.replaced).toBe(1);
      // restated page: 200.5 cents; the reader that started before still reads 123.78912 cents
      expect(await one(h, TOTAL)).toEqual({ s: '2.005000000000000000', n: '1' });
      expect(await reader.one(TOTAL)).toEqual({ s: '1.237891200000000000', n: '1' });
      expect(existsSync(join(h, replaced!))).toBe(true);
    } finally {
      reader.close();
    }
  });

  it('a dead reader (killed, lease left behind) does not keep files forever', async () => {
    const h = home();
    await ingestInto(h, [fixture('openai/costs_ungrouped.json')]);
    const path = readManifest(h).files[0]!.path;
    mkdirSync(join(h, '.readers'), { recursive: true });
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    writeFileSync(
      join(h, '.readers', 'dead.json'),
      JSON.stringify({ owner: { ...selfId(), pid: dead }, generation: 0, since: 'x' }),
    );
    await forget({ home: h, source: 'openai-costs' });
    expect(existsSync(join(h, path))).toBe(false);
    expect(readdirSync(join(h, '.readers'))).toEqual([]);
  });
});
