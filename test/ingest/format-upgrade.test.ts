// Data home format 2 (usage/ by month): a format-1 home (usage/ by day) keeps working and is upgraded on its next
// write; a home of a newer format is refused with a clear message.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { readManifest } from '../../src/store/manifest.js';
import { fixture, ingestInto, one, tmpHome } from '../helpers/home.js';

const homes: (() => void)[] = [];
afterEach(() => {
  for (const c of homes.splice(0)) c();
});
function home() {
  const h = tmpHome();
  homes.push(h.cleanup);
  return h.home;
}

/** Rewrites a format-2 home as format 1 wrote it: usage files in day folders, day partitions, version 1. */
function downgrade(h: string): void {
  const path = join(h, 'manifest.json');
  const m = JSON.parse(readFileSync(path, 'utf8'));
  for (const f of m.files) {
    if (f.dataset !== 'usage') continue;
    const day = `${f.partition}-01`;
    const old = f.path.replace(/month=\d{4}-\d{2}/, `date=${day}`);
    mkdirSync(dirname(join(h, old)), { recursive: true });
    renameSync(join(h, f.path), join(h, old));
    f.path = old;
    f.partition = day;
  }
  m.formatVersion = 1;
  writeFileSync(path, JSON.stringify(m));
}

it('writes usage/ by month, one file per input and month', async () => {
  const h = home();
  await ingestInto(h, [fixture('litellm/spendlogs.csv')]);
  const usage = readManifest(h).files.filter((f) => f.dataset === 'usage');
  expect(usage).toHaveLength(1);
  expect(usage[0]!.path).toMatch(/^usage\/month=2025-08\/source_id=litellm\/[0-9a-f]{20}-0\.parquet$/);
  expect(usage[0]!.partition).toBe('2025-08');
});

it('reads a format-1 home, replaces its rows by key, and records format 2 on the next write', async () => {
  const h = home();
  await ingestInto(h, [fixture('litellm/spendlogs.csv')]);
  const before = await one<{ n: string; s: string }>(
    h,
    'SELECT count(*)::VARCHAR n, SUM(source_cost)::VARCHAR s FROM usage',
  );
  downgrade(h);
  expect(readManifest(h).formatVersion).toBe(2);
  expect(await one(h, 'SELECT count(*)::VARCHAR n, SUM(source_cost)::VARCHAR s FROM usage')).toEqual(before);
  // the same requests restated in another file replace the format-1 rows instead of doubling them
  const dir = join(h, 'in');
  mkdirSync(dir);
  writeFileSync(join(dir, 'again.csv'), `${readFileSync(fixture('litellm/spendlogs.csv'), 'utf8')}\n`);
  const r = await ingestInto(h, [join(dir, 'again.csv')]);
  expect(r.files[0]!.replaced).toBeGreaterThan(0);
  expect(await one(h, 'SELECT count(*)::VARCHAR n, SUM(source_cost)::VARCHAR s FROM usage')).toEqual(before);
  expect(JSON.parse(readFileSync(join(h, 'manifest.json'), 'utf8')).formatVersion).toBe(2);
});

it('refuses a data home written by a newer aicost', async () => {
  const h = home();
  await ingestInto(h, [fixture('litellm/spendlogs.csv')]);
  const path = join(h, 'manifest.json');
  const m = JSON.parse(readFileSync(path, 'utf8'));
  writeFileSync(path, JSON.stringify({ ...m, formatVersion: 3 }));
  expect(() => readManifest(h)).toThrow(InputError);
  expect(() => readManifest(h)).toThrow(/format 3 is newer/);
});
