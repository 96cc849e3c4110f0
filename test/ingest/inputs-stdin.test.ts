// `aicost ingest -`: standard input is spooled, hashed and ingested like a file named `<stdin>` (plain or gzip),
// through the built binary as users run it (`npm run build` first).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture, one, tmpHome } from '../helpers/home.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'aicost.js');
const cleanups: (() => void)[] = [];
afterAll(() => {
  for (const c of cleanups) c();
});

function run(home: string, args: string[], input?: Buffer) {
  const r = spawnSync(process.execPath, [BIN, '--data', home, ...args], {
    input,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function home(): string {
  const h = tmpHome();
  cleanups.push(h.cleanup);
  return h.home;
}

const USAGE = `SELECT count(*)::VARCHAR n, SUM(source_cost)::VARCHAR spend, SUM("input")::VARCHAR "input",
  SUM("output")::VARCHAR "output", min(source_file) file FROM usage`;

describe('ingest - (standard input)', () => {
  it('a piped LiteLLM CSV stores what the file stores, recorded as <stdin>', async () => {
    const plain = home();
    expect(run(plain, ['ingest', fixture('litellm/spendlogs.csv')]).code).toBe(0);
    const piped = home();
    const r = run(
      piped,
      ['ingest', '-', '--source', 'litellm'],
      readFileSync(fixture('litellm/spendlogs.csv')),
    );
    expect(r.code).toBe(0);
    expect(r.out).toContain('<stdin>');
    const a = await one<Record<string, string>>(plain, USAGE);
    const b = await one<Record<string, string>>(piped, USAGE);
    expect(b).toEqual({ ...a, file: '<stdin>' });
    expect([b.n, b.spend]).toEqual(['5', '0.016098000000000000']);
    // the spooled copy went with the transaction's staging area (and `.staging` itself, once empty)
    expect(existsSync(join(piped, '.staging'))).toBe(false);
  });

  it('gzip on stdin, and detection without --source, give the same totals', async () => {
    const plain = home();
    run(plain, ['ingest', fixture('litellm/spendlogs.csv')]);
    const gz = home();
    const r = run(gz, ['ingest', '-'], readFileSync(fixture('compressed/spendlogs.csv.gz')));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/<stdin>\s+litellm\s+ingested\s+5\s+5/);
    expect(await one(gz, USAGE)).toEqual({ ...(await one(plain, USAGE)), file: '<stdin>' });
  });

  it('a JSON document on stdin (--dry-run stores nothing)', async () => {
    const h = home();
    const r = run(
      h,
      ['ingest', '-', '--source', 'litellm', '--dry-run', '--json'],
      readFileSync(fixture('litellm/spend_logs_response.json')),
    );
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out);
    expect(report.files.map((f: { path: string; rowsOut: number }) => [f.path, f.rowsOut])).toEqual([
      ['<stdin>', 3],
    ]);
    expect(await one(h, 'SELECT count(*)::VARCHAR n FROM usage')).toEqual({ n: '0' });
  });

  it('"-" twice, or an empty stdin, is an input error (exit 2)', () => {
    const h = home();
    const twice = run(h, ['ingest', '-', '-'], Buffer.from('x'));
    expect(twice.code).toBe(2);
    expect(twice.err).toContain('"-" (standard input) may be given only once');
    const empty = run(h, ['ingest', '-', '--source', 'litellm'], Buffer.alloc(0));
    expect(empty.code).toBe(2);
    expect(empty.err).toContain('<stdin>: empty file');
  });
});
