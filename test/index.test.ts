// The programmatic API end to end, imported the way a library user imports it: ingest -> allocate -> query ->
// validate -> top -> forget on the constructed same-day set of fixtures/allocation (hand-computed totals in its
// ORIGIN.md), into a throwaway data home. Every function returns data; nothing may be printed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  allocate,
  forget,
  InputError,
  ingest,
  query,
  sources,
  TOKEN_CLASSES,
  top,
  VIEWS,
  validate,
} from '../src/index.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'allocation');
const ALL = { from: null, to: null };

describe('the programmatic API (src/index.ts)', () => {
  const home = mkdtempSync(join(tmpdir(), 'aicost-api-'));
  const stdout = vi.spyOn(process.stdout, 'write');
  const stderr = vi.spyOn(process.stderr, 'write');
  beforeAll(() => {
    stdout.mockClear();
    stderr.mockClear();
  });
  afterAll(() => {
    // the whole run, every function of the API included, wrote nothing to the terminal
    expect(stdout).not.toHaveBeenCalled();
    expect(stderr).not.toHaveBeenCalled();
    vi.restoreAllMocks();
    rmSync(home, { recursive: true, force: true });
  });

  it('ingest returns a per-file report with exact reconciliation', async () => {
    const report = await ingest({ home, paths: [FIXTURES] });
    expect(report.committed).toBe(true);
    const byFile = Object.fromEntries(report.files.map((f) => [f.path.split('/').pop(), f]));
    expect(Object.keys(byFile).sort()).toEqual([
      'anthropic_cost_report.json',
      'gateway_spendlogs.csv',
      'openai_costs.json',
    ]);
    expect(report.files.every((f) => f.status === 'ingested')).toBe(true);
    expect(byFile['gateway_spendlogs.csv']).toMatchObject({ sourceId: 'litellm', rowsOut: 6 });
    expect(byFile['openai_costs.json']).toMatchObject({ sourceId: 'openai-costs', rowsOut: 4 });
    expect(byFile['anthropic_cost_report.json']).toMatchObject({ sourceId: 'anthropic-cost', rowsOut: 3 });
    for (const f of report.files) for (const r of f.reconciliation) expect(r.stored).toBe(r.source);
  });

  it('allocate returns the run: pool, allocated totals, coverage and showback', async () => {
    const run = await allocate({ home, keys: ['feature'], method: 'x-token-cost-v1', period: ALL });
    expect(run.unchanged).toBe(false);
    expect(run.originRows).toBe(7);
    expect(run.pool.EffectiveCost).toBe('0.275147500000000000');
    expect(run.allocated.EffectiveCost).toBe(run.pool.EffectiveCost);
    expect(run.coverage.map((c) => [c.level, c.rows]).sort()).toEqual([
      ['model+class+day', 6],
      ['unmatched', 1],
    ]);
    const lines = Object.fromEntries(run.showback.map((l) => [l.target ?? l.kind, l]));
    expect(lines.search?.tokens.input).toBe('1300');
    expect(lines.unallocated?.effectiveCost).toBe('0.250000000000000000');
  });

  it('query returns columns and rows: per-feature totals to the cent and beyond', async () => {
    const r = await query(
      home,
      `SELECT COALESCE(AllocatedResourceId, 'NULL') AS target, SUM(EffectiveCost)::VARCHAR AS cost
         FROM allocated GROUP BY 1 ORDER BY 1`,
    );
    expect(r.columns).toEqual(['target', 'cost']);
    expect(Object.fromEntries(r.rows.map((x) => [x.target, x.cost]))).toEqual({
      '(untagged)': '0.000105000000000000',
      NULL: '0.250000000000000000',
      chat: '0.010942500000000000',
      search: '0.000300000000000000',
      summarize: '0.013800000000000000',
    });
    const counts = await query(
      home,
      `SELECT (SELECT count(*) FROM focus)::INTEGER AS focus, (SELECT count(*) FROM usage)::INTEGER AS usage,
              (SELECT SUM(BilledCost) FROM attributed)::VARCHAR AS attributed`,
    );
    expect(counts.rows).toEqual([{ focus: 7, usage: 6, attributed: '0.275147500000000000' }]);
  });

  it('validate returns the report as data: the derived views pass FOCUS 1.3', async () => {
    for (const view of ['allocated', 'attributed']) {
      const report = await validate({ home, view });
      expect(report.schema).toBe('aicost.validate/1');
      expect(report.relation).toBe(`view ${view}`);
      expect(report.exitCode).toBe(0);
      expect(report.totals.derivedViolations).toBe(0);
    }
    await expect(validate({ home, view: 'nope' })).rejects.toBeInstanceOf(InputError);
    await expect(validate({ home })).rejects.toBeInstanceOf(InputError);
  });

  it('top, sources and the vocabulary are plain data', async () => {
    const traces = await top(home, 'trace', 5);
    expect(traces.map((t) => [t.id, t.cost, t.basis])).toEqual([
      ['t-agent-1', '0.024300000000000000', 'invoiced'],
      ['t-search-1', '0.000195000000000000', 'invoiced'],
    ]);
    expect((await sources()).map((s) => s.id)).toContain('litellm');
    expect(VIEWS).toContain('usage_attributed');
    expect(TOKEN_CLASSES).toContain('cache_read');
  });

  it('bad options are InputErrors before anything runs; forget returns what it removed', async () => {
    const bad = { home, method: 'x-token-cost-v1', period: ALL } as const;
    await expect(allocate({ ...bad, keys: [] })).rejects.toBeInstanceOf(InputError);
    await expect(allocate({ ...bad, keys: ['a b'] })).rejects.toBeInstanceOf(InputError);
    await expect(allocate({ ...bad, keys: ['feature'], outputWeight: 0 })).rejects.toBeInstanceOf(InputError);
    await expect(
      allocate({ ...bad, keys: ['feature'], period: { from: '2025/08/01', to: null } }),
    ).rejects.toBeInstanceOf(InputError);
    const gone = await forget({ home, source: 'anthropic-cost' });
    // the cost report's focus/ file (3 lines) and its allocated/ file (each line split: summarize and chat)
    expect(gone).toEqual({ files: 2, inputs: 1, rows: 9 });
    const left = await query(home, 'SELECT SUM(BilledCost)::VARCHAR AS f FROM focus');
    expect(left.rows[0]?.f).toBe('0.250847500000000000');
  });
});
