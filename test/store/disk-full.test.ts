// A full disk during a write (src/errors.ts asUserError, injected through src/store/faults.ts): exit 2 with a clear
// message, and the data home exactly as before, at every point of the write.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { asUserError, ExitCode, exitCodeOf, InputError } from '../../src/errors.js';
import { type FaultPoint, faults } from '../../src/store/faults.js';
import { storedParquetOnDisk } from '../../src/store/leftovers.js';
import { readManifest } from '../../src/store/manifest.js';
import { runCli } from '../helpers/cli.js';
import { fixture, ingestInto, one, scratchHomes } from '../helpers/home.js';

const home = scratchHomes(afterAll);
afterEach(() => {
  faults.inject = undefined;
});

async function homeWithOpenAi(): Promise<{ h: string; manifest: string }> {
  const h = home();
  await ingestInto(h, [fixture('openai/costs_ungrouped.json')]);
  return { h, manifest: readFileSync(join(h, 'manifest.json'), 'utf8') };
}

function expectUnchanged(h: string, manifest: string): void {
  expect(readFileSync(join(h, 'manifest.json'), 'utf8')).toBe(manifest);
  expect(storedParquetOnDisk(h)).toEqual(readManifest(h).files.map((f) => f.path));
  expect(existsSync(join(h, '.staging'))).toBe(false);
}

describe('disk full', () => {
  it('ENOSPC while staging an ingest: exit 2, a clear message, the data home unchanged', async () => {
    const { h, manifest } = await homeWithOpenAi();
    const r = await runCli(['--data', h, 'ingest', fixture('anthropic/cost_report.json')], {
      env: { AICOST_INJECT_FAULT: 'stage:ENOSPC' },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'the disk is full (no space left on device); nothing was stored and the data home is unchanged',
    );
    expect(r.stderr).toContain('hint: free some space');
    expect(r.stderr).not.toContain('internal error');
    expectUnchanged(h, manifest);
    expect(await one(h, 'SELECT SUM(BilledCost)::VARCHAR AS s FROM focus')).toEqual({
      s: '0.060000000000000000',
    });
  });

  it.each(['rename', 'manifest'] as FaultPoint[])('ENOSPC at commit (%s): nothing changes', async (point) => {
    const { h, manifest } = await homeWithOpenAi();
    faults.inject = { point, code: 'ENOSPC' };
    const err = await ingestInto(h, [fixture('anthropic/cost_report.json')]).catch((e) => e);
    const user = asUserError(err);
    expect(user).toBeInstanceOf(InputError);
    expect(exitCodeOf(user)).toBe(ExitCode.input);
    expectUnchanged(h, manifest);
    faults.inject = undefined;
    // and the next ingest works
    await ingestInto(h, [fixture('anthropic/cost_report.json')]);
    expect(await one(h, 'SELECT SUM(BilledCost)::VARCHAR AS s FROM focus')).toEqual({
      s: '1.297891200000000000',
    });
  });

  it('DuckDB’s own disk-full message is a user error too; other failures stay bugs', () => {
    const duck = new Error(
      'IO Error: Could not write file "/d/.staging/x/part.parquet": No space left on device',
    );
    expect(exitCodeOf(asUserError(duck))).toBe(2);
    const quota = Object.assign(new Error('EDQUOT: disk quota exceeded, write'), {
      code: 'EDQUOT',
      path: '/d/m',
    });
    expect((asUserError(quota) as InputError).describe()).toBe(
      '/d/m: the disk is full (disk quota exceeded); nothing was stored and the data home is unchanged',
    );
    const ro = Object.assign(new Error('EROFS: read-only file system, mkdir'), {
      code: 'EROFS',
      path: '/ro/h',
    });
    expect((asUserError(ro) as InputError).describe()).toBe(
      '/ro/h: cannot write here (read-only file system)',
    );
    expect(exitCodeOf(asUserError(new Error('Binder Error: column x not found')))).toBe(3);
  });
});
