// `aicost query` cannot change anything: every writing statement the hostile-input review reproduced (COPY over the
// manifest or a stored Parquet, ATTACH + CREATE, chained statements, INSTALL, SET) exits 2 and leaves the data home
// byte for byte as it was; reads, including of files the user names, still work.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readManifest } from '../../src/store/manifest.js';
import { runCli } from '../helpers/cli.js';
import { fixture, ingestInto, tmpHome } from '../helpers/home.js';

const { home, cleanup } = tmpHome();
afterAll(cleanup);

/** Every file of the data home with its hash: the state a refused statement must not change. */
function snapshot(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) Object.assign(out, snapshot(p, `${prefix}${name}/`));
    else out[`${prefix}${name}`] = createHash('sha256').update(readFileSync(p)).digest('hex');
  }
  return out;
}

const query = (sql: string, ...flags: string[]) => runCli(['query', sql, '--data', home, ...flags]);

let before: Record<string, string>;
let parquet: string;
beforeAll(async () => {
  await ingestInto(home, [fixture('openai', 'costs_ungrouped.json')]);
  before = snapshot(home);
  const file = readManifest(home).files.find((f) => f.dataset === 'focus');
  parquet = join(home, file?.path ?? '');
});

describe('aicost query is read-only', () => {
  const refused: [string, string, RegExp][] = [
    [
      'COPY over the manifest',
      `COPY (SELECT 1 AS x) TO '${join(home, 'manifest.json')}'`,
      /COPY is not allowed/,
    ],
    [
      'COPY over a stored Parquet file',
      `COPY (SELECT * REPLACE (BilledCost * 0 AS BilledCost) FROM focus) TO '${'PARQUET'}' (FORMAT parquet)`,
      /COPY is not allowed/,
    ],
    ['ATTACH a database file', `ATTACH '${join(home, 'evil.db')}' AS evil`, /ATTACH is not allowed/],
    ['CREATE TABLE', 'CREATE TABLE t AS SELECT 1', /CREATE is not allowed/],
    ['chained statements', "SELECT 1; COPY (SELECT 1) TO 'x.csv'", /one statement; found 2/],
    ['INSTALL', 'INSTALL httpfs', /INSTALL or LOAD is not allowed/],
    ['SET', 'SET enable_external_access = false', /SET .*is not allowed/],
    ['EXPORT DATABASE', `EXPORT DATABASE '${join(home, 'export')}'`, /EXPORT is not allowed/],
  ];
  for (const [name, sql, message] of refused) {
    it(`refuses ${name} with exit 2 and changes nothing`, async () => {
      // every output path guards (table preview, streamed export, JSON errors); one format is enough for the rest
      const formats = name === refused[0]?.[0] ? ['table', 'csv', 'json'] : ['csv'];
      for (const format of formats) {
        const r = await query(sql.replace("'PARQUET'", `'${parquet}'`), '--format', format);
        expect(r.code, `${format}: ${r.stderr}`).toBe(2);
        if (format === 'json') expect(JSON.parse(r.stderr).error).toMatch(message);
        else expect(r.stderr).toMatch(message);
      }
      expect(snapshot(home)).toEqual(before);
      expect(existsSync(join(home, 'evil.db'))).toBe(false);
    });
  }

  it('says how to save a result instead', async () => {
    const r = await query(`COPY focus TO '${join(home, 'out.csv')}'`);
    expect(r.stderr).toContain('--format csv');
  });

  it('still answers reads: the views, a file the user names, SHOW/DESCRIBE, EXPLAIN', async () => {
    const total = await query('SELECT SUM(BilledCost) AS total FROM focus', '--format', 'csv');
    expect(total.code).toBe(0);
    expect(total.stdout.trim().split('\n')[1]).toBe('0.060000000000000000');
    const csv = join(home, '..', `user-${process.pid}.csv`);
    writeFileSync(csv, 'team,budget\nsearch,12.50\n');
    const file = await query(`SELECT budget FROM read_csv('${csv}')`, '--format', 'json');
    expect(file.code).toBe(0);
    expect(JSON.parse(file.stdout)).toEqual([{ budget: 12.5 }]);
    expect((await query('DESCRIBE focus', '--format', 'csv')).code).toBe(0);
    expect((await query('EXPLAIN SELECT * FROM usage')).code).toBe(0);
    // a trailing line comment must not swallow the parenthesis the streamed export wraps the query in
    const commented = await query('SELECT 41 + 1 AS answer -- the answer', '--format', 'csv');
    expect(commented.stdout).toBe('answer\n42\n');
  });
});
