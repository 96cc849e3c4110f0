// The anomaly detector end to end on eight weeks of seeded gateway traffic with planted events: each event must be
// found on its feature and day with the right driver, seasonality and small spikes must not alarm, and bad options
// must fail before anything is read.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allocate } from '../../src/analysis/allocate/run.js';
import { detectAnomalies } from '../../src/analysis/anomalies/index.js';
import { decompose, type ModelAgg, shapley } from '../../src/analysis/anomalies/shapley.js';
import type { Anomaly, AnomalyReport } from '../../src/analysis/anomalies/types.js';
import { InputError } from '../../src/errors.js';
import { fixture, ingestInto, tmpHome } from '../helpers/home.js';
import { type Feature, type TrafficEvent, writeTraffic } from './anomaly-traffic.js';

const SONNET = { provider: 'anthropic', model: 'claude-sonnet-4-20250514' } as const;
const FEATURES: Feature[] = [
  { name: 'chat', ...SONNET, requests: 200, input: 12_000, cacheShare: 0.4, output: 1000 },
  {
    name: 'search',
    provider: 'openai',
    model: 'gpt-4o',
    requests: 400,
    input: 3000,
    cacheShare: 0.2,
    output: 300,
  },
  {
    name: 'summarize',
    provider: 'openai',
    model: 'gpt-4o-mini',
    requests: 250,
    input: 10_000,
    cacheShare: 0.25,
    output: 1500,
  },
  {
    name: 'tiny',
    provider: 'openai',
    model: 'gpt-4o-mini',
    requests: 60,
    input: 2000,
    cacheShare: 0,
    output: 200,
  },
  { name: 'agent', ...SONNET, requests: 150, input: 6000, cacheShare: 0.5, output: 600 },
  {
    name: 'steady',
    provider: 'openai',
    model: 'gpt-4o',
    requests: 200,
    input: 4000,
    cacheShare: 0,
    output: 400,
  },
  {
    name: 'newbie',
    provider: 'openai',
    model: 'gpt-4o-mini',
    requests: 50,
    input: 2000,
    cacheShare: 0,
    output: 200,
    from: '2025-10-06',
  },
];
// The reported week is Mon 2025-10-20 .. Sun 2025-10-26; seven weeks of history precede it.
const EVENTS: TrafficEvent[] = [
  { feature: 'chat', from: '2025-10-22', to: '2025-10-26', tokens: 3 }, // (a) tokens per request step
  { feature: 'search', from: '2025-10-24', volume: 3 }, // (b) volume spike, one day
  { feature: 'summarize', from: '2025-10-23', to: '2025-10-26', model: SONNET }, // (c) to a pricier model
  { feature: 'tiny', from: '2025-10-21', volume: 2 }, // (e) a spike worth cents
  { feature: 'agent', from: '2025-10-20', to: '2025-10-26', tokens: 1.4 }, // (g) cost per request +40 %
  { feature: 'steady', from: '2025-10-20', to: '2025-10-26', tokens: 1.1 }, // (g) +10 %
];
// (f) one request of 80,000 tokens
const RUNAWAY =
  '2025-10-20T13:00:00Z,chat-runaway,t-loop,anthropic,claude-sonnet-4-20250514,70000,0,10000,success,chat';
const WEEK = { since: '2025-10-20', until: '2025-10-26' };

const find = (r: AnomalyReport, kind: Anomaly['kind'], key: string | null, day?: string) =>
  r.anomalies.find((a) => a.kind === kind && a.key === key && (day === undefined || a.day === day));
const shares = (a: Anomaly | undefined) =>
  Object.fromEntries((a?.drivers ?? []).map((d) => [d.factor, d.share]));

describe('detectAnomalies', () => {
  const { home, cleanup } = tmpHome();
  const dir = mkdtempSync(join(tmpdir(), 'aicost-traffic-'));
  let report: AnomalyReport;
  beforeAll(async () => {
    await ingestInto(home, [writeTraffic(dir, FEATURES, EVENTS, [RUNAWAY])]);
    report = await detectAnomalies(home, { by: 'feature', ...WEEK });
  });
  afterAll(() => {
    cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds exactly the planted daily cost anomalies', () => {
    const daily = report.anomalies.filter((a) => a.kind === 'daily-cost').map((a) => `${a.key} ${a.day}`);
    expect(daily.sort()).toEqual([
      'chat 2025-10-22',
      'chat 2025-10-23',
      'chat 2025-10-24',
      'search 2025-10-24',
      'summarize 2025-10-23',
      'summarize 2025-10-24',
    ]);
    expect(report).toMatchObject({ schema: 'aicost.anomalies/1', by: 'feature', ...WEEK });
    expect(report.insufficientHistory).toEqual(['newbie']);
  });

  it('(a) a step in tokens per request is driven by tokens per request', () => {
    const a = find(report, 'daily-cost', 'chat', '2025-10-22');
    expect(a?.driver).toBe('tokens per request');
    expect(shares(a)['tokens per request']).toBeGreaterThan(0.9);
    expect(a).toMatchObject({ basis: 'estimated', currency: 'USD' });
    expect(a?.actual).toMatch(/^\d+\.\d{18}$/);
    const sum = a!.drivers.reduce((t, d) => t + d.share, 0);
    expect(sum).toBeCloseTo(1, 3);
  });

  it('(b) three times the requests is driven by request volume', () => {
    const a = find(report, 'daily-cost', 'search', '2025-10-24');
    expect(a?.driver).toBe('request volume');
    expect(shares(a)['request volume']).toBeGreaterThan(0.9);
  });

  it('(c) a switch to a pricier model is driven by model mix', () => {
    const a = find(report, 'daily-cost', 'summarize', '2025-10-23');
    expect(a?.driver).toBe('model mix');
    expect(shares(a)['model mix']).toBeGreaterThan(0.9);
  });

  it('(d) weekday/weekend seasonality alone raises nothing', async () => {
    const quiet = await detectAnomalies(home, { by: 'feature', since: '2025-10-06', until: '2025-10-19' });
    expect(quiet.anomalies).toEqual([]);
    expect(quiet.insufficientHistory).toEqual(['newbie']);
  });

  it('(e) a spike below the impact gate raises nothing, and does when the gate is lowered', async () => {
    expect(find(report, 'daily-cost', 'tiny')).toBeUndefined();
    const low = await detectAnomalies(home, { by: 'feature', ...WEEK, minImpact: { absolute: 0.01 } });
    expect(find(low, 'daily-cost', 'tiny', '2025-10-21')?.driver).toBe('request volume');
  });

  it('(f) lists a runaway request of 80,000 tokens', () => {
    const a = find(report, 'runaway-requests', 'chat', '2025-10-20');
    expect(a?.kind === 'runaway-requests' && a.detail).toMatchObject({
      limit: 50_000,
      count: 1,
      requests: [
        { requestId: 'chat-runaway', traceId: 't-loop', tokens: 80_000, model: 'claude-sonnet-4-20250514' },
      ],
    });
    expect(report.anomalies.filter((x) => x.kind === 'runaway-requests')).toHaveLength(1);
  });

  it('(g) flags cost per request +40 % week over week, not +10 %', () => {
    const a = find(report, 'cost-per-request', 'agent');
    expect(a?.kind === 'cost-per-request' && a.detail.change).toBeCloseTo(0.4, 1);
    expect(a?.driver).toBe('tokens per request');
    expect(find(report, 'cost-per-request', 'steady')).toBeUndefined();
  });

  it('without a key, reports the total', async () => {
    const total = await detectAnomalies(home, WEEK);
    expect(total.by).toBeNull();
    expect(find(total, 'daily-cost', null, '2025-10-22')?.driver).toBe('tokens per request');
  });

  it('rejects bad options before reading anything, and a key no row has', async () => {
    const nowhere = join(dir, 'no-such-home');
    await expect(detectAnomalies(nowhere, { since: '2025-02-30' })).rejects.toThrow(InputError);
    await expect(detectAnomalies(nowhere, { runawayTokens: -1 })).rejects.toThrow(/runawayTokens/);
    await expect(detectAnomalies(nowhere, { minImpact: { absolute: -5 } })).rejects.toThrow(InputError);
    await expect(detectAnomalies(nowhere, { since: '2025-10-26', until: '2025-10-20' })).rejects.toThrow(
      InputError,
    );
    await expect(detectAnomalies(home, { by: 'featur' })).rejects.toThrow(
      /keys present: model, provider, feature/,
    );
  });
});

describe('invoiced costs', () => {
  const { home, cleanup } = tmpHome();
  afterAll(cleanup);

  it('reads the invoiced share after allocate, in the billing currency', async () => {
    await ingestInto(home, [fixture('allocation')]);
    await allocate({ home, keys: ['feature'], method: 'x-token-cost-v1', period: { from: null, to: null } });
    const day = { since: '2025-08-01', until: '2025-08-01' };
    const r = await detectAnomalies(home, { by: 'feature', ...day, runawayTokens: 1000 });
    const chat = find(r, 'runaway-requests', 'chat', '2025-08-01');
    expect(chat).toMatchObject({ basis: 'invoiced', currency: 'USD' });
    expect(r.anomalies.filter((a) => a.kind === 'daily-cost')).toEqual([]);
    expect(r.insufficientHistory).toContain('chat');
  });
});

describe('decomposition', () => {
  // claude-sonnet-4 at list prices: 1M input tokens per 100 requests, half of them cache reads, 0.1M output
  const sonnet = (over: Partial<ModelAgg> = {}): ModelAgg => {
    const m = {
      model: 'sonnet',
      n: 100,
      tokens: 1_100_000,
      inputAll: 1_000_000,
      cacheRead: 500_000,
      ...over,
    };
    const estNc = m.inputAll * 3e-6 + (m.tokens - m.inputAll) * 15e-6;
    const est = estNc - m.cacheRead * 2.7e-6;
    return { ...m, est, estNc, cost: est, ...over };
  };
  const top = (d: { factor: string; share: number }[]) => [d[0]?.factor, d[0]?.share];

  it('splits a product exactly: 1·1 → 2·3 gives 2 and 3', () => {
    const f = (mask: number) => (mask & 1 ? 2 : 1) * (mask & 2 ? 3 : 1);
    expect(shapley(f, 2)).toEqual([2, 3]);
  });

  it('a cache that stops hitting is the cache-hit rate', () => {
    expect(top(decompose([sonnet()], [sonnet({ cacheRead: 0 })]))).toEqual(['cache-hit rate', 1]);
  });

  it('the same tokens costing twice as much is price', () => {
    const base = sonnet();
    expect(top(decompose([base], [{ ...base, cost: base.cost * 2 }]))).toEqual(['price', 1]);
  });

  it('twice the requests and a new model share the change, summing to 1', () => {
    const twice = sonnet({ n: 200, tokens: 2_200_000, inputAll: 2_000_000, cacheRead: 1_000_000 });
    const opus = { ...sonnet(), model: 'opus', cost: sonnet().cost * 5 };
    const d = Object.fromEntries(decompose([sonnet()], [twice, opus]).map((x) => [x.factor, x.share]));
    expect(Object.values(d).reduce((t, x) => t + x, 0)).toBeCloseTo(1, 3);
    expect(d).toMatchObject({ 'tokens per request': 0, price: 0, 'cache-hit rate': 0 });
  });
});
