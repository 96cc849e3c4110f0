// The quick start's main job (`npm run demo`, scripts/demo.mjs) end to end, into a throwaway data home: every step
// exits as the story says, and the cloud and GPU parts show their hand-checked figures. (It once stopped on a DuckDB
// internal error in the GPU allocation that no single fixture triggered: the demo's mix of sources did.)
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { tmpHome } from './helpers/home.js';

const { home, cleanup } = tmpHome();
afterAll(cleanup);
const DEMO = join(import.meta.dirname, '..', 'scripts', 'demo.mjs');

it('npm run demo ingests every format and walks through showback, GPU, commitments, traces, forecast, budgets', () => {
  const r = spawnSync(process.execPath, [DEMO], {
    env: { ...process.env, AICOST_DATA: home, NO_COLOR: '1' },
    encoding: 'utf8',
    timeout: 240_000,
  });
  expect(r.stderr).not.toMatch(/internal error/);
  expect(r.status).toBe(0);
  const out = r.stdout;
  // every input reconciles: the ingest table has no failed file
  expect(out).toMatch(
    /fixtures\/aws\/legacy_cur_sample\.csv\s+aws-cur\s+ingested\s+1,281\s+1,281\s+0\s+1\.6823086974 = 1\.6823086974/,
  );
  expect(out).toMatch(
    /fixtures\/gpu\/reservations\.csv\s+gpu-reservations\s+ingested\s+2\s+2\s+0\s+1478 = 1478/,
  );
  // the GPU cluster: 8 reserved GPU-hours at 40 % busy, 60.00 cost, 36.00 idle, 50.00 per 1M tokens
  expect(out).toMatch(
    /llama-pool\s+2025-08-05T00:00:00Z to 2025-08-05T04:00:00Z\s+8\s+40\.0%\s+60\.00 USD\s+36\.00 USD\s+1,200,000\s+50\.00 USD/,
  );
  expect(out).toMatch(/TOTAL USD \(= pool\)\s+12\.00\s+100\.0%/);
  // the reservation's 48.00 is a prepaid purchase (EffectiveCost 0): the billed line gives the pool's 60.00
  expect(out).toContain('billed 60.00 USD (EffectiveCost above;');
  // cloud commitment terms: the CUR 2.0 RI and savings plan
  expect(out).toMatch(/aws-cur2\s+Reservation\s+Usage\s+60044\s+20\s+Hours/);
  expect(out).toMatch(/aws-cur2\s+Savings Plan\s+Spend\s+9504\s+34\.55\s+USD/);
  for (const step of [
    'Allocation showback by feature',
    'The costliest agent traces',
    'Forecast',
    'Budget check',
  ])
    expect(out).toContain(step);
});
