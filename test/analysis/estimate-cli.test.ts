// `aicost estimate` as CI runs it, through the built binary (`npm run build` first): the thresholds exit 1 when the
// monthly increase is over them and 0 under, with the output still printed; bad options are usage errors (exit 2).
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { fixture, ingestInto } from '../helpers/home.js';
import { TRAFFIC, writeEstimateTraffic } from './estimate-traffic.js';

const dir = mkdtempSync(join(tmpdir(), 'aicost-estimate-cli-'));
const home = join(dir, 'home');
beforeAll(async () => {
  mkdirSync(join(dir, 'in'));
  await ingestInto(home, [writeEstimateTraffic(join(dir, 'in'), TRAFFIC)]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PROMPTS = [
  '--prompt-before',
  fixture('estimate', 'prompt-before.txt'),
  '--prompt-after',
  fixture('estimate', 'prompt-after.txt'),
];
const estimate = (...args: string[]) => runCli(['--data', home, 'estimate', '--feature', 'support', ...args]);

it('exits 1 over --threshold-amount, with the JSON report still printed', async () => {
  const r = await estimate(...PROMPTS, '--threshold-amount', '0.05', '--format', 'json');
  expect(r.code).toBe(1);
  const j = JSON.parse(r.stdout);
  // 166 tokens × 3000 requests × 0.13125 USD per 1M (see estimate.test.ts)
  expect(j).toMatchObject({
    schema: 'aicost.estimate/1',
    method: 'exact',
    prompt: { delta_per_request: 166 },
    requests: { per_month: 3000 },
    monthly: { delta: '0.065363' },
    threshold: { amount: '0.05', pct: null, exceeded: true },
  });
});

it('exits 0 under the thresholds, and 1 over --threshold-pct', async () => {
  const under = await estimate(...PROMPTS, '--threshold-amount', '1', '--threshold-pct', '10');
  expect(under.code).toBe(0);
  expect(under.stdout).toMatch(/within threshold \(1 USD or 10%\)/);
  expect(under.stdout).toMatch(/prompt tokens per request\s+77\s+243\s+\+166/);
  const over = await estimate(...PROMPTS, '--threshold-pct', '5%');
  expect(over.code).toBe(1);
  expect(over.stdout).toMatch(/over threshold: the monthly increase exceeds 5%/);
});

it('writes a Markdown table for a pull-request comment, and reads a prompt from stdin', async () => {
  const md = await runCli(
    [
      '--data',
      home,
      'estimate',
      '--feature',
      'assistant',
      '--prompt-before',
      '-',
      '--prompt-after',
      fixture('estimate', 'prompt-after.txt'),
      '--format',
      'markdown',
    ],
    { input: readFileSync(fixture('estimate', 'prompt-before.txt')) },
  );
  expect(md.code).toBe(0);
  expect(md.stdout).toMatch(/^### aicost estimate: feature `assistant`/);
  expect(md.stdout).toMatch(/\| prompt tokens per request \| 88 \| 277 \| \+189 \|/);
  expect(md.stdout).toMatch(/approximate: o200k_base count × 1\.14/);
});

it('re-prices on another model', async () => {
  const r = await estimate('--model-after', 'gpt-4.1-mini', '--format', 'json');
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout).monthly).toEqual({
    before: '0.753750',
    after: '1.935000',
    delta: '1.181250',
    delta_pct: 156.72,
  });
});

it('exits 2 on bad options', async () => {
  const cases: [string[], RegExp][] = [
    [['--data', home, 'estimate', ...PROMPTS], /--feature is required/],
    [['--data', home, 'estimate', '--feature', 'support', '--format', 'xml', ...PROMPTS], /unknown --format/],
    [['--data', home, 'estimate', '--feature', 'support', '--prompt-before', 'no-such.txt'], /no such file/],
    [['--data', home, 'estimate', '--feature', 'support', '--prompt-before', 'text:a'], /needs both/],
    [
      ['--data', home, 'estimate', '--feature', 'support', ...PROMPTS, '--model-after', 'gpt-4.1'],
      /not both/,
    ],
    [['--data', home, 'estimate', '--feature', 'support', '--model-after', 'gpt-4o-mni'], /gpt-4o-mini/],
    [
      ['--data', home, 'estimate', '--feature', 'support', ...PROMPTS, '--threshold-pct', 'ten'],
      /threshold-pct/,
    ],
    [['--data', home, 'estimate', '--feature', 'suport', '--model-after', 'gpt-4.1'], /features with usage/],
  ];
  for (const [args, message] of cases) {
    const r = await runCli(args);
    expect([args.slice(3).join(' '), r.code]).toEqual([args.slice(3).join(' '), 2]);
    expect(r.stderr).toMatch(message);
  }
});
