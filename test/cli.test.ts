// The binary as users run it: exit codes, stdout/stderr split, --json errors, --help speed.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture, tmpHome } from './helpers/home.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'aicost.js');
const { home, cleanup } = tmpHome();
afterAll(cleanup);

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, '--data', home, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('aicost CLI', () => {
  it('--help lists the commands and exit codes, quickly', () => {
    const t = Date.now();
    const r = run('--help');
    expect(r.code).toBe(0);
    for (const c of ['ingest', 'sources', 'query', 'validate', 'forget']) expect(r.out).toContain(c);
    expect(r.out).toContain('Exit codes');
    // generous bound for a loaded CI box; `npm run bench` measures the 300 ms target
    expect(Date.now() - t).toBeLessThan(3000);
  });

  it('ingest prints per-file source, rows and reconciliation; query answers from the views', () => {
    const r = run('ingest', fixture('openai/costs_by_line_item.json'), fixture('anthropic/cost_report.json'));
    expect(r.code).toBe(0);
    expect(r.out).toContain('openai-costs');
    expect(r.out).toContain('1.79506289012345 = 1.79506289012345');
    expect(r.out).toContain('123.78912 = 123.78912');
    const qr = run('query', 'SELECT SUM(BilledCost) AS total FROM focus', '--format', 'csv');
    expect(qr.code).toBe(0);
    expect(qr.out.trim()).toBe('total\n3.032954090123450000');
    const js = run(
      'query',
      'SELECT x_SourceId, count(*) AS n FROM focus GROUP BY 1 ORDER BY 1',
      '--format',
      'json',
    );
    expect(JSON.parse(js.out)).toEqual([
      { x_SourceId: 'anthropic-cost', n: '1' },
      { x_SourceId: 'openai-costs', n: '6' },
    ]);
  });

  it('bad input exits 2 naming file, line and column; --json puts the error on stderr as JSON', () => {
    const r = run('ingest', fixture('bad/negative_tokens.csv'));
    expect(r.code).toBe(2);
    expect(r.err).toContain('negative_tokens.csv, line 3, column completion_tokens');
    const j = run('ingest', fixture('bad/negative_tokens.csv'), '--json');
    expect(j.code).toBe(2);
    expect(JSON.parse(j.err)).toMatchObject({ exitCode: 2 });
  });

  it('an unknown flag or source is a usage error (exit 2) with a suggestion', () => {
    expect(run('ingest', '--nope', 'x').code).toBe(2);
    const r = run('ingest', fixture('openai/costs_ungrouped.json'), '--source', 'openai-cost');
    expect(r.code).toBe(2);
    expect(r.err).toContain('did you mean "openai-costs"');
  });

  it('a bad query is an input error', () => {
    const r = run('query', 'SELECT nope FROM focus');
    expect(r.code).toBe(2);
    expect(r.err).toContain('query failed');
  });

  it('sources lists every definition', () => {
    const r = run('sources', '--json');
    expect(JSON.parse(r.out).map((s: { id: string }) => s.id)).toEqual([
      'openai-costs',
      'openai-usage',
      'anthropic-cost',
      'anthropic-usage',
      'litellm',
      'otel-genai',
      'langfuse',
      'helicone',
      'gateway-csv',
      'commitments',
      'aws-cur',
      'aws-cur2',
      'aws-focus',
      'gpu-reservations',
      'nvidia-smi',
      'dcgm',
      'opencost',
      'azure-cost',
      'azure-focus',
      'gcp-billing',
      'focus',
    ]);
  });
});
