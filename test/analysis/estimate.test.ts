// estimateChange on constructed traffic (test/analysis/estimate-traffic.ts) and the fixture prompt pair
// (fixtures/estimate/): token deltas recomputed with gpt-tokenizer itself, money worked out by hand from the prices in
// prices/book.yaml, so a wrong rule in aicost cannot agree with its own output.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EstimateOptions, estimateChange } from '../../src/analysis/estimate.js';
import { fixture, ingestInto } from '../helpers/home.js';
import { TRAFFIC, writeEstimateTraffic } from './estimate-traffic.js';

const dir = mkdtempSync(join(tmpdir(), 'aicost-estimate-'));
const home = join(dir, 'home');
beforeAll(async () => {
  mkdirSync(join(dir, 'in'));
  await ingestInto(home, [writeEstimateTraffic(join(dir, 'in'), TRAFFIC)]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const prompt = (f: string) => ({ text: readFileSync(fixture('estimate', f), 'utf8'), source: f });
const before = prompt('prompt-before.txt');
const after = prompt('prompt-after.txt');
const change = (o: Partial<EstimateOptions>) =>
  estimateChange(home, { feature: 'support', promptBefore: before, promptAfter: after, ...o });

describe('a prompt change on an OpenAI model', () => {
  it('counts the delta exactly and prices it with the observed cache share', async () => {
    const r = await change({});
    // The same tokenizer, called directly: the delta is what o200k_base says, and pinned.
    const delta = countTokens(after.text) - countTokens(before.text);
    expect(r.prompt?.delta_per_request).toBe(delta);
    expect(delta).toBe(166);
    expect(r.prompt).toMatchObject({ before: { tokens: 77 }, after: { tokens: 243 }, calibration: null });
    expect(r).toMatchObject({
      schema: 'aicost.estimate/1',
      kind: 'prompt',
      method: 'exact',
      priced_at: '2025-10-30',
      // The August traffic (500 requests on gpt-4o) is outside the 30 days ending 2025-10-30.
      window: { from: '2025-10-01', to: '2025-10-30', days: 30 },
      requests: { in_window: 3000, per_month: 3000 },
      cache: { read_share: 0.25, write_share: 0 },
    });
    expect(r.model.after).toMatchObject({
      id: 'gpt-4o-mini-2024-07-18',
      provider: 'openai',
      requests_share: 1,
    });
    // prices/book.yaml, gpt-4o-mini-2024-07-18 from 2024-07-18: input 0.15, cache_read 0.075 USD per 1M tokens.
    // Per request 750 uncached + 250 cache-read input tokens: 25 % of the delta is read from cache.
    // 166 tokens × 3000 requests × (0.75 × 0.15 + 0.25 × 0.075) / 1e6 = 498,000 × 0.13125 / 1e6 = 0.0653625
    expect(r.monthly.delta).toBe('0.065363');
    // Current: (750 × 0.15 + 250 × 0.075 + 200 × 0.6) / 1e6 × 3000 = 0.00025125 × 3000 = 0.75375
    expect(r.monthly.before).toBe('0.753750');
    // 0.75375 + 0.0653625 = 0.8191125, half away from zero at 1e-6
    expect(r.monthly.after).toBe('0.819113');
    expect(r.monthly.delta_pct).toBe(8.67);
  });

  it('prices the delta on --model, and ignores --before-tokens where the count is exact', async () => {
    const r = await change({ model: 'gpt-4.1-mini', beforeTokens: 80 });
    expect(r.model.after).toMatchObject({
      id: 'gpt-4.1-mini-2025-04-14',
      source: 'option',
      requests_share: 0,
    });
    expect(r.prompt?.delta_per_request).toBe(166);
    // gpt-4.1-mini: input 0.4, cache_read 0.1. 166 × 3000 × (0.75 × 0.4 + 0.25 × 0.1) / 1e6 = 498,000 × 0.325 / 1e6
    expect(r.monthly.delta).toBe('0.161850');
    expect(r.notes.join('\n')).toMatch(/--before-tokens ignored/);
  });

  it('scales a feature younger than 30 days to a month', async () => {
    const r = await change({ feature: 'onboarding' });
    expect(r.window).toEqual({ from: '2025-10-21', to: '2025-10-30', days: 10 });
    expect(r.requests).toEqual({ in_window: 1000, per_month: 3000 });
    // No cache reads: 166 × 1000 × 30/10 × 0.15 / 1e6 = 0.0747
    expect(r.monthly.delta).toBe('0.074700');
    expect(r.notes.join('\n')).toMatch(/only 10 days of traffic/);
  });

  it('checks the thresholds exactly', async () => {
    expect((await change({ thresholdAmount: '0.065362' })).threshold.exceeded).toBe(true);
    expect((await change({ thresholdAmount: '0.0653625' })).threshold.exceeded).toBe(false);
    expect((await change({ thresholdPct: 8.6 })).threshold.exceeded).toBe(true);
    expect((await change({ thresholdPct: 8.68 })).threshold).toEqual({
      amount: null,
      pct: 8.68,
      exceeded: false,
    });
  });
});

describe('a prompt change on an Anthropic model', () => {
  it('is approximate: the o200k_base count × 1.14 per prompt, labelled with its method and source', async () => {
    const r = await change({ feature: 'assistant' });
    expect(r.method).toBe('approximate');
    expect(r.model.after.tokenizer).toMatchObject({ family: 'anthropic', factor: 1.14, exact: false });
    expect(r.model.after.tokenizer.method).toMatch(/o200k_base count × 1\.14/);
    expect(r.model.after.tokenizer.sources[0]).toMatch(/^https:\/\/platform\.claude\.com\//);
    // round(77 × 1.14) = round(87.78) = 88; round(243 × 1.14) = round(277.02) = 277
    const scaled = (t: string) => Math.round((countTokens(t) * 114) / 100);
    expect(r.prompt?.delta_per_request).toBe(scaled(after.text) - scaled(before.text));
    expect(r.prompt?.delta_per_request).toBe(189);
    expect(r.cache).toEqual({ read_share: 0.3, write_share: 0.1 });
    // claude-sonnet-4-20250514: input 3, cache_read 0.3, cache_write_5m 3.75 per 1M; input mix 600/300/100 of 1000.
    // 189 × 1500 × (0.6 × 3 + 0.3 × 0.3 + 0.1 × 3.75) / 1e6 = 283,500 × 2.265 / 1e6 = 0.6421275
    expect(r.monthly.delta).toBe('0.642128');
    // (600 × 3 + 300 × 0.3 + 100 × 3.75 + 150 × 15) / 1e6 × 1500 = 0.004515 × 1500 = 6.7725
    expect(r.monthly.before).toBe('6.772500');
  });

  it('calibrates on --before-tokens: the provider count of the before prompt sets the ratio', async () => {
    const r = await change({ feature: 'assistant', beforeTokens: 100 });
    // after = round(243 × 100 / 77) = round(315.58) = 316
    expect(r.prompt).toMatchObject({
      before: { tokens: 100 },
      after: { tokens: 316 },
      delta_per_request: 216,
    });
    expect(r.prompt?.calibration).toMatch(/--before-tokens 100 ÷ 77/);
    expect(r.method).toBe('approximate');
  });
});

describe('a model change', () => {
  it('re-prices the observed token mix per month on the other model', async () => {
    const r = await estimateChange(home, { feature: 'support', modelAfter: 'gpt-4.1-mini' });
    expect(r).toMatchObject({ kind: 'model', method: 'exact', prompt: null });
    expect(r.model.before).toMatchObject({ id: 'gpt-4o-mini-2024-07-18', source: 'observed' });
    // Per month: 2,250,000 uncached input, 750,000 cache reads, 600,000 output.
    expect(r.tokens_per_month?.after).toMatchObject({
      input: 2_250_000,
      cache_read: 750_000,
      output: 600_000,
    });
    // gpt-4.1-mini: 2.25 × 0.4 + 0.75 × 0.1 + 0.6 × 1.6 = 0.9 + 0.075 + 0.96 = 1.935
    expect(r.monthly).toEqual({
      before: '0.753750',
      after: '1.935000',
      delta: '1.181250',
      delta_pct: 156.72,
    });
  });

  it('scales the counts across tokenizer families and says so', async () => {
    const r = await estimateChange(home, {
      feature: 'onboarding',
      modelBefore: 'gpt-4o-mini',
      modelAfter: 'claude-haiku-4-5',
    });
    expect(r.method).toBe('approximate');
    // 1,000 requests in 10 days → per month 3,000,000 input and 300,000 output, × 1.14 on Claude
    expect(r.tokens_per_month?.after).toMatchObject({ input: 3_420_000, output: 342_000 });
    // before: 3 × 0.15 + 0.3 × 0.6 = 0.63; after (claude-haiku-4-5: input 1, output 5): 3.42 + 1.71 = 5.13
    expect(r.monthly).toMatchObject({ before: '0.630000', after: '5.130000', delta: '4.500000' });
    expect(r.notes.join('\n')).toMatch(/scaled × 1\.14\/1 from the openai to the anthropic tokenizer/);
  });

  it('names the nearest known ids for an unknown model, and the tagged features for an unknown one', async () => {
    const bad = estimateChange(home, { feature: 'support', modelAfter: 'gpt-4o-mni' });
    await expect(bad).rejects.toMatchObject({
      name: 'InputError',
      hint: expect.stringMatching(/gpt-4o-mini/),
    });
    const typo = estimateChange(home, { feature: 'suport', modelAfter: 'gpt-4o-mini' });
    await expect(typo).rejects.toMatchObject({
      hint: expect.stringMatching(/^features with usage: support/),
    });
  });

  it('refuses options that describe no change or two', async () => {
    await expect(estimateChange(home, { feature: 'support' })).rejects.toThrow(/nothing to estimate/);
    await expect(change({ modelAfter: 'gpt-4.1' })).rejects.toThrow(/not both/);
    await expect(estimateChange(home, { feature: 'support', modelBefore: 'gpt-4.1' })).rejects.toThrow(
      /needs --model-after/,
    );
  });
});
