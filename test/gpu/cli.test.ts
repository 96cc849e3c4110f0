// `aicost gpu` as users run it (npm run build first): help with examples, the table and JSON on the fixture fleet,
// exit 2 without configured clusters; ingest --timezone.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { fixture, scratchHomes } from '../helpers/home.js';

const home = scratchHomes(afterAll)();
const config = fixture('gpu', 'aicost.config.yaml');

beforeAll(async () => {
  const r = await runCli([
    '--data',
    home,
    '--config',
    config,
    'ingest',
    fixture('gpu'),
    '--account',
    'acct-gpu',
  ]);
  expect(r.code).toBe(0);
});

it('--help has examples and the exit codes', async () => {
  const r = await runCli(['gpu', '--help']);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/Examples:\n {2}\$ aicost gpu/);
  expect(r.stdout).toMatch(/Exit codes/);
});

it('the table and the JSON of the fixture fleet', async () => {
  const t = await runCli(['--data', home, '--config', config, 'gpu']);
  expect(t.code).toBe(0);
  const line = t.stdout.split('\n').find((l) => l.startsWith('llama-pool'))!;
  expect(line.split(/\s{2,}/)).toEqual([
    'llama-pool',
    '2025-08-05T00:00:00Z to 2025-08-05T04:00:00Z',
    '8',
    '40.0%',
    '60.00 USD',
    '36.00 USD',
    '1,200,000',
    '50.00 USD',
  ]);
  const j = await runCli(['--data', home, '--config', config, 'gpu', '--format', 'json']);
  expect(j.code).toBe(0);
  const report = JSON.parse(j.stdout);
  expect(report.schema).toBe('aicost.gpu/1');
  expect(report.clusters[0]).toMatchObject({
    idleCost: '36.000000000000000000',
    costPer1MTokens: '50.000000000000000000',
  });
});

it('without clusters in the config: exit 2 with a hint', async () => {
  const r = await runCli(['--data', home, '--config', fixture('gpu', 'no-such.yaml'), 'gpu']);
  expect(r.code).toBe(2);
  const none = await runCli(['--data', home, 'gpu'], { env: { AICOST_CONFIG: '' } });
  expect(none.code).toBe(2);
  expect(none.stderr).toMatch(/no GPU clusters configured/);
});
