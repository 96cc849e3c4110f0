// `aicost anomalies` as CI runs it: versioned JSON with key, day, impact and driver; --fail-on anomaly exits 1 when
// something trips and 0 on steady traffic; bad options are usage errors.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { ingestInto } from '../helpers/home.js';
import { type Feature, writeTraffic } from './anomaly-traffic.js';

const FEATURES: Feature[] = [
  {
    name: 'chat',
    provider: 'openai',
    model: 'gpt-4o',
    requests: 300,
    input: 3000,
    cacheShare: 0.2,
    output: 400,
  },
  {
    name: 'search',
    provider: 'openai',
    model: 'gpt-4o-mini',
    requests: 500,
    input: 2000,
    cacheShare: 0.1,
    output: 200,
  },
];
const dir = mkdtempSync(join(tmpdir(), 'aicost-anomalies-cli-'));
const spiky = join(dir, 'spiky');
const steady = join(dir, 'steady');
beforeAll(async () => {
  const a = join(dir, 'a');
  const b = join(dir, 'b');
  mkdirSync(a);
  mkdirSync(b);
  await ingestInto(spiky, [
    writeTraffic(a, FEATURES, [{ feature: 'chat', from: '2025-10-22', to: '2025-10-22', volume: 4 }]),
  ]);
  await ingestInto(steady, [writeTraffic(b, FEATURES, [])]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('exits 1 under --fail-on anomaly and names the driver in the JSON', async () => {
  const r = await runCli([
    '--data',
    spiky,
    'anomalies',
    '--by',
    'feature',
    '--fail-on',
    'anomaly',
    '--format',
    'json',
  ]);
  expect(r.code).toBe(1);
  const j = JSON.parse(r.stdout);
  expect(j.schema).toBe('aicost.anomalies/1');
  const a = j.anomalies.find((x: { kind: string }) => x.kind === 'daily-cost');
  expect(a).toMatchObject({ key: 'chat', day: '2025-10-22', driver: 'request volume', basis: 'estimated' });
  expect(Number(a.impact)).toBeGreaterThan(5);
});

it('exits 0 on steady traffic, and 2 on a bad option', async () => {
  const r = await runCli(['--data', steady, 'anomalies', '--by', 'feature', '--fail-on', 'anomaly']);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/No anomalies/);
  const bad = await runCli(['--data', steady, 'anomalies', '--since', '2025-13-01']);
  expect(bad.code).toBe(2);
  const typo = await runCli(['--data', steady, 'anomalies', '--by', 'featur']);
  expect(typo.code).toBe(2);
  expect(typo.stderr).toMatch(/feature/);
});
