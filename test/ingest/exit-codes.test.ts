// User and environment mistakes exit 2 with a message naming the problem, never 3 (a bug) or 0 (silently nothing):
// the cases a hostile-input review reproduced, each through the CLI as a user meets it.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { fixture, one, scratchHomes, tmpHome } from '../helpers/home.js';

const home = scratchHomes(afterAll);
const { home: dir, cleanup } = tmpHome();
afterAll(cleanup);

const HEADER = 'timestamp,request_id,provider,model,input_tokens,output_tokens,"tag.te""am"';
const gatewayCsv = (name: string, ...rows: string[]) => {
  const p = join(dir, name);
  writeFileSync(p, `${[HEADER, ...rows].join('\n')}\n`);
  return p;
};

describe('exit 2, not 3 or 0', () => {
  it("a tag key with a quote can be hashed (--hash-tags 'te\"am')", async () => {
    const h = home();
    const file = gatewayCsv('quote.csv', '2025-10-06T08:15:00Z,q-1,openai,gpt-4o-mini,100,10,search');
    const r = await runCli(['ingest', file, '--data', h, '--hash-tags', 'te"am']);
    expect(r.code, r.stderr).toBe(0);
    const row = await one<{ v: string }>(
      h,
      `SELECT json_extract_string(tags, '$."te\\"am"') AS v FROM usage`,
    );
    expect(row.v).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a UTC offset beyond ±14:00 is an input error naming file, line and column', async () => {
    const h = home();
    const file = gatewayCsv(
      'offset.csv',
      '2025-10-06T08:15:00+14:00,o-1,openai,gpt-4o-mini,100,10,a',
      '2025-10-06T08:15:00+25:00,o-2,openai,gpt-4o-mini,100,10,a',
    );
    const r = await runCli(['ingest', file, '--data', h]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}, line 3, column timestamp: not a date/time`);
  });

  it('--keep-going stores the good files and still exits 2 for the bad one', async () => {
    const h = home();
    const folder = join(dir, 'mixed');
    mkdirSync(folder);
    writeFileSync(
      join(folder, 'a-good.csv'),
      `${HEADER}\n2025-10-06T08:15:00-12:00,k-1,openai,gpt-4o-mini,100,10,a\n`,
    );
    writeFileSync(
      join(folder, 'b-bad.csv'),
      `${HEADER}\n2025-10-06T08:15:00+2500,k-2,openai,gpt-4o-mini,5,5,a\n`,
    );
    const r = await runCli(['ingest', folder, '--data', h, '--keep-going']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('b-bad.csv');
    const stored = await one<{ n: string; t: string }>(
      h,
      'SELECT count(*)::VARCHAR AS n, min(timestamp)::VARCHAR AS t FROM usage',
    );
    expect(stored).toEqual({ n: '1', t: '2025-10-06 20:15:00+00' });
  });

  it('a 2.5 MB line in a column aicost ignores ingests; a line over 16 MiB is an input error', async () => {
    const h = home();
    const { readFileSync } = await import('node:fs');
    const [header, row] = readFileSync(fixture('litellm', 'spendlogs.csv'), 'utf8').split('\n');
    const cols = header!.split(',');
    const at = cols.indexOf('messages');
    // the fixture's first row, its messages cell replaced by a long prompt (quoted CSV, no commas inside)
    const cells = row!.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map((c) => c.replace(/,$/, ''));
    const withPrompt = (n: number) => {
      const c = [...cells];
      c[at] = `"[{""role"": ""user"", ""content"": ""${'x'.repeat(n)}""}]"`;
      return c.slice(0, cols.length).join(',');
    };
    const big = join(dir, 'big-prompt.csv');
    writeFileSync(big, `${header}\n${withPrompt(2_500_000)}\n`);
    const ok = await runCli(['ingest', big, '--data', h]);
    expect(ok.code, ok.stderr.slice(0, 500)).toBe(0);
    expect((await one<{ n: string }>(h, 'SELECT count(*)::VARCHAR AS n FROM usage')).n).toBe('1');

    const huge = join(dir, 'huge-prompt.csv');
    writeFileSync(huge, `${header}\n${withPrompt(17 * 1024 * 1024)}\n`);
    const bad = await runCli(['ingest', huge, '--data', h]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`${huge}: a line is longer than 16 MiB`);
    // the message quotes no part of the line (prompts and keys live there)
    expect(bad.stderr).not.toContain('xxxxxxxx');
    expect(bad.stderr.length).toBeLessThan(1000);
  });

  it('forget selectors that match nothing exit 2 and record nothing', async () => {
    const h = home();
    await runCli(['ingest', fixture('openai', 'costs_ungrouped.json'), '--data', h]);
    const { readFileSync } = await import('node:fs');
    const before = readFileSync(join(h, 'manifest.json'), 'utf8');
    const source = await runCli(['forget', '--source', 'nosuchsource', '--data', h]);
    expect(source.code).toBe(2);
    expect(source.stderr).toContain('nothing to forget: no stored file matches --source nosuchsource');
    expect(source.stderr).toContain('stored sources: openai-costs');
    const file = await runCli(['forget', '--file', 'x', '--data', h]);
    expect(file.code).toBe(2);
    expect(file.stderr).toContain('costs_ungrouped.json');
    const period = await runCli(['forget', '--period', '1999-01', '--data', h, '--json']);
    expect(period.code).toBe(2);
    expect(JSON.parse(period.stderr).hint).toMatch(/stored months: \d{4}-\d{2}/);
    expect(readFileSync(join(h, 'manifest.json'), 'utf8')).toBe(before);
  });

  it('impossible and inverted allocation ranges exit 2', async () => {
    const h = home();
    const month = await runCli(['allocate', '--by', 'team', '--from', '2025-13-01', '--data', h]);
    expect(month.code).toBe(2);
    expect(month.stderr).toContain('--from must be a calendar day');
    const inverted = await runCli([
      'allocate',
      '--by',
      'team',
      '--from',
      '2025-09-01',
      '--to',
      '2025-08-01',
      '--data',
      h,
    ]);
    expect(inverted.code).toBe(2);
  });
});

describe('symbolic links in a walked folder', () => {
  it('are followed; a loop, a duplicate path and a broken link are listed as skipped', async () => {
    const h = home();
    const root = join(dir, 'linked');
    mkdirSync(join(root, 'sub'), { recursive: true });
    const real = gatewayCsv('real.csv', '2025-10-06T08:15:00Z,s-1,openai,gpt-4o-mini,100,10,a');
    symlinkSync(real, join(root, 'sub', 'export.csv'));
    symlinkSync(real, join(root, 'sub', 'export-again.csv'));
    symlinkSync(root, join(root, 'sub', 'loop'));
    symlinkSync(join(dir, 'nowhere.csv'), join(root, 'broken.csv'));
    const r = await runCli(['ingest', root, '--data', h, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.files.map((f: { path: string; status: string }) => [f.path, f.status])).toEqual([
      [join(root, 'sub', 'export-again.csv'), 'ingested'],
    ]);
    const reasons = Object.fromEntries(
      report.skipped.map((s: { path: string; reason: string }) => [s.path.slice(root.length + 1), s.reason]),
    );
    expect(reasons).toEqual({
      'broken.csv': 'a broken symbolic link',
      'sub/export.csv': `the same file as ${join(root, 'sub', 'export-again.csv')}`,
      'sub/loop': 'a symbolic link to a folder already walked (a loop)',
    });
  });
});
