// A listed Parquet file that is missing or truncated: exit 2 naming the file (never a DuckDB failure, exit 3), and
// the repair paths `aicost doctor --fix` and `aicost forget --file <stored file>`.
import { readFileSync, rmSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readManifest } from '../../src/store/manifest.js';
import { runCli } from '../helpers/cli.js';
import { fixture, ingestInto, one, scratchHomes } from '../helpers/home.js';

const home = scratchHomes(afterAll);
const OPENAI = fixture('openai/costs_ungrouped.json');
const ANTHROPIC = fixture('anthropic/cost_report.json');
const SUM = 'SELECT SUM(BilledCost)::VARCHAR AS s, count(*)::VARCHAR AS n FROM focus';

async function twoSources(): Promise<{ h: string; anthropicFile: string }> {
  const h = home();
  await ingestInto(h, [OPENAI, ANTHROPIC]);
  const anthropicFile = readManifest(h).files.find((f) => f.sourceId === 'anthropic-cost')!.path;
  return { h, anthropicFile };
}

describe('missing or truncated stored files', () => {
  it('a missing file: query exits 2 naming it, with the repair path', async () => {
    const { h, anthropicFile } = await twoSources();
    rmSync(join(h, anthropicFile));
    const r = await runCli(['--data', h, 'query', SUM]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(h, anthropicFile)}: stored file listed in the manifest is missing`);
    expect(r.stderr).toContain(`its rows came from ${ANTHROPIC}`);
    expect(r.stderr).toContain('aicost doctor --fix');
    // a writer refuses too, before touching anything
    const w = await runCli(['--data', h, 'ingest', fixture('litellm/spendlogs.csv')]);
    expect(w.code).toBe(2);
    expect(w.stderr).toContain('is missing');
  });

  it('a truncated file: exit 2 naming it; doctor reports it (exit 1) and --fix drops its input, recorded', async () => {
    const { h, anthropicFile } = await twoSources();
    const abs = join(h, anthropicFile);
    truncateSync(abs, Math.floor(readFileSync(abs).length / 2));
    const q = await runCli(['--data', h, 'query', SUM]);
    expect(q.code).toBe(2);
    expect(q.stderr).toMatch(
      /stored file listed in the manifest is truncated \(\d+ bytes, no Parquet footer\)/,
    );

    const d = await runCli(['--data', h, 'doctor', '--format', 'json']);
    expect(d.code).toBe(1);
    const report = JSON.parse(d.stdout);
    expect(report.broken).toEqual([
      {
        path: anthropicFile,
        problem: expect.stringMatching(/^truncated/),
        dataset: 'focus',
        rows: 1,
        input: ANTHROPIC,
      },
    ]);

    const fix = await runCli(['--data', h, 'doctor', '--fix']);
    expect(fix.code).toBe(0);
    expect(fix.stdout).toContain('fixed: dropped 1 files (1 rows) of 1 inputs');
    expect(fix.stdout).toContain(`ingest again to restore: ${ANTHROPIC}`);
    const m = readManifest(h);
    expect(m.files.map((f) => f.sourceId)).toEqual(['openai-costs']);
    expect(m.inputs.map((i) => i.path)).toEqual([OPENAI]);
    expect(m.repairs).toHaveLength(1);
    expect(m.repairs[0]!.files).toEqual([
      expect.objectContaining({
        path: anthropicFile,
        rows: 1,
        totals: expect.objectContaining({ BilledCost: '1.237891200000000000' }),
      }),
    ]);
    expect(await one(h, SUM)).toEqual({ s: '0.060000000000000000', n: '1' });

    // the repair path ends with the input ingested again: everything is back
    await ingestInto(h, [ANTHROPIC]);
    expect(await one(h, SUM)).toEqual({ s: '1.297891200000000000', n: '2' });
    const healthy = await runCli(['--data', h, 'doctor']);
    expect(healthy.code).toBe(0);
    expect(healthy.stdout).toContain('stored files: all present and complete');
  });

  it('forget --file works on a missing stored file', async () => {
    const { h, anthropicFile } = await twoSources();
    rmSync(join(h, anthropicFile));
    const f = await runCli(['--data', h, 'forget', '--file', join(h, anthropicFile)]);
    expect(f.code).toBe(0);
    expect(f.stdout).toContain('forgot 1 files, 1 rows (1 inputs)');
    expect(await one(h, SUM)).toEqual({ s: '0.060000000000000000', n: '1' });
  });

  it('a file replaced by one with other rows is reported by doctor', async () => {
    const { h, anthropicFile } = await twoSources();
    const openaiFile = readManifest(h).files.find((f) => f.sourceId === 'openai-costs')!.path;
    // a valid Parquet file, but not the one the manifest recorded (rows differ)
    const { withDb, lit } = await import('../../src/store/duckdb.js');
    await withDb({}, (db) =>
      db.run(
        `COPY (SELECT * FROM read_parquet(${lit(join(h, openaiFile))}) UNION ALL SELECT * FROM read_parquet(${lit(join(h, openaiFile))})) TO ${lit(join(h, anthropicFile))} (FORMAT parquet)`,
      ),
    );
    const d = await runCli(['--data', h, 'doctor']);
    expect(d.code).toBe(1);
    expect(d.stdout).toContain(
      `${anthropicFile}: holds 2 rows, the manifest lists 1 (1 rows from ${ANTHROPIC})`,
    );
  });
});
