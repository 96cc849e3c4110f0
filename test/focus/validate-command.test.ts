// `aicost validate` as a command: PATH and --view, table and JSON output, and the exit semantics of
// docs/validation.md#carried-over-and-derived
// (derived data breaking a MUST rule -> exit 1; only carried-over findings -> exit 0; --strict; unreadable -> 2).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { register } from '../../src/commands/validate.js';
import { exitCodeOf } from '../../src/errors.js';
import { focusStoredColumns, selectList } from '../../src/focus/schema.js';
import { ident, lit, withDb } from '../../src/store/duckdb.js';

const BROKEN = join(import.meta.dirname, '..', '..', 'fixtures', 'focus-broken', 'broken_1_3.csv');

/** Runs `aicost <args>` through the command's own registration; returns stdout and the exit code cli.ts would use. */
async function run(args: string[]): Promise<{ code: number; stdout: string }> {
  const program = new Command('aicost').option('--data <dir>', 'data home', './aicost-data').exitOverride();
  program.configureOutput({ writeOut: () => {}, writeErr: () => {} });
  register(program);
  let stdout = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  try {
    await program.parseAsync(['node', 'aicost', ...args]);
    return { code: 0, stdout };
  } catch (err) {
    return { code: exitCodeOf(err), stdout };
  } finally {
    spy.mockRestore();
  }
}

/**
 * A data home whose focus/ holds the three correct lines of the broken fixture plus its ListCost line
 * (ListCost != ListUnitPrice x PricingQuantity), that last row tagged with x_CostSource = `badSource`.
 */
async function makeHome(badSource: string): Promise<string> {
  const home = mkdtempSync(join(tmpdir(), 'aicost-validate-home-'));
  mkdirSync(join(home, 'focus'));
  const file = join(home, 'focus', 'part.parquet');
  const cols = focusStoredColumns();
  const exprs: Record<string, string> = Object.fromEntries(
    cols.filter((c) => !c.name.startsWith('x_')).map((c) => [c.name, ident(c.name)]),
  );
  exprs.x_RowId = `'row-' || ChargeDescription || '-' || ListCost`;
  exprs.x_SourceId = `'test'`;
  exprs.x_SourceFile = lit(BROKEN);
  exprs.x_CostSource = `CASE WHEN ListCost = '4' THEN ${lit(badSource)} ELSE 'cost-report' END`;
  await withDb({}, (db) =>
    db.run(
      `COPY (SELECT ${selectList(cols, exprs)} FROM read_csv(${lit(BROKEN)}, all_varchar = true)
        WHERE ChargeCategory IN ('Usage', 'Purchase') AND BilledCost IS NOT NULL AND ListUnitPrice NOT LIKE '-%'
          AND BillingCurrency = 'USD' AND Tags NOT LIKE '%search}') TO ${lit(file)} (FORMAT parquet)`,
    ),
  );
  const manifest = {
    formatVersion: 2,
    focusVersion: '1.3',
    salt: '00',
    files: [
      {
        path: 'focus/part.parquet',
        dataset: 'focus',
        sourceId: 'test',
        partition: '2025-04',
        inputSha256: '0',
        rows: 4,
        totals: {},
        createdAt: '2025-05-01T00:00:00Z',
      },
    ],
    inputs: [],
    allocations: [],
  };
  writeFileSync(join(home, 'manifest.json'), JSON.stringify(manifest));
  return home;
}

const homes: string[] = [];
afterAll(() => {
  for (const h of homes) rmSync(h, { recursive: true, force: true });
});
afterEach(() => vi.restoreAllMocks());

describe('aicost validate PATH', () => {
  it('prints the findings table and exits 1 on a broken FOCUS file', async () => {
    const { code, stdout } = await run(['validate', BROKEN]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/CAU-ChargeCategory-C-003-M\s+ChargeCategory\s+fail\s+1\s+1\s+0\s+record 5/);
    expect(stdout).toMatch(/Totals: \d+ rules: \d+ pass, 9 fail, 0 warning/);
    expect(stdout).toContain('Result: FAIL');
  });

  it('--format json prints the versioned report', async () => {
    const { code, stdout } = await run(['validate', BROKEN, '--format', 'json', '--focus-version', '1.3']);
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ schema: 'aicost.validate/1', focusVersion: '1.3', exitCode: 1, rows: 9 });
    expect(report.results.find((r: { id: string }) => r.id === 'CAU-Tags-C-001-M')).toMatchObject({
      status: 'fail',
      requirement: 'Tags MUST conform to KeyValueFormat requirements.',
    });
  });

  it('exits 2 when the path cannot be read, or when neither PATH nor --view is given', async () => {
    expect((await run(['validate', join(tmpdir(), 'does-not-exist.csv')])).code).toBe(2);
    expect((await run(['validate'])).code).toBe(2);
    expect((await run(['validate', BROKEN, '--limit', '0'])).code).toBe(2);
  });
});

describe('aicost validate --view focus', () => {
  let carriedHome: string;
  let derivedHome: string;
  beforeAll(async () => {
    carriedHome = await makeHome('focus');
    derivedHome = await makeHome('cost-report');
    homes.push(carriedHome, derivedHome);
  });

  it('exits 0 when the only findings are carried-over input data, and labels them', async () => {
    const { code, stdout } = await run(['--data', carriedHome, 'validate', '--view', 'focus']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/CAU-ListCost-C-011-C\s+ListCost\s+fail\s+1\s+0\s+1\s+row-gpt-4o input tokens-4/);
    expect(stdout).toContain('(carried-over: source data, not repaired)');
    expect(stdout).toContain('Result: OK');
  });

  it('--strict makes the carried-over finding exit 1', async () => {
    expect((await run(['--data', carriedHome, 'validate', '--view', 'focus', '--strict'])).code).toBe(1);
  });

  it('exits 1 when the same row was derived by aicost', async () => {
    const { code, stdout } = await run(['--data', derivedHome, 'validate', '--view', 'focus']);
    expect(code).toBe(1);
    expect(stdout).toMatch(/CAU-ListCost-C-011-C\s+ListCost\s+fail\s+1\s+1\s+0/);
  });

  it('refuses a view that is not FOCUS-shaped', async () => {
    expect((await run(['--data', carriedHome, 'validate', '--view', 'usage'])).code).toBe(2);
  });
});
