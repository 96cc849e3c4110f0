// The output layer through the built binary (npm run build first): query streaming CSV and JSON, the CSV formula
// rule on both query paths, the table's row cap, errors in the format asked for, colour, empty views.
import { spawn, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from './helpers/cli.js';
import { fixture, ingestInto, q, tmpHome } from './helpers/home.js';

const { home, cleanup } = tmpHome();
const empty = tmpHome();
afterAll(() => {
  cleanup();
  empty.cleanup();
});
beforeAll(async () => {
  await ingestInto(home, [fixture('litellm/spendlogs.csv'), fixture('openai/costs_by_line_item.json')]);
});

function run(args: string[], env: Record<string, string | undefined> = { NO_COLOR: '1' }) {
  const base = { ...process.env };
  delete base.NO_COLOR;
  delete base.FORCE_COLOR;
  const r = spawnSync(process.execPath, [BIN, '--data', home, ...args], {
    encoding: 'utf8',
    env: { ...base, ...env } as NodeJS.ProcessEnv,
    maxBuffer: 1 << 28,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const FORMULAS = `SELECT '-1+1' AS a, '-2+3+cmd|'' /C calc''!A0' AS b, '-12.5' AS c, '=SUM(A1)' AS "=h", 'a,"b"' AS d,
  NULL AS e, -7 AS n, '@x' AS f, 'ok' AS g`;
const SAFE_CSV = [
  "a,b,c,'=h,d,e,n,f,g",
  `'-1+1,'-2+3+cmd|' /C calc'!A0,-12.5,'=SUM(A1),"a,""b""",,-7,'@x,ok`,
];

describe('aicost query --format csv|json (streamed)', () => {
  it('CSV has every row of the library result, exact decimals, in ORDER BY order', async () => {
    const sql = 'SELECT request_id, input, cost_estimate FROM usage ORDER BY request_id';
    const rows = await q<{ request_id: string; input: string; cost_estimate: string | null }>(home, sql);
    const r = run(['query', sql, '--format', 'csv']);
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toBe('request_id,input,cost_estimate');
    expect(lines.slice(1)).toEqual(rows.map((x) => `${x.request_id},${x.input},${x.cost_estimate ?? ''}`));
  });

  it('neutralises formulas, header included, unless the cell is a plain number', () => {
    expect(run(['query', FORMULAS, '--format', 'csv']).out.trimEnd().split('\n')).toEqual(SAFE_CSV);
    // (the in-memory path, for SHOW and PRAGMA results COPY cannot wrap, shares renderCsv: test/report tests it)
  });

  it('JSON is an array of objects: BIGINT and DECIMAL as strings, times ISO 8601 UTC, JSON as objects', () => {
    const r = run([
      'query',
      `SELECT count(*) AS n, SUM(input) AS input, SUM(cost_estimate) AS cost, min("timestamp") AS first,
         TIMESTAMPTZ '2025-08-01 10:00:00.5+00' AS half, '{"team":"x"}'::JSON AS tags, 1.5::DOUBLE AS d
       FROM usage`,
      '--format',
      'json',
    ]);
    expect(r.code).toBe(0);
    const [row] = JSON.parse(r.out);
    expect(row).toMatchObject({ n: '5', half: '2025-08-01T10:00:00.500Z', tags: { team: 'x' }, d: 1.5 });
    expect(row.input).toMatch(/^\d+$/);
    expect(row.cost).toMatch(/^\d+\.\d{18}$/);
    expect(row.first).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
  });

  it('streams 200,000 rows; an empty result is still valid output', () => {
    const csv = run(['query', 'SELECT range AS i FROM range(200000) ORDER BY i', '--format', 'csv']);
    const lines = csv.out.trimEnd().split('\n');
    expect(lines).toHaveLength(200_001);
    expect(lines[200_000]).toBe('199999');
    const json = JSON.parse(run(['query', 'SELECT range AS i FROM range(200000)', '--format', 'json']).out);
    expect(json).toHaveLength(200_000);
    expect(JSON.parse(run(['query', 'SELECT 1 AS a WHERE false', '--format', 'json']).out)).toEqual([]);
    expect(run(['query', 'SELECT 1 AS a WHERE false', '--format', 'csv']).out).toBe('a\n');
  });

  it('exits 0 when the reader stops early (| head)', async () => {
    const child = spawn(process.execPath, [
      BIN,
      '--data',
      home,
      'query',
      'SELECT range FROM range(5000000)',
      '--format',
      'csv',
    ]);
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
  });
});

describe('the table', () => {
  it('shows the first 1,000 rows with a title, and says how many there are on stderr', () => {
    const r = run(['query', 'SELECT range AS i FROM range(1500)']);
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toBe('Query result: 1,500 rows');
    expect(lines).toHaveLength(1 + 1 + 1000);
    expect(r.err).toContain('showing 1,000 of 1,500 rows; use --format csv for all');
    expect(
      run(['query', 'SELECT range AS i FROM range(1500)', '--max-rows', '0']).out.split('\n'),
    ).toHaveLength(1503);
  });

  it('colour: FORCE_COLOR turns it on off a terminal, NO_COLOR wins', () => {
    expect(run(['query', 'SELECT 1 AS a'], { FORCE_COLOR: '1' }).out).toContain('\x1b[');
    expect(run(['query', 'SELECT 1 AS a'], { FORCE_COLOR: '1', NO_COLOR: '' }).out).not.toContain('\x1b[');
    expect(run(['query', 'SELECT 1 AS a'], {}).out).not.toContain('\x1b[');
  });
});

describe('errors in the format asked for', () => {
  it('--format json and --json make every error one JSON object on stderr', () => {
    for (const args of [
      ['query', 'SELECT nope', '--format', 'json'],
      ['query', 'SELECT nope', '--json'],
      ['top', '--limit', '0', '--format', 'json'],
      ['query', 'SELECT 1', '--format', 'json', '--nope'],
      ['validate', '--view', 'usage', '--json'],
    ]) {
      const r = run(args);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(JSON.parse(r.err)).toMatchObject({ exitCode: 2, error: expect.any(String) });
    }
    expect(run(['query', 'SELECT nope']).err).toMatch(/^error: query failed/);
  });

  it('--json with another --format is a contradiction', () => {
    const r = run(['query', 'SELECT 1', '--format', 'csv', '--json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.err).error).toContain('--json means --format json');
  });
});

describe('validate on an empty data home', () => {
  it('exits 2 and says the view is empty, for every FOCUS view', () => {
    for (const view of ['focus', 'allocated', 'attributed', 'commitments']) {
      const r = run(['--data', empty.home, 'validate', '--view', view]);
      expect(r.code).toBe(2);
      expect(r.err).toContain(`view ${view} is empty`);
      expect(r.out).toBe('');
    }
  });
});
