// Crash leftovers (src/store/leftovers.ts, transaction.ts): the next writer removes staging folders and Parquet no
// manifest lists (only aicost's own files), a commit that fails before its manifest swap takes back what it renamed
// in, and SIGINT/SIGTERM remove staging and release the lock.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { faults } from '../../src/store/faults.js';
import { storedParquetOnDisk } from '../../src/store/leftovers.js';
import { readHolder } from '../../src/store/lock.js';
import { readManifest } from '../../src/store/manifest.js';
import { BIN } from '../helpers/cli.js';
import { fixture, ingestInto, one, scratchHomes } from '../helpers/home.js';

const home = scratchHomes(afterAll);
afterEach(() => {
  faults.inject = undefined;
});

const GLOB_ROWS = (h: string) =>
  `SELECT count(*)::VARCHAR AS n FROM read_parquet('${h}/focus/**/*.parquet', hive_partitioning = false)`;

describe('crash leftovers', () => {
  it('the next writer removes staging folders and unlisted Parquet, and nothing that is not aicost’s', async () => {
    const h = home();
    await ingestInto(h, [fixture('openai/costs_ungrouped.json')]);
    const [listed] = readManifest(h).files.map((f) => f.path);
    const folder = listed!.slice(0, listed!.lastIndexOf('/'));
    // what a killed ingest leaves: its staging folder, and files renamed in before the manifest swap
    mkdirSync(join(h, '.staging', 'a1b2c3d4e5f6', 'scratch'), { recursive: true });
    writeFileSync(join(h, '.staging', 'a1b2c3d4e5f6', 'scratch', 'part-0.parquet'), 'x'.repeat(1000));
    copyFileSync(join(h, listed!), join(h, folder, '0123456789abcdef0123-0.parquet'));
    mkdirSync(join(h, 'focus/x_BillingPeriod=2030-01/x_SourceId=openai-costs'), { recursive: true });
    copyFileSync(
      join(h, listed!),
      join(h, 'focus/x_BillingPeriod=2030-01/x_SourceId=openai-costs/ffff-0.parquet'),
    );
    // files that are not aicost's: kept
    writeFileSync(join(h, 'focus', 'NOTES.md'), 'mine');
    writeFileSync(join(h, folder, 'backup.parquet.bak'), 'mine');
    mkdirSync(join(h, 'exports'));
    copyFileSync(join(h, listed!), join(h, 'exports', 'copy.parquet'));
    // a glob over the tree sees the orphans' rows; the views do not
    expect(await one(h, GLOB_ROWS(h))).toEqual({ n: '3' });

    // the next writer: here an ingest of an input already stored, which changes nothing else
    const again = await ingestInto(h, [fixture('openai/costs_ungrouped.json')]);
    expect(again.files[0]!.status).toBe('unchanged');

    expect(existsSync(join(h, '.staging'))).toBe(false);
    expect(storedParquetOnDisk(h)).toEqual([listed]);
    expect(existsSync(join(h, 'focus/x_BillingPeriod=2030-01'))).toBe(false);
    expect(readFileSync(join(h, 'focus', 'NOTES.md'), 'utf8')).toBe('mine');
    expect(existsSync(join(h, folder, 'backup.parquet.bak'))).toBe(true);
    expect(existsSync(join(h, 'exports', 'copy.parquet'))).toBe(true);
    expect(await one(h, GLOB_ROWS(h))).toEqual({ n: '1' });
    expect(await one(h, 'SELECT SUM(BilledCost)::VARCHAR AS s FROM focus')).toEqual({
      s: '0.060000000000000000',
    });
  });

  it('a commit that fails before the manifest swap takes back the files it renamed in', async () => {
    const h = home();
    await ingestInto(h, [fixture('openai/costs_ungrouped.json')]);
    const before = readFileSync(join(h, 'manifest.json'), 'utf8');
    faults.inject = { point: 'manifest', code: 'EIO' };
    await expect(ingestInto(h, [fixture('anthropic/cost_report.json')])).rejects.toThrow(/EIO/);
    expect(readFileSync(join(h, 'manifest.json'), 'utf8')).toBe(before);
    expect(storedParquetOnDisk(h)).toEqual(readManifest(h).files.map((f) => f.path));
    expect(existsSync(join(h, 'focus/x_BillingPeriod=2025-08'))).toBe(false);
    expect(existsSync(join(h, '.staging'))).toBe(false);
    expect(readHolder(h)).toMatchObject({ held: false, released: true });
  });

  it.each(['SIGTERM', 'SIGINT'] as const)(
    '%s during an ingest removes staging and releases the lock',
    async (signal) => {
      const h = home();
      await ingestInto(h, [fixture('openai/costs_ungrouped.json')]);
      const before = readFileSync(join(h, 'manifest.json'), 'utf8');
      const csv = join(h, 'spend.csv');
      const gen = join(import.meta.dirname, '..', '..', 'bench', 'generate-spendlogs.mjs');
      await new Promise((resolve, reject) =>
        spawn(process.execPath, [gen, '--rows', '20000', '--out', csv, '--workers', '1'], { stdio: 'ignore' })
          .once('exit', resolve)
          .once('error', reject),
      );
      const child = spawn(process.execPath, [BIN, '--data', h, 'ingest', csv], { stdio: 'ignore' });
      const exited = new Promise<NodeJS.Signals | null>((resolve) =>
        child.once('exit', (_c, s) => resolve(s)),
      );
      // wait until the ingest is writing into its staging folder
      const deadline = Date.now() + 30_000;
      const staging = join(h, '.staging');
      while (Date.now() < deadline) {
        const txs = existsSync(staging) ? readdirSync(staging) : [];
        if (txs.length > 0 && readdirSync(join(staging, txs[0]!)).length > 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(readHolder(h)?.held).toBe(true);
      child.kill(signal);
      expect(await exited).toBe(signal);
      expect(existsSync(staging)).toBe(false);
      expect(readHolder(h)).toMatchObject({ held: false, released: true });
      expect(readFileSync(join(h, 'manifest.json'), 'utf8')).toBe(before);
      expect(storedParquetOnDisk(h)).toEqual(readManifest(h).files.map((f) => f.path));
    },
  );
});
