// The compiled price tables (the build step) are exactly the tables computed from the price files, and a stale or
// missing compiled copy is never used.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { compilePrices, installPrices } from '../../src/prices/install.js';
import { withDb } from '../../src/store/duckdb.js';

const dir = join(mkdtempSync(join(tmpdir(), 'aicost-prices-')), 'compiled');
afterAll(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

const TABLES = ['model_alias', 'price_wide', 'price_lookup'];

async function snapshot(compiledDir: string): Promise<Record<string, string>> {
  return withDb({}, async (db) => {
    await installPrices(db, { compiledDir });
    const out: Record<string, string> = {};
    for (const t of TABLES) {
      const r = await db.one<{ n: string; h: string }>(
        `SELECT count(*)::VARCHAR n, COALESCE(bit_xor(hash(${t}::VARCHAR)), 0)::VARCHAR h FROM ${t}`,
      );
      out[t] = `${r?.n}:${r?.h}`;
    }
    return out;
  });
}

it('loads the compiled tables, identical to the computed ones', async () => {
  const computed = await snapshot(join(dir, 'missing'));
  await withDb({}, (db) => compilePrices(db, dir));
  const compiled = await snapshot(dir);
  expect(Number(computed.price_lookup!.split(':')[0])).toBeGreaterThan(1000);
  expect(compiled).toEqual(computed);
});

it('uses a current compiled copy as is, and ignores one whose stamp does not match the book and code', async () => {
  await withDb({}, (db) => compilePrices(db, dir));
  const file = join(dir, 'price_lookup.parquet');
  // an emptied copy with a current stamp is loaded as is: proof the compiled path is taken
  await withDb({}, async (db) => {
    await db.run(`CREATE TABLE t AS SELECT * FROM read_parquet('${file}') LIMIT 0`);
    await db.run(`COPY t TO '${file}' (FORMAT parquet)`);
  });
  expect((await snapshot(dir)).price_lookup).toBe('0:0');
  writeFileSync(join(dir, 'stamp.json'), JSON.stringify({ stamp: 'stale' }));
  expect(Number((await snapshot(dir)).price_lookup!.split(':')[0])).toBeGreaterThan(1000);
});
